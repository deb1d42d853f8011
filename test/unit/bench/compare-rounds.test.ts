import { describe, expect, it } from 'vitest';
import { heapProfileFile, roundOrder, roundsTable, spread, type RoundFigures } from '../../../runtime/tools/bench/compare-rounds.js';

const figures = (name: string, cpu: number, openedP99: number, overrides: Partial<RoundFigures> = {}): RoundFigures => ({
  name,
  sessions: 2000,
  failed: 0,
  cpuMsPerSessionSecond: cpu,
  openedP99Ms: openedP99,
  upgradeP99Ms: 3,
  pingP99Ms: 10,
  rampCpuMsPerOpen: 5,
  rssMb: 250,
  close: { cpuMsPerSession: 0.5 },
  ...overrides,
});

describe('bench:compare rounds', () => {
  it('names each round\'s heap profile apart, so a later round does not overwrite an earlier one', () => {
    expect([heapProfileFile(2000, 1, 1), heapProfileFile(2000, 1, 3), heapProfileFile(4000, 3, 3)]).toEqual([
      'this-server-2000.heapprofile',
      'this-server-2000-round-1.heapprofile',
      'this-server-4000-round-3.heapprofile',
    ]);
  });

  it('alternates which target goes first, so neither always runs on the warmer machine', () => {
    expect([1, 2, 3, 4].map((round) => roundOrder(['ours', 'reference'], round))).toEqual([
      ['ours', 'reference'],
      ['reference', 'ours'],
      ['ours', 'reference'],
      ['reference', 'ours'],
    ]);
  });

  it('summarizes a figure over rounds as its median and range (the lower middle of an even count, a value that was measured)', () => {
    expect([spread([0.2, 0.14, 0.16]), spread([3, 1, 4, 2]), spread([7])]).toEqual([
      { median: 0.16, min: 0.14, max: 0.2 },
      { median: 2, min: 1, max: 4 },
      { median: 7, min: 7, max: 7 },
    ]);
  });

  it('reports each target in a column: median (min–max) of every round, failed sessions summed', () => {
    const rounds = [
      [figures('ours', 0.15, 30), figures('reference', 0.14, 10)],
      [figures('reference', 0.16, 12, { failed: 2 }), figures('ours', 0.21, 40)],
      [figures('ours', 0.17, 28), figures('reference', 0.13, 9)],
    ];

    const lines = roundsTable(rounds).split('\n');

    expect(lines[0]).toBe('| 3 rounds: median (min–max) | ours | reference |');
    expect(lines).toContain('| sessions (failed, all rounds) | 2000 (0) | 2000 (2) |');
    expect(lines).toContain('| CPU per session-second (ms) | 0.170 (0.150–0.210) | 0.140 (0.130–0.160) |');
    expect(lines).toContain('| `opened` p99 during the ramp (ms) | 30.0 (28.0–40.0) | 10.0 (9.0–12.0) |');
  });

  it('reports the upgrade\'s p99 too (a server may move work from `open` to the upgrade before it)', () => {
    const rounds = [
      [figures('ours', 0.15, 30, { upgradeP99Ms: 21 }), figures('reference', 0.14, 10, { upgradeP99Ms: 4 })],
      [figures('reference', 0.16, 12, { upgradeP99Ms: 6 }), figures('ours', 0.21, 40, { upgradeP99Ms: 25 })],
    ];

    expect(roundsTable(rounds).split('\n')).toContain('| upgrade (until `101`) p99 during the ramp (ms) | 21.0 (21.0–25.0) | 4.0 (4.0–6.0) |');
  });

  it('reports what closing every session at once cost each target, per session', () => {
    const rounds = [
      [figures('ours', 0.15, 30, { close: { cpuMsPerSession: 0.42 } }), figures('reference', 0.14, 10, { close: { cpuMsPerSession: 0.31 } })],
      [figures('reference', 0.16, 12, { close: { cpuMsPerSession: 0.35 } }), figures('ours', 0.21, 40, { close: { cpuMsPerSession: 1.5 } })],
    ];

    expect(roundsTable(rounds).split('\n')).toContain('| CPU per session, closing every session at once (ms) | 0.42 (0.42–1.50) | 0.31 (0.31–0.35) |');
  });
});
