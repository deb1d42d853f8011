import { describe, expect, it } from 'vitest';
import { evaluateSlo, generatorBound, sustainedCapacity, verdict, type SloInput } from '../../../runtime/tools/bench/slo.js';
import type { Summary } from '../../../runtime/tools/bench/stats.js';

const ms = (p99: number): Summary => ({ count: 100, p50: p99 / 2, p90: p99, p99, max: p99, mean: p99 / 2 });

const healthy: SloInput = {
  level: 500,
  live: 500,
  pingRttMs: ms(12),
  latenessMs: ms(8),
  rateViolations: 0,
  protocolViolations: 0,
  sessionErrors: 0,
};

describe('the benchmark SLO', () => {
  it('holds when every condition is met', () => {
    expect(evaluateSlo(healthy)).toEqual({ pass: true, failures: [] });
  });

  it('is strict: a p99 of exactly 50 ms breaks it', () => {
    expect(evaluateSlo({ ...healthy, pingRttMs: ms(50) }).failures).toEqual(['ping RTT p99 50 ms ≥ 50']);
    expect(evaluateSlo({ ...healthy, latenessMs: ms(50.01) }).failures).toEqual(['audio lateness p99 50.01 ms ≥ 50']);
  });

  it('breaks on any violation, error or lost session, and lists every reason', () => {
    const verdict = evaluateSlo({ ...healthy, rateViolations: 1, protocolViolations: 2, sessionErrors: 3, live: 497 });
    expect(verdict.pass).toBe(false);
    expect(verdict.failures).toEqual([
      '1 rate-limit violations',
      '2 protocol violations',
      '3 sessions refused, failed or lost',
      '497 of 500 sessions live',
    ]);
  });

  it('needs pings answered, but not audio (listen-only sends none)', () => {
    expect(evaluateSlo({ ...healthy, pingRttMs: null }).failures).toEqual(['no ping answered']);
    expect(evaluateSlo({ ...healthy, latenessMs: null }).pass).toBe(true);
  });

  it('takes as capacity the last level before the first failure', () => {
    const level = (sessions: number, pass: boolean) => ({ sessions, pass });
    expect(sustainedCapacity([level(250, true), level(500, true), level(750, false)])).toBe(500);
    // A later pass after a failure does not count: the search stops at the first failure.
    expect(sustainedCapacity([level(250, true), level(500, false), level(750, true)])).toBe(250);
    expect(sustainedCapacity([level(250, false)])).toBe(0);
    expect(sustainedCapacity([])).toBe(0);
  });

  it('flags a generator that missed its own schedule', () => {
    expect(generatorBound(5, 0.4)).toBe(false);
    expect(generatorBound(25, 0.4)).toBe(true);
    expect(generatorBound(undefined, 0.95)).toBe(true);
  });

  it('judges targets both ways and leaves unmeasured ones open', () => {
    expect(verdict('a', 2100, '≥', 2000, 'sessions')).toMatchObject({ met: true, target: '≥ 2000 sessions' });
    expect(verdict('b', 21, '≤', 20, 'ms')).toMatchObject({ met: false, measured: 21 });
    expect(verdict('c', undefined, '≤', 20, 'ms')).toMatchObject({ met: null, measured: null });
  });
});
