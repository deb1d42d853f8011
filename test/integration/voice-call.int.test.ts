import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { FakeSpeechRecognizer } from '../../runtime/src/speech/fake/fake-speech-recognizer.js';
import { FakeSpeechSynthesizer } from '../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { speechLike } from '../../runtime/tools/support/audio-gen.js';
import { CallerAudioPlayer } from '../support/caller-audio-player.js';
import { checkGenesysRates } from '../../runtime/tools/support/genesys-rate-checker.js';
import { receivedSends } from '../support/received-sends.js';
import { eventually, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Whole voice calls over real sockets: the simulator plays the caller, a deterministic recognizer
 * double stands behind the recognizer port (it "hears" an utterance in the audio and returns the
 * scripted transcript), the synthesizer double returns speech-like μ-law, and the real flow bot,
 * paced sender, VAD and barge-in logic run as in production.
 */
describe('voice calls end to end', () => {
  let server: TestServer;
  const synthesizer = new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 40, msPerChar: 12 });
  beforeAll(async () => {
    server = await startTestServer(
      {},
      {
        speech: {
          mode: 'custom',
          recognizer: new FakeSpeechRecognizer({ clock: systemClock, transcripts: ['I have a question about my bill'], latencyMs: 200 }),
          synthesizer,
        },
      },
    );
  });
  afterAll(async () => server.close());

  it('greets with the caller name from Architect, takes DTMF 1 and hands back intent=billing', async () => {
    const client = await server.connect();
    const caller = new CallerAudioPlayer(client);
    await client.open({ inputVariables: { customerName: 'Ada' } });
    caller.start();
    await eventually(() => client.audio.length > 0, 5_000);
    await eventually(() => !client.playing, 10_000);
    client.dtmf('1');
    const disconnect = await client.waitFor('disconnect', 10_000);
    caller.stop();
    await client.closed;
    expect(disconnect.parameters).toEqual({
      reason: 'completed',
      outputVariables: { botOutcome: 'transfer', intent: 'billing', transferTo: 'Billing' },
    });
    expect(synthesizer.requests.some((r) => r.text.includes('Hello Ada'))).toBe(true);
    expect(client.violations).toEqual([]);
    expect(checkGenesysRates(receivedSends(client))).toEqual([]);
  });

  it('understands a spoken request after the greeting and hands back intent=billing', async () => {
    const client = await server.connect();
    await client.open();
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length > 0, 5_000);
    await eventually(() => !client.playing, 10_000);
    caller.say(speechLike(1_200, { dbfs: -20 }));
    const disconnect = await client.waitFor('disconnect', 10_000);
    caller.stop();
    await client.closed;
    expect(disconnect.parameters).toMatchObject({ reason: 'completed', outputVariables: { intent: 'billing' } });
    expect(client.received.some((m) => m.type === 'event')).toBe(false);
    expect(checkGenesysRates(receivedSends(client))).toEqual([]);
  });

  it('stops the greeting and sends barge_in when the caller talks over it, then answers the caller', async () => {
    const client = await server.connect();
    await client.open();
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length >= 2, 5_000);
    caller.say(speechLike(1_200, { dbfs: -20 }));
    const bargeIn = await client.waitFor('event', 5_000);
    expect(bargeIn.parameters).toEqual({ entities: [{ type: 'barge_in', data: {} }] });
    const bargeInAt = client.receivedTimes[client.received.indexOf(bargeIn)]!;
    const latencyMs = bargeInAt - caller.speechStarts[0]!;
    const disconnect = await client.waitFor('disconnect', 10_000);
    caller.stop();
    await client.closed;
    expect(disconnect.parameters).toMatchObject({ outputVariables: { intent: 'billing' } });
    // Greeting audio stops at the barge-in: what follows (before the billing prompt) is at most a packet in flight.
    const greetingAfterBargeIn = client.audioTimes.filter((t) => t > bargeInAt && t < bargeInAt + 300);
    expect(greetingAfterBargeIn.length).toBeLessThanOrEqual(1);
    expect(latencyMs).toBeGreaterThan(0);
    expect(checkGenesysRates(receivedSends(client))).toEqual([]);
  });

  it('hangs up cleanly when the caller leaves mid-prompt', async () => {
    const client = await server.connect();
    await client.open();
    await eventually(() => client.audio.length > 0, 5_000);
    const closed = await client.close('end');
    expect(closed.type).toBe('closed');
    await eventually(() => server.app.server.activeSessions === 0);
    expect(client.received.some((m) => m.type === 'disconnect')).toBe(false);
  });
});

describe('offline speech (no AWS credentials)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SPEECH_MODE: 'offline' });
  });
  afterAll(async () => server.close());

  it('speaks the greeting with the real offline synthesizer and ends on DTMF 2 with intent=sales', async () => {
    const client = await server.connect();
    await client.open();
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length > 0, 15_000);
    await eventually(() => !client.playing, 20_000);
    const greeting = client.audioBytes();
    client.dtmf('2');
    const disconnect = await client.waitFor('disconnect', 20_000);
    caller.stop();
    await client.closed;
    expect(greeting.length).toBeGreaterThan(3 * 8000);
    expect(disconnect.parameters).toMatchObject({ outputVariables: { intent: 'sales', transferTo: 'Sales' } });
    expect(checkGenesysRates(receivedSends(client))).toEqual([]);
  }, 60_000);
});
