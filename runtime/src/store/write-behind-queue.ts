import type { Cancel, Clock } from '../shared/clock.js';
import { AppError, isRetryable, toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/** Limits and back-off of a {@link WriteBehindQueue}. Durations in ms. */
export interface WriteBehindOptions {
  /** Writes held at most (waiting, in flight or backing off); beyond it new writes are dropped. Default 1000. */
  readonly maxQueued?: number;
  /** Keys written at the same time. Default 8. */
  readonly maxConcurrent?: number;
  /** Delay before the first retry, doubled per further failure. Default 200. */
  readonly retryBaseMs?: number;
  /** Cap of the retry delay. Default 30 000. */
  readonly retryMaxMs?: number;
  /** Jitter source in [0, 1); the delay is scaled by 0.5 + 0.5 × random(). Default Math.random. */
  readonly random?: () => number;
}

/** One write: `key` names the record, so writes to the same record run in order. */
export interface WriteJob {
  readonly key: string;
  /** For logs and metrics, e.g. `updateSession`; never holds caller data. */
  readonly label: string;
  /** Rejects with an AppError; retryable categories (throttled, unavailable) are retried. */
  readonly write: () => Promise<void>;
  /**
   * The write carries the record's whole latest value, so a newer one may replace an older one
   * that has not started yet (coalescing). Default false.
   */
  readonly coalesce?: boolean;
}

/** Counters since the queue was created, plus what is held now. */
export interface WriteBehindStats {
  /** Writes accepted. */
  readonly queued: number;
  /** Writes that landed. */
  readonly written: number;
  /** Failed attempts that were scheduled again. */
  readonly retried: number;
  /** Writes refused because the bound was reached, or abandoned by `close()`. */
  readonly dropped: number;
  /** Writes given up after a non-retryable failure (e.g. a version conflict). */
  readonly failed: number;
  /** Older writes replaced by a newer one for the same record. */
  readonly coalesced: number;
  /** Writes held now (waiting, in flight or backing off). */
  readonly pending: number;
}

/**
 * Runs store writes off the caller's path (the audio path must never wait for DynamoDB): bounded,
 * ordered per key, retried with capped exponential back-off on the injected clock. While the
 * bound holds, nothing is lost during a DynamoDB outage: writes wait and land when it recovers.
 */
export interface WriteBehindQueue {
  /** Accepts a write; false when it was dropped (bound reached or queue closed). Never throws. */
  enqueue(job: WriteJob): boolean;
  /** Resolves true once every held write has landed or failed, or false when `timeoutMs` passes first. */
  flush(timeoutMs: number): Promise<boolean>;
  stats(): WriteBehindStats;
  /**
   * Cancels retry timers and abandons held writes (counted as dropped); writes in flight finish.
   * For shutdown, after `flush`.
   */
  close(): void;
}

interface Lane {
  readonly jobs: WriteJob[];
  running: boolean;
  failures: number;
  cancelRetry: Cancel | undefined;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  return value;
}

/** Creates a {@link WriteBehindQueue}. */
export function createWriteBehindQueue(deps: { clock: Clock; logger: Logger; options?: WriteBehindOptions }): WriteBehindQueue {
  const { clock, logger } = deps;
  const options = deps.options ?? {};
  const maxQueued = positive('maxQueued', options.maxQueued ?? 1_000);
  const maxConcurrent = positive('maxConcurrent', options.maxConcurrent ?? 8);
  const retryBaseMs = positive('retryBaseMs', options.retryBaseMs ?? 200);
  const retryMaxMs = Math.max(retryBaseMs, positive('retryMaxMs', options.retryMaxMs ?? 30_000));
  const random = options.random ?? Math.random;

  const lanes = new Map<string, Lane>();
  const ready: string[] = [];
  const drainWaiters = new Set<() => void>();
  const counts = { queued: 0, written: 0, retried: 0, dropped: 0, failed: 0, coalesced: 0 };
  let pending = 0;
  let inFlight = 0;
  let closed = false;
  /** Drops since the queue last had room, so a long outage logs twice, not once per write. */
  let droppedInEpisode = 0;

  function pump(): void {
    while (inFlight < maxConcurrent && ready.length > 0) {
      const key = ready.shift()!;
      const lane = lanes.get(key);
      const job = lane?.jobs[0];
      if (lane === undefined || job === undefined || lane.running) continue;
      lane.running = true;
      inFlight += 1;
      // Settled in both branches below; an exception inside them is a bug and must not go unseen.
      void job
        .write()
        .then(
          () => onSuccess(key, lane),
          (error: unknown) => onFailure(key, lane, job, error),
        )
        .catch((error: unknown) => logger.error({ err: toError(error), key }, 'write-behind queue bug'));
    }
  }

  function finishHead(key: string, lane: Lane): void {
    lane.running = false;
    inFlight -= 1;
    lane.jobs.shift();
    pending -= 1;
    lane.failures = 0;
    if (lane.jobs.length > 0) ready.push(key);
    else lanes.delete(key);
    if (droppedInEpisode > 0 && pending < maxQueued / 2) {
      logger.warn({ dropped: droppedInEpisode, pending }, 'write-behind queue has room again');
      droppedInEpisode = 0;
    }
    pump();
    if (pending === 0) for (const resolve of [...drainWaiters]) resolve();
  }

  function onSuccess(key: string, lane: Lane): void {
    counts.written += 1;
    finishHead(key, lane);
  }

  function onFailure(key: string, lane: Lane, job: WriteJob, error: unknown): void {
    const category = error instanceof AppError ? error.category : 'internal';
    const code = error instanceof AppError ? error.code : toError(error).name;
    if (closed) {
      // Nobody will retry after shutdown: the write is abandoned like the ones that never started.
      counts.dropped += 1;
      logger.warn({ key, label: job.label, code }, 'write-behind write abandoned at close');
      finishHead(key, lane);
      return;
    }
    if (!isRetryable(category)) {
      counts.failed += 1;
      logger.error({ key, label: job.label, code, category }, 'write-behind write failed for good');
      finishHead(key, lane);
      return;
    }
    lane.running = false;
    inFlight -= 1;
    lane.failures += 1;
    counts.retried += 1;
    const delayMs = Math.min(retryMaxMs, retryBaseMs * 2 ** (lane.failures - 1)) * (0.5 + 0.5 * random());
    // One line per record's first failure; later attempts of the same outage only at debug.
    const fields = { key, label: job.label, code, attempt: lane.failures, delayMs: Math.round(delayMs) };
    if (lane.failures === 1) logger.warn(fields, 'write-behind write failed: retrying');
    else logger.debug(fields, 'write-behind write failed: retrying');
    lane.cancelRetry = clock.setTimer(delayMs, () => {
      lane.cancelRetry = undefined;
      ready.push(key);
      pump();
    });
    pump();
  }

  function drop(job: WriteJob): false {
    counts.dropped += 1;
    if (droppedInEpisode === 0) logger.warn({ maxQueued, label: job.label }, 'write-behind queue full: dropping writes');
    droppedInEpisode += 1;
    logger.debug({ key: job.key, label: job.label }, 'write dropped');
    return false;
  }

  return {
    enqueue(job) {
      if (closed) return drop(job);
      const lane = lanes.get(job.key);
      if (job.coalesce === true && lane !== undefined) {
        const last = lane.jobs.length - 1;
        const replaceable = last > 0 || (last === 0 && !lane.running);
        if (replaceable && lane.jobs[last]?.coalesce === true) {
          lane.jobs[last] = job;
          counts.coalesced += 1;
          return true;
        }
      }
      if (pending >= maxQueued) return drop(job);
      pending += 1;
      counts.queued += 1;
      if (lane === undefined) {
        lanes.set(job.key, { jobs: [job], running: false, failures: 0, cancelRetry: undefined });
        ready.push(job.key);
        pump();
      } else {
        lane.jobs.push(job);
      }
      return true;
    },

    flush(timeoutMs) {
      if (pending === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (drained: boolean): void => {
          cancel();
          drainWaiters.delete(onDrained);
          resolve(drained);
        };
        const onDrained = (): void => done(true);
        const cancel = clock.setTimer(timeoutMs, () => {
          logger.warn({ pending }, 'write-behind flush timed out');
          done(false);
        });
        drainWaiters.add(onDrained);
      });
    },

    stats: () => ({ ...counts, pending }),

    close() {
      if (closed) return;
      closed = true;
      let abandoned = 0;
      for (const [key, lane] of lanes) {
        lane.cancelRetry?.();
        // A write in flight finishes on its own; everything behind it is abandoned.
        const keep = lane.running ? 1 : 0;
        abandoned += lane.jobs.length - keep;
        lane.jobs.splice(keep);
        if (keep === 0) lanes.delete(key);
      }
      ready.length = 0;
      pending -= abandoned;
      counts.dropped += abandoned;
      if (abandoned > 0) logger.warn({ abandoned }, 'write-behind queue closed with writes held');
    },
  };
}
