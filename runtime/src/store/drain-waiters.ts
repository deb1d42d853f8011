import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

/** Callers waiting for a write-behind queue to hold nothing (its `flush`). */
export interface DrainWaiters {
  /** Resolves true at the next {@link DrainWaiters.drained}, or false once `timeoutMs` passes first. */
  wait(timeoutMs: number): Promise<boolean>;
  /** The queue holds nothing now: every waiter resolves true. */
  drained(): void;
}

/** Creates {@link DrainWaiters} timed on the injected clock; `pending` is what a timed-out wait logs as still held. */
export function createDrainWaiters(deps: { clock: Clock; logger: Logger; pending: () => number }): DrainWaiters {
  const { clock, logger } = deps;
  const waiters = new Set<() => void>();
  return {
    wait(timeoutMs) {
      return new Promise((resolve) => {
        const done = (drained: boolean): void => {
          cancel();
          waiters.delete(onDrained);
          resolve(drained);
        };
        const onDrained = (): void => done(true);
        const cancel = clock.setTimer(timeoutMs, () => {
          logger.warn({ pending: deps.pending() }, 'write-behind flush timed out');
          done(false);
        });
        waiters.add(onDrained);
      });
    },
    drained() {
      // A copy: each waiter removes itself while resolving.
      for (const resolve of [...waiters]) resolve();
    },
  };
}
