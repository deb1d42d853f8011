import { describe, expect, it } from 'vitest';
import { flowDefinitionSchema } from '../../../../runtime/src/bot/flow/flow-definition.js';
import { menuDefinition } from './flow-test-helpers.js';

/** The field paths of the problems zod reports for a definition. */
function problemPaths(definition: Record<string, unknown>): string[] {
  const parsed = flowDefinitionSchema.safeParse(definition);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
}

const intent = (overrides: Record<string, unknown>) => ({ name: 'billing', phrases: ['billing'], ...overrides });

describe('flow definition', () => {
  it('applies the documented defaults', () => {
    const parsed = flowDefinitionSchema.parse(menuDefinition());
    expect(parsed).toMatchObject({ language: 'en-US', voices: {}, noInputTimeoutMs: 6000, maxCallDurationMs: 600000, maxNoMatch: 2, maxNoInput: 2 });
    expect(parsed.fallback.outputVariables).toEqual({ intent: 'fallback' });
    expect(parsed.intents[0]).toMatchObject({ end: true, global: false, slots: [] });
  });

  it('rejects a malformed placeholder at its field', () => {
    expect(problemPaths(menuDefinition({ greeting: 'Hello {{name' }))).toEqual(['greeting']);
  });

  it('rejects an unknown field (a typo) instead of ignoring it', () => {
    expect(problemPaths(menuDefinition({ greting: 'Hi' }))).toEqual(['']);
  });

  it('rejects an intent with neither phrases nor keys', () => {
    expect(problemPaths(menuDefinition({ intents: [{ name: 'x' }] }))).toEqual(['intents.0.phrases']);
  });

  it('rejects a key bound to two intents', () => {
    const intents = [intent({ keys: ['1'] }), intent({ name: 'sales', keys: ['1'] })];
    expect(problemPaths(menuDefinition({ intents }))).toEqual(['intents.1.keys.0']);
  });

  it('rejects two intents with the same name', () => {
    expect(problemPaths(menuDefinition({ intents: [intent({}), intent({})] }))).toEqual(['intents.1.name']);
  });

  it('rejects botOutcome among authored output variables', () => {
    expect(problemPaths(menuDefinition({ intents: [intent({ outputVariables: { botOutcome: 'x' } })] }))).toEqual(['intents.0.outputVariables']);
  });

  it('requires a followUp when an intent does not end the call', () => {
    expect(problemPaths(menuDefinition({ intents: [intent({ end: false })] }))).toEqual(['followUp']);
  });

  it('rejects a startIntent that names no intent', () => {
    expect(problemPaths(menuDefinition({ startIntent: 'nope' }))).toEqual(['startIntent']);
  });

  it('rejects a digits slot whose minDigits exceeds maxDigits', () => {
    const slots = [{ name: 'n', type: 'digits', prompt: 'Number?', minDigits: 5, maxDigits: 4 }];
    expect(problemPaths(menuDefinition({ intents: [intent({ slots })] }))).toEqual(['intents.0.slots.0.minDigits']);
  });

  it('rejects a slot name that cannot be a variable name', () => {
    const slots = [{ name: 'account number', type: 'text', prompt: 'Number?' }];
    expect(problemPaths(menuDefinition({ intents: [intent({ slots })] }))).toEqual(['intents.0.slots.0.name']);
  });
});
