/**
 * `bench:compare --rounds N`: the side-by-side run repeated, each target's figures summarized as a
 * median and range. On a shared machine one pair of runs swings by ±20 %; the median of several,
 * with the order of the targets alternating, says which differences are real.
 */

/** The figures of one target in one round that the summary table reports. */
export interface RoundFigures {
  readonly name: string;
  readonly sessions: number;
  readonly failed: number;
  readonly cpuMsPerSessionSecond: number;
  readonly openedP99Ms: number;
  /** From the connection's start to the `101` (authentication included). */
  readonly upgradeP99Ms: number;
  readonly pingP99Ms: number;
  readonly rampCpuMsPerOpen: number;
  readonly rssMb: number;
  /** Closing every session at once: the target's CPU until it was idle again, per session. */
  readonly close: { readonly cpuMsPerSession: number };
}

/** The targets in the order round `round` (1-based) measures them: every other round reversed. */
export function roundOrder<T>(targets: readonly T[], round: number): T[] {
  return round % 2 === 1 ? [...targets] : [...targets].reverse();
}

/** The file this server's heap profile of round `round` goes to; a single round keeps the plain name. */
export function heapProfileFile(sessions: number, round: number, rounds: number): string {
  return rounds > 1 ? `this-server-${sessions}-round-${round}.heapprofile` : `this-server-${sessions}.heapprofile`;
}

/** Median (the lower middle of an even count: a value that was measured) and range. */
export function spread(values: readonly number[]): { median: number; min: number; max: number } {
  if (values.length === 0) throw new RangeError('no values');
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** One markdown table: a column per target (in the first round's order), each cell median (min–max) over the rounds. */
export function roundsTable(rounds: readonly (readonly RoundFigures[])[]): string {
  const names = (rounds[0] ?? []).map((figures) => figures.name);
  const of = (name: string): RoundFigures[] => rounds.flatMap((round) => round.filter((figures) => figures.name === name));
  const cell = (name: string, pick: (figures: RoundFigures) => number, decimals: number): string => {
    const { median, min, max } = spread(of(name).map(pick));
    return `${median.toFixed(decimals)} (${min.toFixed(decimals)}–${max.toFixed(decimals)})`;
  };
  const row = (label: string, pick: (figures: RoundFigures) => number, decimals: number): string =>
    `| ${label} | ${names.map((name) => cell(name, pick, decimals)).join(' | ')} |`;
  return [
    `| ${rounds.length} rounds: median (min–max) | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---:').join('|')}|`,
    `| sessions (failed, all rounds) | ${names.map((name) => `${of(name)[0]?.sessions ?? 0} (${of(name).reduce((sum, figures) => sum + figures.failed, 0)})`).join(' | ')} |`,
    row('CPU per session-second (ms)', (figures) => figures.cpuMsPerSessionSecond, 3),
    row('`opened` p99 during the ramp (ms)', (figures) => figures.openedP99Ms, 1),
    row('upgrade (until `101`) p99 during the ramp (ms)', (figures) => figures.upgradeP99Ms, 1),
    row('ping RTT p99 (ms)', (figures) => figures.pingP99Ms, 1),
    row('CPU per session opened during the ramp (ms)', (figures) => figures.rampCpuMsPerOpen, 2),
    row('CPU per session, closing every session at once (ms)', (figures) => figures.close.cpuMsPerSession, 2),
    row('RSS (MB)', (figures) => figures.rssMb, 0),
  ].join('\n');
}
