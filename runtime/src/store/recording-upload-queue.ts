import type { Cancel, Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { createDrainWaiters } from './drain-waiters.js';
import type { PendingRecording, RecordingObject, RecordingObjectStore } from './recording-ports.js';

/** Limits and back-off of the {@link RecordingUploadQueue}. Durations in ms. */
export interface RecordingUploadOptions {
  /** Recordings held (waiting, uploading or backing off); beyond it new ones are dropped. */
  readonly maxQueued: number;
  /** Uploads at the same time. */
  readonly maxConcurrent: number;
  /** Attempts per recording before it is given up (counted as failed). */
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

export interface RecordingUploadStats {
  readonly stored: number;
  readonly retried: number;
  /** Refused at the bound or abandoned at close. */
  readonly dropped: number;
  /** Given up after `maxAttempts`. */
  readonly failed: number;
  readonly pending: number;
}

/**
 * Stores finished recordings after their call, off every call's path: bounded (a slow S3 holds at
 * most `maxQueued` recordings, whose buffers are already counted in the recording budget), retried
 * with capped exponential back-off on the injected clock, then given up with a metric (the stack
 * alarms on it). `flush` lets the shutdown wait for what is pending within its budget.
 */
export interface RecordingUploadQueue {
  /** Never throws or waits; false when dropped (bound reached or closed). */
  enqueue(recording: PendingRecording): boolean;
  flush(timeoutMs: number): Promise<boolean>;
  stats(): RecordingUploadStats;
  /** Cancels retries and abandons what is held; uploads in flight finish. */
  close(): void;
}

export interface RecordingUploadDeps {
  readonly store: RecordingObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: RecordingUploadOptions;
  /** A recording left the queue (stored, failed or dropped): its buffer bytes go back to the budget. */
  readonly released: (recording: PendingRecording) => void;
  /** A recording was given up or dropped: counted as a metric. */
  readonly lost?: (reason: 'failed' | 'dropped') => void;
}

interface Held {
  readonly recording: PendingRecording;
  /** Built at the first attempt; objects already stored are removed. */
  objects?: RecordingObject[];
  attempts: number;
  retry?: Cancel;
}

export function createRecordingUploadQueue(deps: RecordingUploadDeps): RecordingUploadQueue {
  const { clock, logger, options } = deps;
  const random = options.random ?? Math.random;
  const waiting: Held[] = [];
  const backingOff = new Set<Held>();
  const counts = { stored: 0, retried: 0, dropped: 0, failed: 0 };
  let pending = 0;
  let inFlight = 0;
  let closed = false;
  const drain = createDrainWaiters({ clock, logger, pending: () => pending });

  function settle(held: Held, outcome: 'stored' | 'failed' | 'dropped'): void {
    pending -= 1;
    counts[outcome] += 1;
    deps.released(held.recording);
    if (outcome !== 'stored') deps.lost?.(outcome);
    if (pending === 0) drain.drained();
  }

  function pump(): void {
    while (inFlight < options.maxConcurrent && !closed) {
      const held = waiting.shift();
      if (held === undefined) return;
      inFlight += 1;
      void attempt(held).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  async function attempt(held: Held): Promise<void> {
    held.attempts += 1;
    try {
      held.objects ??= [...(await held.recording.objects())];
      while (held.objects.length > 0) {
        const [next] = held.objects;
        if (next !== undefined) await deps.store.put(next);
        held.objects.shift();
      }
      settle(held, 'stored');
    } catch (error) {
      onFailure(held, toError(error));
    }
  }

  function onFailure(held: Held, error: Error): void {
    const fields = { recording: held.recording.name, attempt: held.attempts, err: error.message };
    if (closed) return settle(held, 'dropped');
    if (held.attempts >= options.maxAttempts || held.objects === undefined) {
      logger.error(fields, 'recording upload failed for good');
      return settle(held, 'failed');
    }
    counts.retried += 1;
    const delayMs = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (held.attempts - 1)) * (0.5 + 0.5 * random());
    if (held.attempts === 1) logger.warn({ ...fields, delayMs: Math.round(delayMs) }, 'recording upload failed: retrying');
    backingOff.add(held);
    held.retry = clock.setTimer(delayMs, () => {
      backingOff.delete(held);
      waiting.push(held);
      pump();
    });
  }

  return {
    enqueue(recording) {
      if (closed || pending >= options.maxQueued) {
        counts.dropped += 1;
        logger.warn({ recording: recording.name, pending, closed }, 'recording dropped: upload queue full or closed');
        deps.released(recording);
        deps.lost?.('dropped');
        return false;
      }
      pending += 1;
      waiting.push({ recording, attempts: 0 });
      pump();
      return true;
    },
    flush: (timeoutMs) => (pending === 0 ? Promise.resolve(true) : drain.wait(timeoutMs)),
    stats: () => ({ ...counts, pending }),
    close() {
      if (closed) return;
      closed = true;
      for (const held of [...waiting, ...backingOff]) {
        held.retry?.();
        settle(held, 'dropped');
      }
      if (waiting.length + backingOff.size > 0) logger.warn({ abandoned: waiting.length + backingOff.size }, 'recording upload queue closed with recordings held');
      waiting.length = 0;
      backingOff.clear();
    },
  };
}
