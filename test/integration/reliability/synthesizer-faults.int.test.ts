import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { PipelinedSynthesizer } from '../../../runtime/src/speech/pipelined-synthesizer.js';
import type { SynthesisRequest } from '../../../runtime/src/speech/ports.js';
import { PromptCache } from '../../../runtime/src/speech/prompt-cache.js';
import type { GenesysClient } from '../../../runtime/tools/simulator/genesys-client.js';
import { eventually, type TestServer } from '../../support/test-server.js';
import { FaultySynthesizer, pollyFaults } from './support/faulty-speech.js';
import { startReliabilityServer } from './support/reliability-server.js';

/**
 * Longest silence a caller may sit through while waiting for the bot after their input before they
 * hear speech or are handed back to Architect. The runtime has no setting for it yet (see the failing
 * tests below); 2 s is where callers start to think the line is dead.
 */
const DEAD_AIR_BOUND_MS = 2_000;

const FALLBACK_VARIABLES = { botOutcome: 'fallback', fallbackReason: 'error', failedDependency: 'synthesizer' };
/** Throttling is the service's quota, not a fault: the flow can tell the two apart. */
const CAPACITY_VARIABLES = { ...FALLBACK_VARIABLES, fallbackReason: 'capacity' };

/** Opens a call, waits for the greeting to play, keys a digit; returns when the digit was sent. */
async function keyAfterGreeting(server: TestServer, digit: string): Promise<{ client: GenesysClient; keyedAt: number }> {
  const client = await server.connect();
  await client.open();
  await eventually(() => client.audio.length > 0, 5_000);
  await eventually(() => !client.playing, 10_000);
  const keyedAt = performance.now();
  client.dtmf(digit);
  return { client, keyedAt };
}

/** When the caller next heard something (audio) or was handed back (disconnect) after `since`. */
function nextSignOfLife(client: GenesysClient, since: number): number | undefined {
  const audio = client.audioTimes.find((t) => t > since);
  const disconnect = client.receivedTimes.find((t, i) => t > since && client.received[i]?.type === 'disconnect');
  return [audio, disconnect].filter((t) => t !== undefined).sort((a, b) => a - b)[0];
}

/**
 * Polly failures, injected behind the synthesizer port (errors made by the Polly adapter's own
 * mapping), under the production decorators (sentence pipeline and prompt cache), during whole calls
 * over real sockets. Each call greets, the caller keys 9 (no match), and the reprompt is what fails.
 */
describe('synthesizer (Polly) faults during a call', () => {
  let server: TestServer;
  const faulty = new FaultySynthesizer(new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 30, msPerChar: 10 }));

  beforeAll(async () => {
    server = await startReliabilityServer({}, { speech: { mode: 'custom', synthesizer: new PipelinedSynthesizer(new PromptCache(faulty)) } });
  });
  afterEach(() => {
    faulty.plan = () => undefined;
  });
  afterAll(async () => server.close());

  /** The no-match reprompt of the default bot (either of its sentences), which follows key 9. */
  const isReprompt = (request: SynthesisRequest): boolean => !request.text.startsWith('Hello');

  it('hands the call back with failedDependency=synthesizer within the dead-air bound when Polly throttles a reply', async () => {
    faulty.plan = (request) => (isReprompt(request) ? { kind: 'error', error: pollyFaults.throttled } : undefined);
    const { client, keyedAt } = await keyAfterGreeting(server, '9');
    const disconnect = await client.waitFor('disconnect', 5_000);
    await client.closed;
    expect(disconnect.parameters).toEqual({ reason: 'completed', outputVariables: CAPACITY_VARIABLES });
    expect(nextSignOfLife(client, keyedAt)! - keyedAt).toBeLessThan(DEAD_AIR_BOUND_MS);
    expect(client.received.map((m) => m.type).slice(-2)).toEqual(['disconnect', 'closed']);
    expect(client.violations).toEqual([]);
  });

  it('hands the call back with failedDependency=synthesizer within the dead-air bound when Polly fails on the greeting', async () => {
    faulty.plan = () => ({ kind: 'error', error: pollyFaults.serviceFailure });
    const client = await server.connect();
    const openedAt = performance.now();
    await client.open({ inputVariables: { customerName: 'Greeting Failure' } });
    const disconnect = await client.waitFor('disconnect', 5_000);
    await client.closed;
    expect(disconnect.parameters).toEqual({ reason: 'completed', outputVariables: FALLBACK_VARIABLES });
    expect(nextSignOfLife(client, openedAt)! - openedAt).toBeLessThan(DEAD_AIR_BOUND_MS);
    expect(client.violations).toEqual([]);
  });

  it('abandons a synthesis that never answers when the caller hangs up', async () => {
    faulty.plan = (request) => (isReprompt(request) ? { kind: 'hang' } : undefined);
    const { client } = await keyAfterGreeting(server, '9');
    await eventually(() => faulty.hangingRequests > 0, 2_000);
    expect((await client.close()).type).toBe('closed');
    await eventually(() => faulty.hangingRequests === 0 && server.app.server.activeSessions === 0, 2_000);
  });

  // A synthesis that has produced no audio within SYNTHESIS_TIMEOUT_MS is abandoned and the call degrades.
  it('hands the call back within the dead-air bound when Polly does not answer', async () => {
    faulty.plan = (request) => (isReprompt(request) ? { kind: 'hang' } : undefined);
    const { client, keyedAt } = await keyAfterGreeting(server, '9');
    try {
      // The bound is on silence: the (cached) fallback prompt plays before the hand-back.
      const disconnect = await client.waitFor('disconnect', DEAD_AIR_BOUND_MS + 3_000);
      expect(disconnect.parameters).toEqual({ reason: 'completed', outputVariables: FALLBACK_VARIABLES });
      expect(nextSignOfLife(client, keyedAt)! - keyedAt).toBeLessThan(DEAD_AIR_BOUND_MS);
    } finally {
      client.drop();
    }
  });

  // The fallback prompt is synthesized at start into the prompt cache, so it plays even when the
  // speech service is what failed.
  it('plays a cached or offline fallback prompt before handing back when Polly fails', async () => {
    faulty.plan = (request) => (isReprompt(request) ? { kind: 'error', error: pollyFaults.serviceFailure } : undefined);
    const { client, keyedAt } = await keyAfterGreeting(server, '9');
    const disconnect = await client.waitFor('disconnect', 5_000);
    const disconnectAt = client.receivedTimes[client.received.indexOf(disconnect)]!;
    const heard = client.audio.filter((_chunk, i) => client.audioTimes[i]! > keyedAt && client.audioTimes[i]! < disconnectAt);
    expect(heard.reduce((n, c) => n + c.byteLength, 0)).toBeGreaterThanOrEqual(1_600);
  });
});

/** Its own server: a reprompt that succeeds on retry is cached, which would mask later faults. */
describe('synthesizer (Polly) throttling that clears', () => {
  let server: TestServer;
  const faulty = new FaultySynthesizer(new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 30, msPerChar: 10 }));
  beforeAll(async () => {
    server = await startReliabilityServer({}, { speech: { mode: 'custom', synthesizer: new PipelinedSynthesizer(new PromptCache(faulty)) } });
  });
  afterAll(async () => server.close());
  const isReprompt = (request: SynthesisRequest): boolean => !request.text.startsWith('Hello') && !request.text.startsWith("I'm sorry");
  // Polly neural allows 8 TPS per account: a throttled or unavailable synthesis is retried with a
  // short back-off within the dead-air bound before the call is degraded.
  it('retries a throttled synthesis so that one ThrottlingException does not end the call', async () => {
    let throttled = 0;
    faulty.plan = (request) => (isReprompt(request) && throttled++ === 0 ? { kind: 'error', error: pollyFaults.throttled } : undefined);
    const { client, keyedAt } = await keyAfterGreeting(server, '9');
    await eventually(() => nextSignOfLife(client, keyedAt) !== undefined, DEAD_AIR_BOUND_MS + 1_000);
    expect(client.received.map((m) => m.type)).not.toContain('disconnect');
    await eventually(() => !client.playing, 10_000);
    client.dtmf('1');
    const disconnect = await client.waitFor('disconnect', 10_000);
    expect(disconnect.parameters).toMatchObject({ outputVariables: { intent: 'billing' } });
  });
});
