import { describe, expect, it } from 'vitest';
import { withTimeout } from '../../../runtime/src/shared/clock.js';
import { settle } from '../../support/call-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

/** A promise the test settles by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('withTimeout', () => {
  it('settles with the work when it finishes first, and cancels its timer', async () => {
    const clock = new FakeClock();
    const work = deferred<string>();
    const raced = withTimeout(clock, 1_000, work.promise, () => 'late');
    clock.advance(999);
    work.resolve('done');

    await expect(raced).resolves.toBe('done');
    expect(clock.pendingTimers).toBe(0);
  });

  it('passes on the work failing first, and cancels its timer', async () => {
    const clock = new FakeClock();
    const work = deferred<string>();
    const raced = withTimeout(clock, 1_000, work.promise, () => 'late');
    work.reject(new Error('boom'));

    await expect(raced).rejects.toThrow('boom');
    expect(clock.pendingTimers).toBe(0);
  });

  it('settles with what onTimeout returns once the time is up, ignoring the work that finishes later', async () => {
    const clock = new FakeClock();
    const work = deferred<string>();
    let timedOut = 0;
    const raced = withTimeout(clock, 1_000, work.promise, () => {
      timedOut += 1;
      return 'timeout' as const;
    });
    clock.advance(1_000);
    work.resolve('too late');
    await settle();

    await expect(raced).resolves.toBe('timeout');
    expect(timedOut).toBe(1);
  });

  it('rejects with what onTimeout throws (where the work is aborted)', async () => {
    const clock = new FakeClock();
    const abort = new AbortController();
    const raced = withTimeout(clock, 50, new Promise<never>(() => undefined), () => {
      abort.abort();
      throw new Error('no answer in time');
    });
    clock.advance(50);

    await expect(raced).rejects.toThrow('no answer in time');
    expect(abort.signal.aborted).toBe(true);
  });

  it('settles with a work that is a plain value at run time (SDK doubles return one where a promise is typed)', async () => {
    const clock = new FakeClock();
    const plain = { SecretString: '{}' } as unknown as PromiseLike<{ SecretString: string }>;

    await expect(withTimeout(clock, 1_000, plain, () => 'late')).resolves.toEqual({ SecretString: '{}' });
    expect(clock.pendingTimers).toBe(0);
  });
});
