import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { CallerAudioPlayer } from '../../support/caller-audio-player.js';
import {
  DATA_ACTION_KEY,
  eventually,
  OTHER_ORG_DATA_ACTION_KEY,
  SIGNED_KEY,
  startTestServer,
  TEST_ORG_ID,
  type TestServer,
} from '../../support/test-server.js';

/**
 * The reproduction: a voice call on `account` collects digits 12345678; a Data Action POST
 * with that conversation id as `sender` used to return them to any key holder. Now only the owning
 * organization's Data Action key sees the conversation, and only once the call is over.
 */
describe('Data Action route: own keys, organization binding, one writer per conversation', () => {
  let server: TestServer;
  beforeAll(async () => {
    const synthesizer = new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 10, msPerChar: 2 });
    server = await startTestServer({}, { speech: { mode: 'custom', synthesizer } });
  });
  afterAll(async () => server.close());

  async function post(apiKey: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string } } }> {
    const response = await fetch(`http://127.0.0.1:${server.port}/webhooks/rest/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
  }

  it('refuses AudioHook keys, hides the call from other organizations, refuses turns while it is live, then continues from its final state', async () => {
    const conversationId = randomUUID();
    const client = await server.connect({ path: '/audiohook/account' });
    await client.open({ conversationId });
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length > 0 && !client.playing, 10_000);
    for (const digit of '1234') client.dtmf(digit);
    // The session record is written behind the call; wait until the route can see it.
    await eventually(() => server.app.writeQueue.stats().pending === 0);

    const audiohookKey = await post(SIGNED_KEY.apiKey, { sender: conversationId, message: '' });
    const otherOrg = await post(OTHER_ORG_DATA_ACTION_KEY, { sender: conversationId, message: '' });
    const unknown = await post(OTHER_ORG_DATA_ACTION_KEY, { sender: randomUUID(), message: 'x', connectorId: 'nope' });
    const whileLive = await post(DATA_ACTION_KEY, { sender: conversationId, message: '9999' });

    for (const digit of '5678#') client.dtmf(digit);
    const disconnect = await client.waitFor('disconnect', 10_000);
    caller.stop();
    await client.closed;
    await eventually(() => server.app.writeQueue.stats().pending === 0);
    const after = await post(DATA_ACTION_KEY, { sender: conversationId, message: '' });

    expect({
      audiohookKey: [audiohookKey.status, audiohookKey.body.error?.code],
      otherOrg: [otherOrg.status, otherOrg.body.error?.code],
      whileLive: [whileLive.status, whileLive.body.error?.code],
      callOutputs: (disconnect.parameters as { outputVariables: Record<string, string> }).outputVariables.accountNumber,
      after: [after.status, after.body.ended, (after.body.outputVariables as Record<string, string>).accountNumber],
      failedWrites: server.app.writeQueue.stats().failed,
    }).toEqual({
      audiohookKey: [401, 'ERR_DATA_ACTION_UNAUTHORIZED'],
      otherOrg: [404, 'ERR_DATA_ACTION_UNKNOWN_CONVERSATION'],
      whileLive: [409, 'ERR_DATA_ACTION_CALL_LIVE'],
      callOutputs: '12345678',
      after: [200, true, '12345678'],
      failedWrites: 0,
    });
    // A new conversation an organization's key starts belongs to it; the other organization cannot see it.
    expect(unknown.status).toBe(404);
    const sender = randomUUID();
    expect((await post(DATA_ACTION_KEY, { sender, message: '' })).status).toBe(200);
    expect((await server.app.storage.store.getConversation(sender))?.organizationId).toBe(TEST_ORG_ID);
    expect((await post(OTHER_ORG_DATA_ACTION_KEY, { sender, message: 'billing' })).body.error?.code).toBe('ERR_DATA_ACTION_UNKNOWN_CONVERSATION');
  });

  it('a voice call whose conversation was written by a Data Action turn in between still lands all its checkpoints', async () => {
    const conversationId = randomUUID();
    const store = server.app.storage.store;
    const client = await server.connect({ path: '/audiohook/account' });
    await client.open({ conversationId });
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length > 0 && !client.playing, 10_000);
    // Another writer (a turn already in flight when the call opened) creates the conversation first.
    await store.putConversation({
      conversationId,
      connectorId: 'account',
      organizationId: TEST_ORG_ID,
      language: 'en-US',
      inputVariables: {},
      botState: {},
      outputVariables: { fromRoute: 'yes' },
      turnCount: 1,
      ended: false,
      version: 1,
      createdAtMs: 1,
      updatedAtMs: 1,
    });
    for (const digit of '12345678#') client.dtmf(digit);
    await client.waitFor('disconnect', 10_000);
    caller.stop();
    await client.closed;
    await eventually(() => server.app.writeQueue.stats().pending === 0);
    const stored = await store.getConversation(conversationId);
    expect({ failed: server.app.writeQueue.stats().failed, ended: stored?.ended, outputs: stored?.outputVariables }).toMatchObject({
      failed: 0,
      ended: true,
      outputs: { fromRoute: 'yes', accountNumber: '12345678' },
    });
  });
});
