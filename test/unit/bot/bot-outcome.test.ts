import { describe, expect, it } from 'vitest';
import { withBotOutcome } from '../../../runtime/src/bot/bot-outcome.js';

describe('withBotOutcome', () => {
  it('marks variables with a transferTo as a transfer', () => {
    expect(withBotOutcome({ transferTo: 'Billing' })).toEqual({ transferTo: 'Billing', botOutcome: 'transfer' });
  });

  it('marks variables without a transferTo as completed', () => {
    expect(withBotOutcome({ intent: 'x' })).toEqual({ intent: 'x', botOutcome: 'completed' });
  });

  it('keeps an outcome the variables already carry', () => {
    expect(withBotOutcome({ transferTo: 'Billing', botOutcome: 'completed' }).botOutcome).toBe('completed');
  });

  it('lets an explicit outcome win over everything', () => {
    expect(withBotOutcome({ transferTo: 'Billing', botOutcome: 'completed' }, 'fallback').botOutcome).toBe('fallback');
  });
});
