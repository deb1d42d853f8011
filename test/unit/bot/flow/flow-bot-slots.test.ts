import { describe, expect, it } from 'vitest';
import { callContext, ending, flowBot, keys, menuDefinition, noInput, run, say, spoken, start } from './flow-test-helpers.js';

const accountSlot = {
  name: 'accountNumber',
  type: 'digits',
  prompt: 'Say or key your account number, then hash.',
  noMatch: 'An account number has 6 to 8 digits.',
  minDigits: 6,
  maxDigits: 8,
  terminator: '#',
  interDigitTimeoutMs: 4000,
};

const definition = (overrides: Record<string, unknown> = {}): Record<string, unknown> =>
  menuDefinition({
    intents: [
      {
        name: 'account',
        phrases: ['account'],
        keys: ['1'],
        prompt: 'Sure.',
        slots: [accountSlot],
        donePrompt: 'Thanks {{customerName|}}.',
        outputVariables: { lookup: 'acct-{{accountNumber}}', caller: '{{customerName|unknown}}' },
        ...overrides,
      },
      { name: 'agent', phrases: ['agent'], keys: ['0'], global: true, prompt: 'Connecting you.', outputVariables: { transferTo: 'Agents' } },
    ],
  });

const collect = { type: 'collectDigits', maxDigits: 8, terminator: '#', interDigitTimeoutMs: 4000 };

describe('flow bot: slots', () => {
  it('asks for a digits slot and expects keyed digits', async () => {
    const [, reply] = await run(flowBot(definition()).startConversation(callContext()), [start, say('my account')]);
    expect(reply).toEqual([
      { type: 'say', text: 'Sure.' },
      { type: 'say', text: 'Say or key your account number, then hash.' },
      collect,
    ]);
  });

  it('captures keyed digits without the terminator and ends with the slot as an output variable', async () => {
    const turns = await run(flowBot(definition()).startConversation(callContext()), [start, keys('1'), keys('1234567#')]);
    expect(ending(turns[2]!)).toMatchObject({ intent: 'account', accountNumber: '1234567', botOutcome: 'completed' });
  });

  it('captures digits read out in words', async () => {
    const turns = await run(flowBot(definition()).startConversation(callContext()), [
      start,
      keys('1'),
      say('it is four oh double seven one two'),
    ]);
    expect(ending(turns[2]!)).toMatchObject({ accountNumber: '407712' });
  });

  it("fills output variable templates from captured slots and input variables", async () => {
    const turns = await run(flowBot(definition()).startConversation(callContext({ customerName: 'Ann' })), [start, keys('1'), keys('123456')]);
    expect(spoken(turns[2]!)).toEqual(['Thanks Ann.']);
    expect(ending(turns[2]!)).toMatchObject({ lookup: 'acct-123456', caller: 'Ann' });
  });

  it('reprompts with the slot noMatch prompt and expects digits again when the answer has too few digits', async () => {
    const turns = await run(flowBot(definition()).startConversation(callContext()), [start, keys('1'), keys('12#')]);
    expect(turns[2]).toEqual([{ type: 'say', text: 'An account number has 6 to 8 digits.' }, collect]);
  });

  it('repeats the slot prompt on silence when the slot has no noInput prompt', async () => {
    const turns = await run(flowBot(definition()).startConversation(callContext()), [start, keys('1'), noInput]);
    expect(spoken(turns[2]!)).toEqual(['Say or key your account number, then hash.']);
  });

  it('starts counting misses afresh for each question', async () => {
    const bot = flowBot(menuDefinition({ ...definition(), maxNoMatch: 1 }));
    const turns = await run(bot.startConversation(callContext()), [start, say('weather'), keys('1'), keys('12')]);
    expect(ending(turns[3]!)).toBeUndefined();
  });

  it('falls back when the slot cannot be filled', async () => {
    const turns = await run(flowBot(definition()).startConversation(callContext()), [start, keys('1'), keys('1'), keys('2'), keys('3')]);
    expect(ending(turns[4]!)).toEqual({ intent: 'fallback', botOutcome: 'fallback' });
  });

  it('captures any utterance for a text slot', async () => {
    const bot = flowBot(
      definition({ slots: [{ name: 'reason', type: 'text', prompt: 'Why are you calling?' }], outputVariables: {}, donePrompt: undefined }),
    );
    const turns = await run(bot.startConversation(callContext()), [start, keys('1'), say('  my card was declined ')]);
    expect(ending(turns[2]!)).toEqual({ intent: 'account', reason: 'my card was declined', botOutcome: 'completed' });
  });

  it('asks several slots in order', async () => {
    const bot = flowBot(
      definition({
        slots: [
          { name: 'first', type: 'text', prompt: 'First?' },
          { name: 'second', type: 'text', prompt: 'Second?' },
        ],
        outputVariables: {},
        prompt: undefined,
        donePrompt: undefined,
      }),
    );
    const turns = await run(bot.startConversation(callContext()), [start, keys('1'), say('one'), say('two')]);
    expect(turns.slice(1, 3).map(spoken)).toEqual([['First?'], ['Second?']]);
    expect(ending(turns[3]!)).toMatchObject({ first: 'one', second: 'two' });
  });

  it('leaves slot collection for a global intent the caller asks for', async () => {
    const turns = await run(flowBot(definition()).startConversation(callContext()), [start, keys('1'), say('agent please')]);
    expect(ending(turns[2]!)).toEqual({ intent: 'agent', transferTo: 'Agents', botOutcome: 'transfer' });
  });

  it("takes a global intent's key pressed during slot collection as part of the answer", async () => {
    const turns = await run(flowBot(definition()).startConversation(callContext()), [start, keys('1'), keys('0')]);
    expect(spoken(turns[2]!)).toEqual(['An account number has 6 to 8 digits.']);
  });
});
