import { describe, expect, it } from 'vitest';
import { createTokenBucket } from '../../../runtime/src/audio/token-bucket.js';
import { FakeClock } from '../../support/fake-clock.js';

const setup = (capacity = 5, refillPerSecond = 5) => {
  const clock = new FakeClock();
  return { clock, bucket: createTokenBucket({ capacity, refillPerSecond }, clock) };
};

describe('createTokenBucket', () => {
  it('starts full and allows a burst of exactly its capacity', () => {
    const { bucket } = setup(5);
    const taken = Array.from({ length: 7 }, () => bucket.tryTake());
    expect(taken).toEqual([true, true, true, true, true, false, false]);
  });

  it('refills at the sustained rate', () => {
    const { clock, bucket } = setup(5, 5);
    for (let i = 0; i < 5; i++) bucket.tryTake();
    clock.advance(199);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
  });

  it('never holds more than its capacity however long it idles', () => {
    const { clock, bucket } = setup(3, 10);
    clock.advance(60_000);
    expect(bucket.tokens).toBe(3);
  });

  it('takes nothing when fewer than n tokens are available', () => {
    const { bucket } = setup(5);
    bucket.tryTake(4);
    expect(bucket.tryTake(2)).toBe(false);
    expect(bucket.tokens).toBe(1);
  });

  it('reports the wait until n tokens are available', () => {
    const { bucket } = setup(4, 2);
    bucket.tryTake(4);
    expect(bucket.msUntilAvailable()).toBe(500);
    expect(bucket.msUntilAvailable(3)).toBe(1500);
  });

  it('reports zero wait when the tokens are there', () => {
    const { bucket } = setup();
    expect(bucket.msUntilAvailable(5)).toBe(0);
  });

  it('reports an infinite wait for more tokens than the capacity', () => {
    const { bucket } = setup(5);
    expect(bucket.msUntilAvailable(6)).toBe(Infinity);
  });

  it('gives a token exactly when msUntilAvailable said it would', () => {
    const { clock, bucket } = setup(20, 4);
    while (bucket.tryTake());
    for (let i = 0; i < 100; i++) {
      clock.advance(bucket.msUntilAvailable());
      expect(bucket.tryTake()).toBe(true);
    }
  });

  it('refuses every take during a pause, even with tokens left', () => {
    const { clock, bucket } = setup(5);
    bucket.pauseUntil(clock.now() + 1000);
    clock.advance(999);
    expect(bucket.tryTake()).toBe(false);
  });

  it('restarts empty after a pause and refills from the pause end', () => {
    const { clock, bucket } = setup(5, 5);
    bucket.pauseUntil(clock.now() + 1000);
    clock.advance(1000);
    expect(bucket.tokens).toBe(0);
    expect(bucket.msUntilAvailable()).toBe(200);
  });

  it('counts the pause in msUntilAvailable', () => {
    const { clock, bucket } = setup(5, 5);
    bucket.pauseUntil(clock.now() + 700);
    expect(bucket.msUntilAvailable()).toBe(900);
  });

  it('keeps the longer of two overlapping pauses', () => {
    const { clock, bucket } = setup(5, 5);
    bucket.pauseUntil(clock.now() + 1000);
    bucket.pauseUntil(clock.now() + 300);
    clock.advance(1100);
    expect(bucket.tryTake()).toBe(false);
  });

  it('rejects a non-positive capacity or rate with RangeError', () => {
    const clock = new FakeClock();
    expect(() => createTokenBucket({ capacity: 0, refillPerSecond: 1 }, clock)).toThrow(RangeError);
    expect(() => createTokenBucket({ capacity: 1, refillPerSecond: -1 }, clock)).toThrow(RangeError);
    expect(() => createTokenBucket({ capacity: 1, refillPerSecond: Number.NaN }, clock)).toThrow(RangeError);
  });
});
