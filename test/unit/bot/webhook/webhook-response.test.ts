import { describe, expect, it } from 'vitest';
import { toBotActions } from '../../../../runtime/src/bot/webhook/webhook-response.js';
import { AppError } from '../../../../runtime/src/shared/errors.js';

describe('webhook answer to actions', () => {
  it('ignores message fields and custom keys it does not know (other channels’ payloads)', () => {
    const actions = toBotActions([{ recipient_id: 'a', text: 'Hi', image: 'https://x/y.png', buttons: [], custom: { slack: { blocks: [] } } }]);
    expect(actions).toEqual([{ type: 'say', text: 'Hi' }]);
  });

  it('sends numbers and booleans in output variables as strings', () => {
    expect(toBotActions([{ custom: { outputVariables: { attempts: 3, verified: true } } }])).toEqual([
      { type: 'setOutputVariables', variables: { attempts: '3', verified: 'true' } },
    ]);
  });

  it('merges the output variables of every message into the one end action, the later winning', () => {
    const actions = toBotActions([
      { custom: { outputVariables: { intent: 'a', step: '1' } } },
      { text: 'Bye.', custom: { end: true, outputVariables: { intent: 'b' } } },
    ]);
    expect(actions).toEqual([
      { type: 'say', text: 'Bye.' },
      { type: 'end', outputVariables: { intent: 'b', step: '1', botOutcome: 'completed' } },
    ]);
  });

  it("keeps the remote bot's own botOutcome", () => {
    const actions = toBotActions([{ custom: { end: true, outputVariables: { botOutcome: 'fallback' } } }]);
    expect(actions).toEqual([{ type: 'end', outputVariables: { botOutcome: 'fallback' } }]);
  });

  it('rejects a botOutcome outside the contract', () => {
    expect(() => toBotActions([{ custom: { end: true, outputVariables: { botOutcome: 'maybe' } } }])).toThrow(AppError);
  });

  it('marks a text as not interruptible when its custom says so', () => {
    expect(toBotActions([{ text: 'Please listen.', custom: { interruptible: false } }])).toEqual([
      { type: 'say', text: 'Please listen.', interruptible: false },
    ]);
  });

  it('skips blank texts', () => {
    expect(toBotActions([{ text: '  ' }])).toEqual([]);
  });

  it('rejects a custom end that is not a boolean', () => {
    expect(() => toBotActions([{ custom: { end: 'yes' } }])).toThrow(AppError);
  });
});
