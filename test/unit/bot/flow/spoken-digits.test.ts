import { describe, expect, it } from 'vitest';
import { readSpokenDigits } from '../../../../runtime/src/bot/flow/spoken-digits.js';

describe('readSpokenDigits', () => {
  it.each([
    ['one two three', '123'],
    ['123 456', '123456'],
    ['1, 2, 3.', '123'],
    ['123-456', '123456'],
    ['zero oh nine', '009'],
    ['double five triple zero', '55000'],
    ['Four Five SIX', '456'],
  ])('reads %j as %s', (text, digits) => {
    expect(readSpokenDigits(text).digits).toBe(digits);
  });

  it('skips and counts the words that are not digits', () => {
    expect(readSpokenDigits('my number is one two')).toEqual({ digits: '12', otherWords: 3 });
  });

  it('does not guess multi-digit number words', () => {
    expect(readSpokenDigits('twelve').digits).toBe('');
  });
});
