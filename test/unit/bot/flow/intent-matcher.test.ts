import { describe, expect, it } from 'vitest';
import { createIntentMatcher } from '../../../../runtime/src/bot/flow/intent-matcher.js';

const matcher = createIntentMatcher([
  { name: 'billing', phrases: ['bill', 'pay my bill'], keys: ['1'] },
  { name: 'support', phrases: ['help', 'not working'], keys: ['2', '*9'] },
  { name: 'cafe', phrases: ['Café'], keys: [] },
]);

describe('intent matcher', () => {
  it('matches plural and singular forms of a phrase word', () => {
    expect(matcher.matchText('my bills are wrong')).toBe('billing');
  });

  it('ignores accents and case', () => {
    expect(matcher.matchText('CAFE opening times')).toBe('cafe');
  });

  it('needs every word of a phrase', () => {
    expect(matcher.matchText('it is not great')).toBeUndefined();
  });

  it('does not match part of a word', () => {
    expect(matcher.matchText('helpful')).toBeUndefined();
  });

  it('gives a tie between intents to the one listed first', () => {
    expect(matcher.matchText('help with my bill')).toBe('billing');
  });

  it('lets a longer phrase beat an earlier shorter one', () => {
    expect(matcher.matchText('my bill thing is not working')).toBe('support');
  });

  it('matches multi-key sequences exactly', () => {
    expect(matcher.matchDigits('*9')).toBe('support');
  });

  it('takes the first key of a longer entry', () => {
    expect(matcher.matchDigits('1#')).toBe('billing');
  });

  it('does not take a spoken number mixed with other words as a key', () => {
    expect(matcher.matchText('I have one question')).toBeUndefined();
  });
});
