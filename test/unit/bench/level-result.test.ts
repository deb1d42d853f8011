import { describe, expect, it } from 'vitest';
import { mergeAttempts, type LevelResult } from '../../../runtime/tools/bench/level-result.js';

const ms = (p99: number) => ({ count: 10, p50: 1, p90: p99, p99, max: p99, mean: 1 });

function attempt(foreign: number, overrides: Partial<LevelResult> = {}): LevelResult {
  return {
    mode: 'bot',
    sessions: 100,
    live: 100,
    windowS: 20,
    pingRttMs: ms(10 + foreign * 100),
    latenessMs: ms(5),
    openedMs: null,
    upgradeMs: null,
    turnMs: ms(3),
    dtmfTurnMs: null,
    bargeInMs: null,
    bargeInServerMs: null,
    rateViolations: 0,
    rateViolationRules: {},
    protocolViolations: 0,
    violationExamples: [],
    sessionErrors: {},
    counts: {},
    server: { cpuMsPerSessionSecond: 1, cpuUtilisation: 0.1, loopUtilisation: 0.1, loopDelayP99Ms: 1, loopDelayMaxMs: 1, gcPauseShare: 0, gcPauseMaxMs: 1, rssBytes: 1, rssPerSessionBytes: 1, rssMarginalPerSessionBytes: null, heapPerSessionBytes: 1, storeRequestsPerSessionMinute: 1 },
    generator: { cpuUtilisation: 0.1, loopDelayP99Ms: 1, loopDelayMaxMs: 1, gcPauseMaxMs: 1, heapUsedBytes: 1, frameSendLagMs: null, bound: false },
    host: { foreignOnServerCore: foreign, foreignOnGeneratorCore: 0, contended: foreign > 0.1, attempts: 1, quietWaitS: 0 },
    serverWindowMicros: [0, 1],
    slo: { pass: true, failures: [] },
    ...overrides,
  };
}

describe('merging re-measured windows of one level', () => {
  it('takes the least contended window, and the ramp figures of the first', () => {
    const first = attempt(0.5, { openedMs: ms(4) });
    const merged = mergeAttempts([first, attempt(0.05), attempt(0.3)]);
    expect(merged.host).toMatchObject({ foreignOnServerCore: 0.05, attempts: 3, contended: false });
    expect(merged.pingRttMs?.p99).toBe(15);
    expect(merged.openedMs?.p99).toBe(4);
  });

  it('never hides a violation seen in a discarded window', () => {
    const merged = mergeAttempts([
      attempt(0.5, { rateViolations: 2, rateViolationRules: { binaryRate: 2 }, sessionErrors: { 'lost: socket closed': 1 } }),
      attempt(0.01),
    ]);
    expect(merged.rateViolations).toBe(2);
    expect(merged.rateViolationRules).toEqual({ binaryRate: 2 });
    expect(merged.sessionErrors).toEqual({ 'lost: socket closed': 1 });
    expect(merged.slo.pass).toBe(false);
  });

  it('needs at least one window', () => {
    expect(() => mergeAttempts([])).toThrow(RangeError);
  });
});
