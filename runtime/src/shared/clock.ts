/** Cancels a timer started with {@link Clock.setTimer}; calling it twice is harmless. */
export type Cancel = () => void;

/**
 * The only source of time in the runtime. Everything that waits, paces, times out or checks an age
 * takes a Clock, so tests drive time with a fake instead of sleeping.
 */
export interface Clock {
  /** Monotonic milliseconds (arbitrary origin): use for durations, deadlines and pacing. */
  now(): number;
  /** Wall-clock milliseconds since the Unix epoch: use for signature timestamps and stored records. */
  epochMs(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): Cancel;
}

/** The longest delay setTimeout honours (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

/** The real clock. The only place in `runtime/src` allowed to touch timers and `Date`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  epochMs: () => Date.now(),
  setTimer(ms, fn) {
    // setTimeout turns anything above 2^31-1 ms into 1 ms; a longer wait is capped, not a busy loop.
    const handle = setTimeout(fn, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
    return () => clearTimeout(handle);
  },
};

/** Resolves after `ms` on the given clock; rejects with the signal's reason if aborted first. */
export function delay(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abortError = (): Error =>
      signal?.reason instanceof Error ? signal.reason : new Error('aborted', { cause: signal?.reason });
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(abortError());
    };
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles as `work` does, unless `ms` pass first: then settles with what `onTimeout` returns (or
 * rejects with what it throws), and `work`'s late result is ignored. The timer never outlives the
 * race. `onTimeout` is where to abort the work, when it can be aborted.
 */
export function withTimeout<T, F = never>(clock: Clock, ms: number, work: PromiseLike<T>, onTimeout: () => F): Promise<T | F> {
  return new Promise<T | F>((resolve, reject) => {
    let settled = false;
    const cancel = clock.setTimer(ms, () => {
      if (settled) return;
      settled = true;
      try {
        resolve(onTimeout());
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed through as thrown
        reject(error);
      }
    });
    // Promise.resolve: SDK test doubles may hand back a plain value where a promise is typed.
    Promise.resolve(work).then(
      (value) => {
        if (settled) return;
        settled = true;
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cancel();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's rejection, unchanged: callers classify it
        reject(error);
      },
    );
  });
}
