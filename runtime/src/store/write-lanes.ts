import type { Cancel } from '../shared/clock.js';
import type { WriteJob } from './write-behind-queue.js';

/** One record's held writes, oldest first; only the head is ever written. Changed only through {@link WriteLanes}. */
export interface Lane {
  readonly key: string;
  readonly jobs: WriteJob[];
  running: boolean;
  /** Failures of the head in a row. */
  failures: number;
  cancelRetry: Cancel | undefined;
}

/**
 * The write-behind queue's held writes: a lane per record, so writes to one record run in order, and
 * the order in which lanes are ready to write their head. Bookkeeping only; the queue runs the writes.
 */
export interface WriteLanes {
  /** Appends `job` behind its record's writes; true when it opened a new lane, which is ready at once. */
  add(job: WriteJob): boolean;
  /** The next ready lane whose head can start, marked running, with that head; undefined when none is ready. */
  startNext(): { lane: Lane; job: WriteJob } | undefined;
  /** The running head is done with (landed, failed for good or abandoned): the lane's next write is ready. */
  finishHead(lane: Lane): void;
  /** The running head failed: it waits for the retry `schedule` sets up, given its failures in a row. */
  holdHead(lane: Lane, schedule: (failures: number) => Cancel): void;
  /** The held head's retry is due: the lane is ready again. */
  retryDue(lane: Lane): void;
  /** Cancels every retry and abandons every write not in flight; returns how many were abandoned. */
  abandon(): number;
}

/** Creates empty {@link WriteLanes}. */
export function createWriteLanes(): WriteLanes {
  const lanes = new Map<string, Lane>();
  const ready: string[] = [];
  return {
    add(job) {
      const lane = lanes.get(job.key);
      if (lane !== undefined) {
        lane.jobs.push(job);
        return false;
      }
      lanes.set(job.key, { key: job.key, jobs: [job], running: false, failures: 0, cancelRetry: undefined });
      ready.push(job.key);
      return true;
    },
    startNext() {
      for (let key = ready.shift(); key !== undefined; key = ready.shift()) {
        const lane = lanes.get(key);
        const job = lane?.jobs[0];
        if (lane === undefined || job === undefined || lane.running) continue;
        lane.running = true;
        return { lane, job };
      }
      return undefined;
    },
    finishHead(lane) {
      lane.running = false;
      lane.jobs.shift();
      lane.failures = 0;
      if (lane.jobs.length > 0) ready.push(lane.key);
      else lanes.delete(lane.key);
    },
    holdHead(lane, schedule) {
      lane.running = false;
      lane.failures += 1;
      lane.cancelRetry = schedule(lane.failures);
    },
    retryDue(lane) {
      lane.cancelRetry = undefined;
      ready.push(lane.key);
    },
    abandon() {
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
      return abandoned;
    },
  };
}
