import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NULL_UUID } from '../../runtime/src/protocol/index.js';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { FakeSpeechRecognizer } from '../../runtime/src/speech/fake/fake-speech-recognizer.js';
import { FakeSpeechSynthesizer } from '../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { readConversationTranscript } from '../../runtime/src/store/conversation-transcript.js';
import { silence, speechLike } from '../../runtime/tools/support/audio-gen.js';
import { CallerAudioPlayer } from '../support/caller-audio-player.js';
import { DATA_ACTION_KEY, eventually, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The session store as a voice call and the Data Action route use it, with the embedded local table
 * that `npm start` runs (dynalite) and the real DynamoDB adapter.
 */
describe('session records and shared conversations', () => {
  let server: TestServer;
  const synthesizer = new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 4 });
  beforeAll(async () => {
    server = await startTestServer({}, { speech: { mode: 'custom', synthesizer } });
  });
  afterAll(async () => server.close());

  async function restTurn(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(`http://127.0.0.1:${server.port}/webhooks/rest/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': DATA_ACTION_KEY },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  /** A voice call on `path` that presses `digits` once the first prompt has played. */
  async function voiceCall(conversationId: string, path: string, digits: string): Promise<Record<string, string>> {
    const client = await server.connect({ path });
    await client.open({
      conversationId,
      participant: { id: randomUUID(), ani: '+13175550100', aniName: 'Ada Caller', dnis: '+18005550199' },
    });
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length > 0 && !client.playing, 10_000);
    for (const digit of digits) client.dtmf(digit);
    const disconnect = await client.waitFor('disconnect', 10_000);
    caller.stop();
    await client.closed;
    return (disconnect.parameters as { outputVariables: Record<string, string> }).outputVariables;
  }

  it('leaves a complete session record and the conversation state after a voice call', async () => {
    const conversationId = randomUUID();
    const outputs = await voiceCall(conversationId, '/audiohook/default', '1');
    expect(outputs).toMatchObject({ intent: 'billing' });
    const store = server.app.storage.store;
    await eventually(() => server.app.writeQueue.stats().pending === 0);
    const [session] = await store.listSessions(conversationId);
    expect(session).toMatchObject({
      conversationId,
      connectorId: 'default',
      outcome: 'completed',
      outputVariables: { intent: 'billing', transferTo: 'Billing', botOutcome: 'transfer' },
      language: 'en-US',
    });
    expect(session?.turnCount).toBeGreaterThanOrEqual(2);
    expect(session?.endedAtMs).toBeGreaterThanOrEqual(session?.startedAtMs ?? Infinity);
    // Caller numbers are personal data: hashed by default, never stored as given.
    expect(JSON.stringify(session?.participant)).not.toContain('3175550100');
    expect(session?.participant.ani).toMatch(/^sha256:[0-9a-f]{64}$/);
    const conversation = await store.getConversation(conversationId);
    expect(conversation).toMatchObject({ ended: true, outputVariables: { intent: 'billing' } });
  });

  it('writes nothing for a connection probe', async () => {
    const client = await server.connect();
    await client.openProbe();
    await client.close();
    await client.closed;
    await eventually(() => server.app.writeQueue.stats().pending === 0);
    expect(await server.app.storage.store.listSessions(NULL_UUID)).toEqual([]);
    expect(await server.app.storage.store.getConversation(NULL_UUID)).toBeUndefined();
  });

  it('lets a voice call continue a conversation begun on the Data Action route, and the route see its end', async () => {
    const conversationId = randomUUID();
    const first = await restTurn({ sender: conversationId, message: '', connectorId: 'account' });
    expect(first).toMatchObject({ ended: false, expectDigits: true });
    await eventually(() => server.app.writeQueue.stats().pending === 0);

    const before = synthesizer.requests.length;
    const outputs = await voiceCall(conversationId, '/audiohook/account', '12345678#');
    expect(outputs).toMatchObject({ intent: 'account', accountNumber: '12345678', botOutcome: 'completed' });
    // The call continued where the route left off: it asked for the account number again, no greeting.
    expect(synthesizer.requests[before]?.text).not.toContain('Hello');

    await eventually(() => server.app.writeQueue.stats().pending === 0);
    const after = await restTurn({ sender: conversationId, message: 'hello?' });
    expect(after).toMatchObject({ ended: true, intent: 'account' });
    expect(after.outputVariables).toMatchObject({ accountNumber: '12345678' });
  });
});

/**
 * Conversation checkpoints of a voice call: with a listen-only bot every caller utterance is a turn,
 * and the state is written at most once per CONVERSATION_WRITE_INTERVAL_MS (here a minute, longer
 * than the call) plus once when the call ends.
 */
describe('conversation checkpoints during a voice call', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      { CONVERSATION_WRITE_INTERVAL_MS: '60000' },
      {
        speech: {
          mode: 'custom',
          recognizer: new FakeSpeechRecognizer({ clock: systemClock, transcripts: (i) => `utterance ${i + 1}`, latencyMs: 100 }),
          synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 4 }),
        },
      },
    );
  });
  afterAll(async () => server.close());

  it('folds every turn of a call shorter than the interval into one write when the caller hangs up', async () => {
    const conversationId = randomUUID();
    const store = server.app.storage.store;
    const client = await server.connect({ path: '/audiohook/listen' });
    await client.open({ conversationId });
    const caller = new CallerAudioPlayer(client).start();
    const turns = (input: string): number => server.logs.filter((l) => l.msg === 'bot turn' && l.input === input).length;
    // The listen bot's opening turn is counted, not run, and not written yet: the first checkpoint is an interval after the open.
    await eventually(() => server.app.server.activeSessions === 1);
    await eventually(() => server.app.writeQueue.stats().pending === 0);
    expect(await store.getConversation(conversationId)).toBeUndefined();

    for (let n = 0; n < 3; n += 1) {
      caller.say(speechLike(800, { dbfs: -20, seed: n + 1 }));
      caller.say(silence(1_000));
    }
    await eventually(() => turns('text') === 3, 15_000);
    await eventually(() => server.app.writeQueue.stats().pending === 0);
    // Mid-call the store still holds nothing: the first checkpoint is a minute away.
    expect(await store.getConversation(conversationId)).toBeUndefined();

    await client.close('end');
    caller.stop();
    await eventually(() => server.app.server.activeSessions === 0);
    await eventually(() => server.app.writeQueue.stats().pending === 0);
    const conversation = await store.getConversation(conversationId);
    expect(conversation).toMatchObject({ version: 1, turnCount: 4 });
    // The transcript is stored as items of its own; the state only counts them.
    expect(conversation?.botState).toMatchObject({ version: 2, lines: 3 });
    expect(conversation?.botState).not.toHaveProperty('utterances');
    expect((await readConversationTranscript(store, conversationId)).map((u) => [u.seq, u.text])).toEqual([
      [0, 'utterance 1'],
      [1, 'utterance 2'],
      [2, 'utterance 3'],
    ]);
    const [session] = await store.listSessions(conversationId);
    expect(session).toMatchObject({ outcome: 'callerHungUp', turnCount: 4 });
  }, 30_000);

  it('continues the stored transcript numbering in a later listen-only session of the conversation (its state read once the caller speaks)', async () => {
    const conversationId = randomUUID();
    const store = server.app.storage.store;
    const textTurns = (): number => server.logs.filter((l) => l.msg === 'bot turn' && l.input === 'text').length;
    async function listenSession(utterances: number): Promise<void> {
      const before = textTurns();
      const client = await server.connect({ path: '/audiohook/listen' });
      await client.open({ conversationId });
      const caller = new CallerAudioPlayer(client).start();
      for (let n = 0; n < utterances; n += 1) {
        caller.say(speechLike(800, { dbfs: -20, seed: n + 1 }));
        caller.say(silence(1_000));
      }
      await eventually(() => textTurns() === before + utterances, 15_000);
      await client.close('end');
      caller.stop();
      await eventually(() => server.app.server.activeSessions === 0);
      await eventually(() => server.app.writeQueue.stats().pending === 0);
    }

    await listenSession(1);
    await listenSession(2);

    expect((await readConversationTranscript(store, conversationId)).map((u) => [u.seq, u.text])).toEqual([
      [0, 'utterance 1'],
      [1, 'utterance 1'],
      [2, 'utterance 2'],
    ]);
    expect(await store.getConversation(conversationId)).toMatchObject({ version: 2, turnCount: 5, botState: { lines: 3 } });
  }, 40_000);
});
