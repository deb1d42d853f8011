import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BotAction, BotInput, BotState } from '../../../../runtime/src/bot/ports.js';
import { callContext, flowBot, keys, live, menuDefinition, noInput, run, spoken, start } from './flow-test-helpers.js';

const definition = menuDefinition({
  followUp: 'Anything else?',
  intents: [
    { name: 'hours', phrases: ['hours'], keys: ['3'], prompt: 'Nine to five.', end: false },
    {
      name: 'account',
      phrases: ['account'],
      keys: ['1'],
      slots: [
        { name: 'accountNumber', type: 'digits', prompt: 'Number?', minDigits: 3, maxDigits: 4 },
        { name: 'reason', type: 'text', prompt: 'Why?' },
      ],
    },
    { name: 'sales', phrases: ['sales'], keys: ['2'] },
  ],
});

const inputArbitrary: fc.Arbitrary<BotInput> = fc.oneof(
  fc.constant<BotInput>({ type: 'start' }),
  fc.constant<BotInput>({ type: 'noInput' }),
  fc.constantFrom('1', '2', '3', '9', '123', '1234#', '#').map((digits): BotInput => ({ type: 'digits', digits })),
  fc.constantFrom('hours', 'account', 'sales', 'one two three', 'pizza', '', 'because').map((text): BotInput => ({ type: 'text', text })),
);

/** Runs each input on a conversation resumed from the JSON of the previous turn's state. */
async function runResumingEachTurn(inputs: readonly BotInput[], variables: Record<string, string>): Promise<BotAction[][]> {
  const bot = flowBot(definition);
  let persisted: BotState | undefined;
  const turns: BotAction[][] = [];
  for (const input of inputs) {
    const conversation = bot.startConversation(callContext(variables), persisted);
    turns.push([...(await conversation.turn(input, live())).actions]);
    persisted = JSON.parse(JSON.stringify(conversation.state())) as BotState;
  }
  return turns;
}

describe('flow bot: state', () => {
  it('resumes from the JSON of its state exactly where it was', async () => {
    const inputs = [start, keys('1'), keys('123'), noInput];
    const continuous = await run(flowBot(definition).startConversation(callContext()), inputs);
    expect(await runResumingEachTurn(inputs, {})).toEqual(continuous);
  });

  it('gives the same turns whether resumed from JSON after every turn or not, for any inputs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(inputArbitrary, { maxLength: 12 }), async (inputs) => {
        const continuous = await run(flowBot(definition).startConversation(callContext()), inputs);
        expect(await runResumingEachTurn(inputs, {})).toEqual(continuous);
      }),
    );
  });

  it('never speaks a placeholder, whatever the input variables hold', async () => {
    const templated = menuDefinition({ greeting: 'Hi {{customerName}}, {{greetingLine|welcome}}. Say billing.' });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('customerName', 'greetingLine', 'other'), fc.string()),
        fc.array(inputArbitrary, { maxLength: 5 }),
        async (variables, inputs) => {
          const turns = await run(flowBot(templated).startConversation(callContext(variables)), [start, ...inputs]);
          for (const text of turns.flatMap(spoken)) expect(text).not.toMatch(/\{\{|\}\}/);
        },
      ),
    );
  });

  it('starts over when the persisted state is not a flow state', async () => {
    const resumed = await run(flowBot(definition).startConversation(callContext(), { phase: 'nonsense' }), [start, keys('2')]);
    const fresh = await run(flowBot(definition).startConversation(callContext()), [start, keys('2')]);
    expect(resumed).toEqual(fresh);
  });

  it('starts over when the persisted state points at an intent the definition no longer has', async () => {
    const persisted = {
      version: 1,
      phase: 'slot',
      intent: 'removed',
      slotIndex: 0,
      slots: {},
      outputVariables: {},
      noMatchCount: 0,
      noInputCount: 0,
    };
    const conversation = flowBot(definition).startConversation(callContext(), persisted);
    const [reply] = await run(conversation, [start]);
    expect(spoken(reply!)).toEqual(['Hello there. Say billing or sales, or press 1 or 2.']);
  });

  it('rejects an aborted turn with the abort reason and keeps its state', async () => {
    const conversation = flowBot(definition).startConversation(callContext());
    await run(conversation, [start]);
    const before = conversation.state();
    const controller = new AbortController();
    const reason = new Error('barge-in');
    controller.abort(reason);
    await expect(conversation.turn(keys('2'), controller.signal)).rejects.toBe(reason);
    expect(conversation.state()).toEqual(before);
  });

  it('exposes state that survives a JSON round trip unchanged', async () => {
    const conversation = flowBot(definition).startConversation(callContext());
    await run(conversation, [start, keys('3'), keys('1'), keys('123')]);
    const state = conversation.state();
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});
