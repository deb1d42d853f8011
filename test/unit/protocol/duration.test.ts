import { describe, expect, it } from 'vitest';
import { formatDuration, isDuration, parseDuration } from '../../../runtime/src/protocol/duration.js';
import { err, ok } from '../../../runtime/src/shared/result.js';

describe('parseDuration', () => {
  it.each([
    ['PT0S', 0],
    ['PT0.2S', 200],
    ['PT12.34S', 12_340],
    ['PT.5S', 500],
    ['PT90S', 90_000],
  ])('parses %s to %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual(ok(ms));
  });

  it.each(['PT1M2S', '1.0', 'PT-1S', 'PT1e3S', '', 'PT1.S', 'pt1s', 'PT1', 'P1S', ' PT1S', 'PT1S '])(
    'rejects %j, which is not a PT<seconds>S duration',
    (text) => {
      expect(parseDuration(text)).toEqual(err('invalid'));
    },
  );

  it('rejects a duration too large to represent', () => {
    expect(parseDuration(`PT${'9'.repeat(400)}S`)).toEqual(err('invalid'));
  });

  it('agrees with isDuration on what is valid', () => {
    expect(['PT0S', 'PT.5S', 'PT1M2S', ''].map(isDuration)).toEqual([true, true, false, false]);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, 'PT0S'],
    [200, 'PT0.2S'],
    [12_340, 'PT12.34S'],
    [1_000, 'PT1S'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rounds to whole milliseconds', () => {
    expect(formatDuration(1_234.6)).toBe('PT1.235S');
  });

  it.each([0, 1, 200, 999, 12_340, 61_001, 3_600_000])('round-trips %d ms through parseDuration', (ms) => {
    expect(parseDuration(formatDuration(ms))).toEqual(ok(ms));
  });

  it.each(['PT0S', 'PT0.2S', 'PT12.34S', 'PT0.001S'])('round-trips %s through formatDuration', (text) => {
    const parsed = parseDuration(text);
    if (!parsed.ok) throw new Error(`fixture ${text} should parse`);
    expect(formatDuration(parsed.value)).toBe(text);
  });

  it.each([-1, -0.4, Number.NaN, Number.POSITIVE_INFINITY])('rejects %d with a RangeError', (ms) => {
    expect(() => formatDuration(ms)).toThrow(RangeError);
  });
});
