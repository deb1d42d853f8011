import { describe, expect, it } from 'vitest';
import { ABORTED, raceAbort } from '../../../runtime/src/speech/abort-race.js';
import { AsyncQueue } from '../../../runtime/src/shared/async-queue.js';
import { collect } from './speech-test-helpers.js';

describe('AsyncQueue', () => {
  it('delivers pushed items in order until closed', async () => {
    const queue = new AsyncQueue<number>();
    const result = collect(queue);
    queue.push(1);
    queue.push(2);
    queue.close();
    expect(await result).toEqual([1, 2]);
  });

  it('delivers queued items before the failure', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.fail(new Error('boom'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of queue) seen.push(item);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([1]);
  });

  it('ignores pushes after close', async () => {
    const queue = new AsyncQueue<number>();
    queue.close();
    queue.push(1);
    expect(await collect(queue)).toEqual([]);
  });
});

describe('raceAbort', () => {
  it('resolves with the value when the promise settles first', async () => {
    expect(await raceAbort(Promise.resolve(7), new AbortController().signal)).toBe(7);
  });

  it('resolves with ABORTED as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const race = raceAbort(new Promise<never>(() => undefined), controller.signal);
    controller.abort();
    expect(await race).toBe(ABORTED);
  });

  it('passes a rejection through', async () => {
    await expect(raceAbort(Promise.reject(new Error('boom')), new AbortController().signal)).rejects.toThrow('boom');
  });
});
