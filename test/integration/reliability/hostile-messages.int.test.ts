import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import type { GenesysClient } from '../../../runtime/tools/simulator/genesys-client.js';
import { FuzzClient } from '../../support/fuzz-client.js';
import { fuzzScenario, playAction, sendOpen, type FuzzScenario, type FuzzSeq } from '../../support/fuzz-audiohook.js';
import { assertServerStillWorks, eventually, SIGNED_KEY, type TestServer } from '../../support/test-server.js';
import { startReliabilityServer } from './support/reliability-server.js';

/** Runs per property; raise it for a long fuzzing session (`FUZZ_RUNS=2000 npx vitest run …`). */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 40);

/** WebSocket close codes with which the transport (not the protocol) ends a session: too big, bad UTF-8, bad frame. */
const TRANSPORT_CLOSE_CODES = new Set([1009, 1007, 1002]);


/**
 * Property-based fuzzing of client message sequences over real sockets. Each run plays three hostile
 * sessions at once next to a long-lived canary session, then checks the invariants that must hold
 * whatever a client sends: the process keeps serving, the canary is untouched, every session's
 * server seq is gapless, nothing follows `closed`, exactly one `closed` answers the close transaction,
 * and no session is left behind.
 */
describe('hostile client messages (property-based, real sockets)', () => {
  let server: TestServer;
  let canary: GenesysClient;

  beforeAll(async () => {
    server = await startReliabilityServer(
      { OPEN_TIMEOUT_MS: '2000', CLOSE_TIMEOUT_MS: '2000', LOG_LEVEL: 'warn' },
      { speech: { mode: 'custom', synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 5, msPerChar: 8 }) } },
    );
    // A connection probe: it holds no call, so no bot ever ends it; only the server could.
    canary = await server.connect({ simulatePlayback: false });
    await canary.openProbe();
  });
  afterAll(async () => {
    await server.close();
  });

  /** Plays one scenario, then runs the close transaction the way Genesys would, whatever state the session is in. */
  async function playSession(scenario: FuzzScenario): Promise<FuzzClient> {
    const client = await FuzzClient.connect(server.url(), SIGNED_KEY);
    const seq: FuzzSeq = { value: 0 };
    if (scenario.openFirst) sendOpen(client, seq);
    for (const action of scenario.actions) await playAction(client, action, seq);
    // Close with the next seq; a server that has signalled an error answers a close whatever its seq.
    seq.value += 1;
    client.sendMessage('close', seq.value, { reason: 'end' });
    if (!(await client.waitForText('closed', 1_500)) && client.open) {
      seq.value += 1;
      client.sendMessage('close', seq.value, { reason: 'disconnect' });
      await client.waitForText('closed', 1_500);
    }
    client.closeSocket();
    const code = await Promise.race([client.closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 3_000))]);
    if (code === -1) client.terminate();
    return client;
  }

  /**
   * Played first, whatever the time limit leaves of the random runs: sessions that stay open through
   * the greeting (2 s of waits), so the runs reach playback even when few random ones fit in the
   * limit. Random sessions reach it only when their waits happen to outlast the greeting's start.
   */
  const throughTheGreeting: FuzzScenario = {
    openFirst: true,
    actions: [
      { kind: 'binary', bytes: 1600, fill: 0xff },
      ...Array.from({ length: 8 }, () => ({ kind: 'wait', ms: 250 }) as const),
      { kind: 'binary', bytes: 1600, fill: 0xff },
    ],
  };

  it('keeps every invariant for any sequence of valid, mutated and garbage messages and binary frames', async () => {
    // What the runs reached, so a generator that stopped reaching deep states fails the test.
    const reached = { opened: 0, audioOut: 0, errorDisconnects: 0, transportCloses: 0, sessions: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzScenario, { minLength: 3, maxLength: 3 }), async (scenarios) => {
        const clients = await Promise.all(scenarios.map((scenario) => playSession(scenario)));
        for (const client of clients) {
          const closeCode = await client.closed;
          reached.sessions += 1;
          if (client.events.some((e) => e.kind === 'text' && e.type === 'opened')) reached.opened += 1;
          if (client.events.some((e) => e.kind === 'binary')) reached.audioOut += 1;
          if (client.events.some((e) => e.kind === 'text' && e.type === 'disconnect')) reached.errorDisconnects += 1;
          if (TRANSPORT_CLOSE_CODES.has(closeCode)) reached.transportCloses += 1;
          expect(client.audioAfterClosed).toBe(0);
          expect(client.violations).toEqual([]);
          // A peer cut off for exceeding its inbound limits gets no `closed`: the server says so in
          // one log line, sends `disconnect(error)` unless it already sent one for an earlier protocol
          // error, and ignores the peer's later `close` by design. Every other session gets exactly one.
          const cutOff = server.logs.some((line) => line.sessionId === client.sessionId && line.msg === 'inbound limit exceeded: ending session');
          if (TRANSPORT_CLOSE_CODES.has(closeCode) || cutOff) expect(client.closedCount).toBeLessThanOrEqual(1);
          else expect(client.closedCount).toBe(1);
        }
        expect(canary.socketOpen).toBe(true);
        // No session outlives its socket; the canary is the only one left.
        await eventually(() => server.app.server.activeSessions === 1, 3_000);
        // The canary answers as before, promptly.
        expect(await canary.ping()).toBeLessThan(500);
        expect(canary.violations).toEqual([]);
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
      {
        numRuns: FUZZ_RUNS,
        interruptAfterTimeLimit: FUZZ_RUNS === 40 ? 25_000 : undefined,
        examples: [[[throughTheGreeting, throughTheGreeting, throughTheGreeting]]],
      },
    );
    expect(reached.sessions).toBeGreaterThanOrEqual(30);
    expect(reached.opened).toBeGreaterThan(reached.sessions / 3);
    expect(reached.audioOut).toBeGreaterThan(0);
    expect(reached.errorDisconnects).toBeGreaterThan(0);
    expect(canary.socketOpen).toBe(true);
    await assertServerStillWorks(server);
  }, FUZZ_RUNS === 40 ? 60_000 : 3_600_000);
});

describe('the end of a call', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A long greeting (about 5 s of audio) that is still being paced out when the caller hangs up.
    server = await startReliabilityServer({ LOG_LEVEL: 'warn' }, { speech: { mode: 'custom', synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 5, msPerChar: 80 }) } });
  });
  afterAll(async () => server.close());

  // Queued bot audio must stop at the caller's `close`, not when the socket goes: a client that keeps
  // the socket a moment after `closed` would otherwise hear every remaining packet.
  it('sends no audio after closed when the caller hangs up during a prompt', async () => {
    const client = await FuzzClient.connect(server.url(), SIGNED_KEY);
    sendOpen(client, { value: 0 });
    await eventually(() => client.events.some((e) => e.kind === 'binary'), 3_000);
    client.sendMessage('close', 2, { reason: 'end' });
    expect(await client.waitForText('closed', 2_000)).toBe(true);
    // Genesys closes its socket right after `closed`; wait one packet interval longer before closing.
    await new Promise((resolve) => setTimeout(resolve, 600));
    client.closeSocket();
    await client.closed;
    expect(client.audioAfterClosed).toBe(0);
  });
});
