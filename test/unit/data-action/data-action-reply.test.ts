import { describe, expect, it } from 'vitest';
import { buildDataActionReply, outputVariablesOf } from '../../../runtime/src/data-action/data-action-reply.js';
import { conversation } from '../store/store-builders.js';

describe('buildDataActionReply', () => {
  it('joins the prompts with a space and lists them one by one', () => {
    const reply = buildDataActionReply(
      [
        { type: 'say', text: 'Hello.' },
        { type: 'say', text: '   ' },
        { type: 'say', text: 'Say billing.' },
      ],
      conversation(),
    );
    expect({ text: reply.text, messages: reply.messages }).toEqual({ text: 'Hello. Say billing.', messages: ['Hello.', 'Say billing.'] });
  });

  it('fills every field, with empty strings for unset variables, while the conversation goes on', () => {
    expect(buildDataActionReply([], conversation({ turnCount: 2 }))).toEqual({
      text: '',
      messages: [],
      ended: false,
      botOutcome: '',
      intent: '',
      transferTo: '',
      expectDigits: false,
      maxDigits: 0,
      turnCount: 2,
      outputVariables: {},
      outputVariablesJson: '{}',
    });
  });

  it('reports the outcome and the accumulated output variables once ended', () => {
    const variables = { intent: 'billing', transferTo: 'Billing', botOutcome: 'transfer' };
    const reply = buildDataActionReply([], conversation({ ended: true, outputVariables: variables }));
    expect({ ended: reply.ended, botOutcome: reply.botOutcome, intent: reply.intent, transferTo: reply.transferTo, json: JSON.parse(reply.outputVariablesJson) as unknown }).toEqual({
      ended: true,
      botOutcome: 'transfer',
      intent: 'billing',
      transferTo: 'Billing',
      json: variables,
    });
  });

  it('reports expected keyed digits', () => {
    const reply = buildDataActionReply([{ type: 'collectDigits', maxDigits: 8, terminator: '#', interDigitTimeoutMs: 3_000 }], conversation());
    expect({ expectDigits: reply.expectDigits, maxDigits: reply.maxDigits }).toEqual({ expectDigits: true, maxDigits: 8 });
  });
});

describe('outputVariablesOf', () => {
  it('merges setOutputVariables and end variables in order, later ones winning', () => {
    expect(
      outputVariablesOf([
        { type: 'setOutputVariables', variables: { a: '1', b: '1' } },
        { type: 'say', text: 'x' },
        { type: 'end', outputVariables: { b: '2' } },
      ]),
    ).toEqual({ a: '1', b: '2' });
  });
});
