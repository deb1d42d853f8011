import { describe, expect, it } from 'vitest';
import { appendAll, percentile, summarize } from '../../../runtime/tools/bench/stats.js';

describe('bench percentiles', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('use the nearest rank, so every reported value was measured', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([7], 99)).toBe(7);
  });

  it('let the worst sample set p99 when there are fewer than 100', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 99)).toBe(1000);
  });

  it('are NaN for no samples and reject a p outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('summarise unsorted samples, and give null (valid JSON) for none', () => {
    const shuffled = [...hundred].reverse();
    expect(summarize(shuffled)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(summarize([])).toBeNull();
    expect(summarize([1.23456], 1)).toMatchObject({ p50: 1.2, max: 1.2 });
  });

  it('append without spreading (large arrays)', () => {
    const into = [1];
    appendAll(into, [2, 3]);
    expect(into).toEqual([1, 2, 3]);
  });
});
