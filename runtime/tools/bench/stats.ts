/**
 * Percentiles and summaries of latency samples. Nearest-rank percentiles: the reported p99 is a
 * value that was actually measured, never an interpolation between two samples.
 */

/** A distribution in ms (or any unit), rounded for reporting. */
export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile of ascending `sorted`; `p` in [0, 100]. NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError('p must be within [0, 100]');
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Summary of `samples` (any order), or null when there are none (JSON has no NaN). */
export function summarize(samples: readonly number[], decimals = 2): Summary | null {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const round = (value: number): number => Number(value.toFixed(decimals));
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sum / sorted.length),
  };
}

/** Appends every sample of `from` to `into` (no spread: arrays may hold millions of samples). */
export function appendAll(into: number[], from: readonly number[]): void {
  for (const value of from) into.push(value);
}

/** Resolution of the benchmark's event-loop delay histograms (`monitorEventLoopDelay`), ms. */
export const LAG_RESOLUTION_MS = 10;

/** A loop-delay histogram value (ns) as delay in ms: the histogram records whole sampling intervals. */
export function loopDelayMs(histogramNs: number): number {
  return Math.max(0, histogramNs / 1e6 - LAG_RESOLUTION_MS);
}
