import type { Clock } from '../shared/clock.js';
import { AppError, isRetryable, toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { createDrainWaiters } from './drain-waiters.js';
import { createWriteLanes, type Lane } from './write-lanes.js';
import { createRetryScheduler, type RetryPolicy } from './write-retry.js';

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
  /** For logs and metrics, e.g. `finishSession`; never holds caller data. */
  readonly label: string;
  /** Rejects with an AppError; retryable categories (throttled, unavailable) are retried. */
  readonly write: () => Promise<void>;
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

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  return value;
}

/** Defaults merged in, then every limit checked. */
function resolveOptions(options: WriteBehindOptions): { maxQueued: number; maxConcurrent: number; policy: RetryPolicy } {
  const maxQueued = positive('maxQueued', options.maxQueued ?? 1_000);
  const maxConcurrent = positive('maxConcurrent', options.maxConcurrent ?? 8);
  const retryBaseMs = positive('retryBaseMs', options.retryBaseMs ?? 200);
  const retryMaxMs = Math.max(retryBaseMs, positive('retryMaxMs', options.retryMaxMs ?? 30_000));
  return { maxQueued, maxConcurrent, policy: { retryBaseMs, retryMaxMs, random: options.random ?? Math.random } };
}

/** Creates a {@link WriteBehindQueue}. */
export function createWriteBehindQueue(deps: { clock: Clock; logger: Logger; options?: WriteBehindOptions }): WriteBehindQueue {
  const { clock, logger } = deps;
  const { maxQueued, maxConcurrent, policy } = resolveOptions(deps.options ?? {});
  const scheduleRetry = createRetryScheduler({ clock, logger, policy });

  const lanes = createWriteLanes();
  const counts = { queued: 0, written: 0, retried: 0, dropped: 0, failed: 0 };
  let pending = 0;
  let inFlight = 0;
  let closed = false;
  /** Drops since the queue last had room, so a long outage logs twice, not once per write. */
  let droppedInEpisode = 0;
  const drain = createDrainWaiters({ clock, logger, pending: () => pending });

  function pump(): void {
    while (inFlight < maxConcurrent) {
      const next = lanes.startNext();
      if (next === undefined) return;
      const { lane, job } = next;
      inFlight += 1;
      // Settled in both branches below; an exception inside them is a bug and must not go unseen.
      void job
        .write()
        .then(
          () => onSuccess(lane),
          (error: unknown) => onFailure(lane, job, error),
        )
        .catch((error: unknown) => logger.error({ err: toError(error), key: lane.key }, 'write-behind queue bug'));
    }
  }

  function finishHead(lane: Lane): void {
    inFlight -= 1;
    pending -= 1;
    lanes.finishHead(lane);
    if (droppedInEpisode > 0 && pending < maxQueued / 2) {
      logger.warn({ dropped: droppedInEpisode, pending }, 'write-behind queue has room again');
      droppedInEpisode = 0;
    }
    pump();
    if (pending === 0) drain.drained();
  }

  function onSuccess(lane: Lane): void {
    counts.written += 1;
    finishHead(lane);
  }

  function onFailure(lane: Lane, job: WriteJob, error: unknown): void {
    const { key } = lane;
    const category = error instanceof AppError ? error.category : 'internal';
    const code = error instanceof AppError ? error.code : toError(error).name;
    if (closed) {
      // Nobody will retry after shutdown: the write is abandoned like the ones that never started.
      counts.dropped += 1;
      logger.warn({ key, label: job.label, code }, 'write-behind write abandoned at close');
      finishHead(lane);
      return;
    }
    if (!isRetryable(category)) {
      counts.failed += 1;
      logger.error({ key, label: job.label, code, category }, 'write-behind write failed for good');
      finishHead(lane);
      return;
    }
    inFlight -= 1;
    counts.retried += 1;
    lanes.holdHead(lane, (failures) =>
      scheduleRetry({ key, label: job.label, code, attempt: failures }, () => {
        lanes.retryDue(lane);
        pump();
      }),
    );
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
      if (pending >= maxQueued) return drop(job);
      pending += 1;
      counts.queued += 1;
      // A new lane is ready at once; behind a lane's earlier writes, the job waits its turn.
      if (lanes.add(job)) pump();
      return true;
    },

    flush: (timeoutMs) => (pending === 0 ? Promise.resolve(true) : drain.wait(timeoutMs)),

    stats: () => ({ ...counts, pending }),

    close() {
      if (closed) return;
      closed = true;
      const abandoned = lanes.abandon();
      pending -= abandoned;
      counts.dropped += abandoned;
      if (abandoned > 0) logger.warn({ abandoned }, 'write-behind queue closed with writes held');
    },
  };
}
