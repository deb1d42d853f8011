/** Marker resolved by {@link raceAbort} when the signal fired first. */
export const ABORTED: unique symbol = Symbol('aborted');

/**
 * Resolves with `promise`'s value, or with {@link ABORTED} as soon as `signal` aborts, so a caller
 * waiting on a stalled SDK stream is released at once. A rejection of `promise` after the abort is
 * swallowed (nobody is waiting for it any more).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.resolve(ABORTED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => undefined);
      resolve(ABORTED);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
