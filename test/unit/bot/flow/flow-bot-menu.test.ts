import { describe, expect, it } from 'vitest';
import { callContext, ending, flowBot, keys, menuDefinition, noInput, run, say, spoken, start } from './flow-test-helpers.js';

describe('flow bot: greeting and intents', () => {
  it('greets with the greeting filled from the input variables', async () => {
    const [greeting] = await run(flowBot().startConversation(callContext({ customerName: 'Ann' })), [start]);
    expect(spoken(greeting!)).toEqual(['Hello Ann. Say billing or sales, or press 1 or 2.']);
  });

  it('uses the placeholder fallback when the input variable is missing or blank', async () => {
    const [missing] = await run(flowBot().startConversation(callContext()), [start]);
    const [blank] = await run(flowBot().startConversation(callContext({ customerName: '  ' })), [start]);
    expect(spoken(missing!)).toEqual(['Hello there. Say billing or sales, or press 1 or 2.']);
    expect(spoken(blank!)).toEqual(spoken(missing!));
  });

  it('matches a phrase regardless of case and punctuation', async () => {
    const [, reply] = await run(flowBot().startConversation(callContext()), [start, say('BILLING, please!')]);
    expect(ending(reply!)).toMatchObject({ intent: 'billing' });
  });

  it('matches a phrase whose words are spread through the utterance', async () => {
    const [, reply] = await run(flowBot().startConversation(callContext()), [start, say("I'd like to pay my phone bill")]);
    expect(ending(reply!)).toMatchObject({ intent: 'billing' });
  });

  it('prefers the intent whose matching phrase has the most words', async () => {
    const bot = flowBot(
      menuDefinition({
        intents: [
          { name: 'account', phrases: ['account'], keys: ['1'] },
          { name: 'closeAccount', phrases: ['close account'], keys: ['2'] },
        ],
      }),
    );
    const [, reply] = await run(bot.startConversation(callContext()), [start, say('I want to close my accounts')]);
    expect(ending(reply!)).toMatchObject({ intent: 'closeAccount' });
  });

  it('matches an intent by its DTMF key', async () => {
    const [, reply] = await run(flowBot().startConversation(callContext()), [start, keys('2')]);
    expect(ending(reply!)).toMatchObject({ intent: 'sales' });
  });

  it('matches a menu key the caller says instead of pressing', async () => {
    const [, reply] = await run(flowBot().startConversation(callContext()), [start, say('press two')]);
    expect(ending(reply!)).toMatchObject({ intent: 'sales' });
  });

  it('ends a transfer intent with intent, transferTo and botOutcome transfer', async () => {
    const [, reply] = await run(flowBot().startConversation(callContext()), [start, keys('1')]);
    expect(ending(reply!)).toEqual({ intent: 'billing', transferTo: 'Billing', botOutcome: 'transfer' });
  });

  it('ends an intent without transferTo with botOutcome completed', async () => {
    const [, reply] = await run(flowBot().startConversation(callContext()), [start, say('sales')]);
    expect(ending(reply!)).toEqual({ intent: 'sales', botOutcome: 'completed' });
  });

  it('says the intent prompt before ending, and the caller cannot interrupt it', async () => {
    const [, reply] = await run(flowBot().startConversation(callContext()), [start, keys('1')]);
    expect(reply).toEqual([
      { type: 'say', text: "You'll be connected to billing.", interruptible: false },
      { type: 'end', outputVariables: { intent: 'billing', transferTo: 'Billing', botOutcome: 'transfer' } },
    ]);
  });

  it('treats a transcript below minConfidence as a no-match', async () => {
    const bot = flowBot(menuDefinition({ minConfidence: 0.5 }));
    const [, unsure, sure] = await run(bot.startConversation(callContext()), [start, say('billing', 0.2), say('billing', 0.9)]);
    expect(spoken(unsure!)).toEqual(['Sorry, say billing or sales.']);
    expect(ending(sure!)).toMatchObject({ intent: 'billing' });
  });

  it('answers nothing once the conversation has ended', async () => {
    const [, , after] = await run(flowBot().startConversation(callContext()), [start, keys('1'), say('sales')]);
    expect(after).toEqual([]);
  });

  it("takes the caller's words as the first input when no start came (Data Action route)", async () => {
    const [reply] = await run(flowBot().startConversation(callContext()), [say('billing')]);
    expect(ending(reply!)).toMatchObject({ intent: 'billing' });
  });

  it('repeats the current question when a live conversation gets another start', async () => {
    const [greeting, again] = await run(flowBot().startConversation(callContext()), [start, start]);
    expect(again).toEqual(greeting);
  });

  it('enters the startIntent right after the greeting', async () => {
    const bot = flowBot(
      menuDefinition({
        startIntent: 'account',
        intents: [{ name: 'account', phrases: ['account'], slots: [{ name: 'accountNumber', type: 'text', prompt: 'Your account?' }] }],
      }),
    );
    const [greeting] = await run(bot.startConversation(callContext()), [start]);
    expect(spoken(greeting!)).toEqual(['Hello there. Say billing or sales, or press 1 or 2.', 'Your account?']);
  });
});

describe('flow bot: no-match and no-input', () => {
  it('reprompts with the noMatch prompts in turn', async () => {
    const [, first, second] = await run(flowBot().startConversation(callContext()), [start, say('weather'), say('pizza')]);
    expect(spoken(first!)).toEqual(['Sorry, say billing or sales.']);
    expect(spoken(second!)).toEqual(['Please press 1 or 2.']);
  });

  it('repeats the last noMatch prompt when there are fewer prompts than reprompts', async () => {
    const bot = flowBot(menuDefinition({ noMatch: 'Say billing or sales.', maxNoMatch: 3 }));
    const turns = await run(bot.startConversation(callContext()), [start, say('a'), say('b'), say('c')]);
    expect(turns.slice(1).map(spoken)).toEqual([['Say billing or sales.'], ['Say billing or sales.'], ['Say billing or sales.']]);
  });

  it('ends with the fallback outcome after one miss more than maxNoMatch', async () => {
    const turns = await run(flowBot().startConversation(callContext()), [start, say('a'), say('b'), say('c')]);
    expect(ending(turns[2]!)).toBeUndefined();
    expect(ending(turns[3]!)).toEqual({ intent: 'fallback', botOutcome: 'fallback' });
  });

  it("says the fallback prompt and sets the definition's fallback output variables", async () => {
    const bot = flowBot(
      menuDefinition({ maxNoMatch: 0, fallback: { prompt: 'Let me get someone.', outputVariables: { intent: 'unknown', transferTo: 'Agents' } } }),
    );
    const [, reply] = await run(bot.startConversation(callContext()), [start, say('weather')]);
    expect(spoken(reply!)).toEqual(['Let me get someone.']);
    expect(ending(reply!)).toEqual({ intent: 'unknown', transferTo: 'Agents', botOutcome: 'fallback' });
  });

  it('reprompts with the noInput prompts and falls back after maxNoInput', async () => {
    const turns = await run(flowBot().startConversation(callContext()), [start, noInput, noInput, noInput]);
    expect(turns.slice(1, 3).map(spoken)).toEqual([['Are you there?'], ['Press 1 or 2.']]);
    expect(ending(turns[3]!)).toEqual({ intent: 'fallback', botOutcome: 'fallback' });
  });

  it('counts no-matches and no-inputs separately', async () => {
    const bot = flowBot(menuDefinition({ maxNoMatch: 1, maxNoInput: 1 }));
    const turns = await run(bot.startConversation(callContext()), [start, say('weather'), noInput, keys('2')]);
    expect(ending(turns[2]!)).toBeUndefined();
    expect(ending(turns[3]!)).toMatchObject({ intent: 'sales' });
  });

  it('treats an unknown key as a no-match', async () => {
    const [, reply] = await run(flowBot().startConversation(callContext()), [start, keys('9')]);
    expect(spoken(reply!)).toEqual(['Sorry, say billing or sales.']);
  });
});

describe('flow bot: follow-up questions', () => {
  const definition = menuDefinition({
    followUp: 'Anything else?',
    intents: [
      { name: 'hours', phrases: ['opening hours'], prompt: 'We are open nine to five.', end: false, outputVariables: { askedHours: 'yes' } },
      { name: 'goodbye', phrases: ['no', 'goodbye'], prompt: 'Goodbye.' },
    ],
  });

  it('sets the output variables and asks the follow-up for an intent with end false', async () => {
    const [, reply] = await run(flowBot(definition).startConversation(callContext()), [start, say('what are your opening hours')]);
    expect(reply).toEqual([
      { type: 'say', text: 'We are open nine to five.' },
      { type: 'setOutputVariables', variables: { intent: 'hours', askedHours: 'yes' } },
      { type: 'say', text: 'Anything else?' },
    ]);
  });

  it('ends with the variables of every intent, the last intent winning', async () => {
    const [, , reply] = await run(flowBot(definition).startConversation(callContext()), [start, say('opening hours'), say('no thanks')]);
    expect(ending(reply!)).toEqual({ intent: 'goodbye', askedHours: 'yes', botOutcome: 'completed' });
  });

  it('repeats the follow-up, not the greeting, on a start after a follow-up', async () => {
    const [, , again] = await run(flowBot(definition).startConversation(callContext()), [start, say('opening hours'), start]);
    expect(spoken(again!)).toEqual(['Anything else?']);
  });
});
