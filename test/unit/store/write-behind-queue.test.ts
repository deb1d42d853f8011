import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../runtime/src/shared/errors.js';
import type { Logger } from '../../../runtime/src/shared/logger.js';
import { createWriteBehindQueue, type WriteBehindQueue, type WriteJob } from '../../../runtime/src/store/write-behind-queue.js';
import { FakeClock } from '../../support/fake-clock.js';

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

function capturingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (fields: object, msg: string) => void lines.push({ level, fields: fields as Record<string, unknown>, msg });
  const logger: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const unavailable = (): AppError => new AppError('ERR_STORE_UNAVAILABLE', 'down', { category: 'unavailable' });
const conflict = (): AppError => new AppError('ERR_STORE_CONFLICT', 'lost', { category: 'invalidRequest' });

/** A fake store endpoint: records landed writes in order and fails while `down`. */
class FakeTarget {
  down = false;
  readonly landed: string[] = [];
  attempts = 0;

  job(key: string, value: string): WriteJob {
    return {
      key,
      label: 'put',
      write: () => {
        this.attempts += 1;
        if (this.down) return Promise.reject(unavailable());
        this.landed.push(`${key}=${value}`);
        return Promise.resolve();
      },
    };
  }
}

describe('createWriteBehindQueue', () => {
  let clock: FakeClock;
  let logs: LogLine[];
  let target: FakeTarget;
  let queue: WriteBehindQueue;

  const make = (options = {}): WriteBehindQueue =>
    createWriteBehindQueue({ clock, logger: capturingLogger(logs), options: { retryBaseMs: 100, retryMaxMs: 1_000, random: () => 1, ...options } });

  beforeEach(() => {
    clock = new FakeClock();
    logs = [];
    target = new FakeTarget();
    queue = make();
  });

  it('accepts a write without the caller waiting for it, then counts it once it landed', async () => {
    let land!: () => void;
    const accepted = queue.enqueue({ key: 'a', label: 'put', write: () => new Promise<void>((resolve) => (land = resolve)) });
    const pendingBefore = queue.stats().pending;
    land();
    await settle();
    expect({ accepted, pendingBefore, stats: queue.stats() }).toEqual({
      accepted: true,
      pendingBefore: 1,
      stats: { queued: 1, written: 1, retried: 0, dropped: 0, failed: 0, pending: 0 },
    });
  });

  it('writes later jobs for the same key only after earlier ones, even across retries', async () => {
    target.down = true;
    queue.enqueue(target.job('a', '1'));
    queue.enqueue(target.job('a', '2'));
    await settle();
    target.down = false;
    clock.advance(100);
    await settle();
    await settle();
    expect(target.landed).toEqual(['a=1', 'a=2']);
  });

  it('retries a retryable failure with exponential back-off on the clock', async () => {
    target.down = true;
    queue.enqueue(target.job('a', '1'));
    await settle();
    clock.advance(99);
    await settle();
    const beforeFirstRetry = target.attempts;
    clock.advance(1);
    await settle();
    clock.advance(199);
    await settle();
    const beforeSecondRetry = target.attempts;
    clock.advance(1);
    await settle();
    expect({ beforeFirstRetry, beforeSecondRetry, after: target.attempts, retried: queue.stats().retried }).toEqual({
      beforeFirstRetry: 1,
      beforeSecondRetry: 2,
      after: 3,
      retried: 3,
    });
  });

  it('caps the back-off at retryMaxMs', async () => {
    target.down = true;
    queue.enqueue(target.job('a', '1'));
    for (let i = 0; i < 6; i += 1) {
      await settle();
      clock.advance(1_000);
    }
    await settle();
    // 100, 200, 400, 800, then 1000 each: 6 advances of 1000 ms allow 1 + 6 attempts at most.
    expect(target.attempts).toBe(7);
  });

  it('loses nothing during an outage within the bound: everything lands once the store recovers', async () => {
    target.down = true;
    for (let i = 0; i < 20; i += 1) queue.enqueue(target.job(`k${i % 4}`, String(i)));
    await settle();
    clock.advance(5_000);
    await settle();
    target.down = false;
    clock.advance(1_000);
    for (let i = 0; i < 10; i += 1) await settle();
    expect({ landed: target.landed.length, written: queue.stats().written, dropped: queue.stats().dropped, pending: queue.stats().pending }).toEqual({
      landed: 20,
      written: 20,
      dropped: 0,
      pending: 0,
    });
  });

  it('drops, counts and logs writes beyond the bound', async () => {
    queue = make({ maxQueued: 2 });
    target.down = true;
    const accepted = [1, 2, 3, 4].map((i) => queue.enqueue(target.job(`k${i}`, String(i))));
    await settle();
    expect({ accepted, dropped: queue.stats().dropped, warned: logs.filter((l) => l.msg === 'write-behind queue full: dropping writes').length }).toEqual({
      accepted: [true, true, false, false],
      dropped: 2,
      warned: 1,
    });
  });

  it('gives up a write that fails for good (a version conflict), logs it and goes on with the next', async () => {
    queue.enqueue({ key: 'c', label: 'putConversation', write: () => Promise.reject(conflict()) });
    queue.enqueue(target.job('c', 'next'));
    await settle();
    await settle();
    expect({
      failed: queue.stats().failed,
      landed: target.landed,
      logged: logs.some((l) => l.level === 'error' && l.fields.code === 'ERR_STORE_CONFLICT'),
    }).toEqual({ failed: 1, landed: ['c=next'], logged: true });
  });

  it('runs at most maxConcurrent keys at once', async () => {
    queue = make({ maxConcurrent: 2 });
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    for (let i = 0; i < 5; i += 1) {
      queue.enqueue({
        key: `k${i}`,
        label: 'slow',
        write: () =>
          new Promise<void>((resolve) => {
            running += 1;
            peak = Math.max(peak, running);
            gates.push(() => {
              running -= 1;
              resolve();
            });
          }),
      });
    }
    while (gates.length > 0 || queue.stats().pending > 0) {
      await settle();
      gates.shift()?.();
    }
    expect({ peak, written: queue.stats().written }).toEqual({ peak: 2, written: 5 });
  });

  it('flush resolves true once everything held has landed', async () => {
    target.down = true;
    queue.enqueue(target.job('a', '1'));
    const flushed = queue.flush(10_000);
    await settle();
    target.down = false;
    clock.advance(100);
    expect(await flushed).toBe(true);
  });

  it('flush resolves false when the timeout passes first, and close abandons what is held', async () => {
    target.down = true;
    queue.enqueue(target.job('a', '1'));
    queue.enqueue(target.job('a', '2'));
    const flushed = queue.flush(50);
    await settle();
    clock.advance(50);
    const result = await flushed;
    queue.close();
    const refused = queue.enqueue(target.job('b', '1'));
    expect({ result, stats: queue.stats(), timers: clock.pendingTimers, refused }).toEqual({
      result: false,
      stats: { queued: 2, written: 0, retried: 1, dropped: 3, failed: 0, pending: 0 },
      timers: 0,
      refused: false,
    });
  });
});
