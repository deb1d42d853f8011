import { delay, systemClock, type Clock } from '../../src/shared/clock.js';

/**
 * A measured ramp starts on an idle target. Work a target still does for the run before (this
 * server's session ends: their store writes through the SDK, and their garbage; a warm-up's 50
 * took it about 100 ms) would otherwise land in the ramp and be measured as the ramp's latency.
 * Both targets wait the same way.
 */
export interface SettleOptions {
  /** CPU the target has used so far, ms (utime + stime: 10 ms steps on Linux). */
  readonly cpuMs: () => number;
  /** Length of one look. */
  readonly intervalMs: number;
  /** Quiet = the target used less than this share of a core during one look. */
  readonly maxShare: number;
  /** Give up after this long, and say so. */
  readonly timeoutMs: number;
  readonly clock?: Clock;
}

export interface Settled {
  /** False when the target was still busy at the timeout. */
  readonly quiet: boolean;
  /** From the call until the first quiet look ended (or the timeout). */
  readonly waitedMs: number;
}

/** Looks at the target's CPU one interval at a time until an interval is quiet, or the timeout passes. */
export async function waitUntilQuiet({ cpuMs, intervalMs, maxShare, timeoutMs, clock = systemClock }: SettleOptions): Promise<Settled> {
  if (!(intervalMs > 0 && maxShare > 0 && timeoutMs >= intervalMs)) throw new RangeError('intervalMs and maxShare must be positive and timeoutMs at least intervalMs');
  const startedMs = clock.now();
  for (;;) {
    const before = cpuMs();
    const lookStartedMs = clock.now();
    await delay(clock, intervalMs);
    const elapsedMs = clock.now() - lookStartedMs;
    const waitedMs = clock.now() - startedMs;
    if (cpuMs() - before < maxShare * elapsedMs) return { quiet: true, waitedMs };
    if (waitedMs + intervalMs > timeoutMs) return { quiet: false, waitedMs };
  }
}
