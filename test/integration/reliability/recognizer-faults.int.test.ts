import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { FakeSpeechRecognizer } from '../../../runtime/src/speech/fake/fake-speech-recognizer.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import type { GenesysClient } from '../../../runtime/tools/simulator/genesys-client.js';
import { speechLike } from '../../../runtime/tools/support/audio-gen.js';
import { CallerAudioPlayer } from '../../support/caller-audio-player.js';
import { eventually, type TestServer } from '../../support/test-server.js';
import { FaultyRecognizer, transcribeFaults } from './support/faulty-speech.js';
import { sleep, startReliabilityServer } from './support/reliability-server.js';

const FALLBACK_PROMPT = 'Sorry, a part of our system is down. Passing you back now.';

/**
 * Transcribe failures, injected behind the recognizer port as the Transcribe adapter reports them,
 * during whole calls over real sockets. The caller must keep being understood after a stream fails,
 * and a recognizer that keeps failing must end the call with the fallback prompt and the fallback
 * output variables, never with silence.
 */
describe('recognizer (Transcribe) faults during a call', () => {
  let server: TestServer;
  const synthesizer = new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 30, msPerChar: 10 });
  // Utterances shorter than 700 ms are noise to this recognizer, so the tail of an utterance cut by a
  // failure is not understood by accident: only a whole new utterance is.
  const recognizer = new FaultyRecognizer(
    new FakeSpeechRecognizer({ clock: systemClock, transcripts: () => 'I have a question about my bill', latencyMs: 150, minSpeechMs: 700 }),
  );
  const players: CallerAudioPlayer[] = [];

  beforeAll(async () => {
    server = await startReliabilityServer({ FALLBACK_PROMPT }, { speech: { mode: 'custom', recognizer, synthesizer } });
  });
  afterEach(() => {
    for (const player of players.splice(0)) player.stop();
    recognizer.heal();
  });
  afterAll(async () => server.close());

  /** Opens a call with a caller playing silence, and waits until the greeting has played. */
  async function callAfterGreeting(): Promise<{ client: GenesysClient; caller: CallerAudioPlayer }> {
    const client = await server.connect();
    await client.open();
    const caller = new CallerAudioPlayer(client).start();
    players.push(caller);
    await eventually(() => client.audio.length > 0, 5_000);
    await eventually(() => !client.playing, 10_000);
    await eventually(() => recognizer.liveStreams === 1, 2_000);
    return { client, caller };
  }

  /** The caller asks for billing; resolves with the disconnect's output variables. */
  async function askForBilling(client: GenesysClient, caller: CallerAudioPlayer): Promise<unknown> {
    caller.say(speechLike(1_200, { dbfs: -20 }));
    const disconnect = await client.waitFor('disconnect', 10_000);
    await client.closed;
    return disconnect.parameters;
  }

  it('opens a new stream within 1 s when the stream fails mid-utterance, and understands the next utterance', async () => {
    const { client, caller } = await callAfterGreeting();
    const streamsBefore = recognizer.startTimes.length;
    caller.say(speechLike(1_200, { dbfs: -20 }));
    await eventually(() => caller.speechStarts.length === 1, 2_000);
    await sleep(600);
    const failedAt = performance.now();
    expect(recognizer.failLiveStreams(transcribeFaults.serviceUnavailable)).toBe(1);
    await eventually(() => recognizer.startTimes.length > streamsBefore, 2_000);
    expect(recognizer.startTimes[streamsBefore]! - failedAt).toBeLessThan(1_000);
    // Let the cut utterance and its end-of-turn wait pass: it must not have become a turn.
    await sleep(1_800);
    expect(client.received.map((m) => m.type)).not.toContain('disconnect');
    expect(await askForBilling(client, caller)).toEqual({
      reason: 'completed',
      outputVariables: { botOutcome: 'transfer', intent: 'billing', transferTo: 'Billing' },
    });
    expect(client.violations).toEqual([]);
  });

  it.each([
    ['its maximum duration or quota (LimitExceededException)', transcribeFaults.limitExceeded],
    ['the 15 s no-audio rule (BadRequestException)', transcribeFaults.idleTimeout],
  ])('opens a new stream within 1 s when the stream hits %s, and understands the caller', async (_limit, fault) => {
    const { client, caller } = await callAfterGreeting();
    const streamsBefore = recognizer.startTimes.length;
    const failedAt = performance.now();
    expect(recognizer.failLiveStreams(fault)).toBe(1);
    await eventually(() => recognizer.startTimes.length > streamsBefore, 2_000);
    expect(recognizer.startTimes[streamsBefore]! - failedAt).toBeLessThan(1_000);
    expect(await askForBilling(client, caller)).toMatchObject({ outputVariables: { intent: 'billing' } });
    expect(client.violations).toEqual([]);
  });

  it('says the fallback prompt and ends with botOutcome=fallback when every stream keeps failing', async () => {
    recognizer.failEveryStream(transcribeFaults.serviceUnavailable, 50);
    const requestsBefore = synthesizer.requests.length;
    const client = await server.connect();
    await client.open();
    const disconnect = await client.waitFor('disconnect', 15_000);
    await client.closed;
    expect(disconnect.parameters).toEqual({
      reason: 'completed',
      outputVariables: { botOutcome: 'fallback', fallbackReason: 'error', failedDependency: 'recognizer' },
    });
    // The caller heard the fallback prompt: it was synthesized and its audio arrived before the disconnect.
    expect(synthesizer.requests.slice(requestsBefore).map((r) => r.text)).toContain(FALLBACK_PROMPT);
    const disconnectAt = client.receivedTimes[client.received.indexOf(disconnect)]!;
    const fallbackBytes = synthesizer.durationMs({ text: FALLBACK_PROMPT, ssml: false, languageCode: 'en-US' }) * 8;
    const lastAudioBytes = client.audio.filter((_chunk, i) => client.audioTimes[i]! <= disconnectAt).reduce((n, c) => n + c.byteLength, 0);
    expect(lastAudioBytes).toBeGreaterThanOrEqual(fallbackBytes);
    expect(client.received.map((m) => m.type).slice(-2)).toEqual(['disconnect', 'closed']);
    expect(client.violations).toEqual([]);
    // Several restarts were tried, each stream was torn down, none is left open.
    expect(recognizer.startTimes.length).toBeGreaterThanOrEqual(6);
    await eventually(() => recognizer.liveStreams === 0 && server.app.server.activeSessions === 0, 2_000);
  });
});
