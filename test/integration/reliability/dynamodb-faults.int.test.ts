import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { CallerAudioPlayer } from '../../support/caller-audio-player.js';
import { startDynalite, type TestDynalite } from '../../support/dynalite.js';
import { eventually, startTestServer, type TestServer } from '../../support/test-server.js';

/**
 * DynamoDB down during a voice call, over real sockets: the session store runs the production
 * DynamoDB adapter against a real DynamoDB-compatible server (dynalite) that the test stops and
 * restarts on the same port with the same data.
 */
describe('DynamoDB unavailable during a call', () => {
  let dynamo: TestDynalite;
  let server: TestServer;
  beforeAll(async () => {
    dynamo = await startDynalite();
    const table = await dynamo.createTable();
    server = await startTestServer(
      { SESSION_TABLE_NAME: table },
      { dynamoDb: dynamo.newClient(), speech: { mode: 'custom', synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 4 }) } },
    );
  });
  afterAll(async () => {
    await server.close();
    await dynamo.close();
  });

  it('completes the call with its output variables, and lands the record once DynamoDB is back', async () => {
    await dynamo.stop();
    const conversationId = randomUUID();
    const client = await server.connect();
    await client.open({ conversationId });
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length > 0 && !client.playing, 10_000);
    client.dtmf('1');
    const disconnect = await client.waitFor('disconnect', 10_000);
    caller.stop();
    await client.closed;
    // The caller and the Architect flow noticed nothing.
    expect(disconnect.parameters).toMatchObject({ reason: 'completed', outputVariables: { intent: 'billing' } });
    // The writes wait and retry; nothing is dropped.
    const during = server.app.writeQueue.stats();
    expect(during.pending).toBeGreaterThan(0);
    expect(during.dropped).toBe(0);

    await dynamo.restart();
    await eventually(() => server.app.writeQueue.stats().pending === 0, 20_000);
    const stats = server.app.writeQueue.stats();
    expect(stats.retried).toBeGreaterThan(0);
    expect(stats.failed).toBe(0);
    const [session] = await server.app.storage.store.listSessions(conversationId);
    expect(session).toMatchObject({ outcome: 'completed', outputVariables: { intent: 'billing' } });
    expect(await server.app.storage.store.getConversation(conversationId)).toMatchObject({ ended: true });
  }, 40_000);
});
