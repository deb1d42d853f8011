import { describe, expect, it } from 'vitest';
import { createDigitCollector, type DigitCollector } from '../../../runtime/src/session/digit-collector.js';
import { FakeClock } from '../../support/fake-clock.js';

const INTER_DIGIT_MS = 3_000;

function setup(): { clock: FakeClock; collector: DigitCollector; entries: string[] } {
  const clock = new FakeClock();
  const entries: string[] = [];
  const collector = createDigitCollector(clock, (digits) => entries.push(digits));
  return { clock, collector, entries };
}

const pressAll = (collector: DigitCollector, keys: string): void => {
  for (const key of keys) collector.press(key);
};

describe('createDigitCollector', () => {
  it('hands over every key on its own when no collection is active', () => {
    const { collector, entries } = setup();

    pressAll(collector, '1#');

    expect(entries).toEqual(['1', '#']);
    expect(collector.collecting).toBe(false);
  });

  it('hands over the entry once the maximum number of digits is keyed', () => {
    const { collector, entries } = setup();
    collector.collect({ maxDigits: 4, interDigitTimeoutMs: INTER_DIGIT_MS });

    pressAll(collector, '123');
    expect(entries).toEqual([]);
    collector.press('4');

    expect(entries).toEqual(['1234']);
    expect(collector.collecting).toBe(false);
  });

  it('ends the entry at the terminator without including it', () => {
    const { collector, entries } = setup();
    collector.collect({ maxDigits: 10, terminator: '#', interDigitTimeoutMs: INTER_DIGIT_MS });

    pressAll(collector, '42#');

    expect(entries).toEqual(['42']);
    expect(collector.collecting).toBe(false);
  });

  it('hands over what was keyed when the inter-digit timeout passes', () => {
    const { clock, collector, entries } = setup();
    collector.collect({ maxDigits: 10, interDigitTimeoutMs: INTER_DIGIT_MS });
    collector.press('7');
    clock.advance(INTER_DIGIT_MS - 1);
    collector.press('8');
    clock.advance(INTER_DIGIT_MS - 1);
    expect(entries).toEqual([]);

    clock.advance(1);

    expect(entries).toEqual(['78']);
    expect(collector.collecting).toBe(false);
  });

  it('treats keys after a finished collection as single keys again', () => {
    const { collector, entries } = setup();
    collector.collect({ maxDigits: 2, interDigitTimeoutMs: INTER_DIGIT_MS });

    pressAll(collector, '123');

    expect(entries).toEqual(['12', '3']);
  });

  it('replaces a running collection, dropping its digits and timer, on collect()', () => {
    const { clock, collector, entries } = setup();
    collector.collect({ maxDigits: 10, interDigitTimeoutMs: INTER_DIGIT_MS });
    pressAll(collector, '99');

    collector.collect({ maxDigits: 2, interDigitTimeoutMs: INTER_DIGIT_MS });
    clock.advance(INTER_DIGIT_MS * 2);
    expect(entries).toEqual([]);
    pressAll(collector, '12');

    expect(entries).toEqual(['12']);
  });

  it('drops the collection and its timer on cancel()', () => {
    const { clock, collector, entries } = setup();
    collector.collect({ maxDigits: 10, interDigitTimeoutMs: INTER_DIGIT_MS });
    pressAll(collector, '55');

    collector.cancel();
    clock.advance(INTER_DIGIT_MS * 2);

    expect(entries).toEqual([]);
    expect(collector.collecting).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});
