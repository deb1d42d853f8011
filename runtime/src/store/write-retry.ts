import type { Cancel, Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

/** The back-off settings of the write-behind queue's options, defaults resolved. Durations in ms. */
export interface RetryPolicy {
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Jitter source in [0, 1). */
  readonly random: () => number;
}

/** A write that just failed with a retryable error; `attempt` counts its record's failures in a row (1 = first). */
export interface FailedAttempt {
  readonly key: string;
  readonly label: string;
  readonly code: string;
  readonly attempt: number;
}

/** Calls `retry` once the failed write's back-off has passed; returns the cancel of that wait. */
export type RetryScheduler = (failed: FailedAttempt, retry: () => void) => Cancel;

/**
 * Creates the {@link RetryScheduler} of a write-behind queue: capped exponential back-off with jitter
 * (records that failed together do not all retry together), on the injected clock.
 */
export function createRetryScheduler(deps: { clock: Clock; logger: Logger; policy: RetryPolicy }): RetryScheduler {
  const { clock, logger, policy } = deps;
  return (failed, retry) => {
    const delayMs = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** (failed.attempt - 1)) * (0.5 + 0.5 * policy.random());
    // One line per record's first failure; later attempts of the same outage only at debug.
    const fields = { ...failed, delayMs: Math.round(delayMs) };
    if (failed.attempt === 1) logger.warn(fields, 'write-behind write failed: retrying');
    else logger.debug(fields, 'write-behind write failed: retrying');
    return clock.setTimer(delayMs, retry);
  };
}
