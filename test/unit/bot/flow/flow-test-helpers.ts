import { createFlowBot } from '../../../../runtime/src/bot/flow/flow-bot.js';
import { flowDefinitionSchema } from '../../../../runtime/src/bot/flow/flow-definition.js';
import type { Bot, BotAction, BotContext, BotConversation, BotInput } from '../../../../runtime/src/bot/ports.js';

/** A small call-steering menu; tests override what they exercise. */
export function menuDefinition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'flow',
    greeting: 'Hello {{customerName|there}}. Say billing or sales, or press 1 or 2.',
    intents: [
      {
        name: 'billing',
        phrases: ['billing', 'pay my bill'],
        keys: ['1'],
        prompt: "You'll be connected to billing.",
        outputVariables: { transferTo: 'Billing' },
      },
      { name: 'sales', phrases: ['sales', 'buy'], keys: ['2'], prompt: "You'll be connected to sales." },
    ],
    noMatch: ['Sorry, say billing or sales.', 'Please press 1 or 2.'],
    noInput: ['Are you there?', 'Press 1 or 2.'],
    ...overrides,
  };
}

/** Parses a definition (as loadBots would) and builds its flow bot. */
export function flowBot(definition: Record<string, unknown> = menuDefinition()): Bot {
  return createFlowBot('test', flowDefinitionSchema.parse(definition));
}

/** The facts of a call, with the given Architect input variables. */
export function callContext(inputVariables: Record<string, string> = {}): BotContext {
  return { conversationId: 'conversation-1', connectorId: 'test', language: 'en-US', inputVariables };
}

/** A signal that never aborts. */
export const live = (): AbortSignal => new AbortController().signal;

/** Input builders. */
export const start: BotInput = { type: 'start' };
export const noInput: BotInput = { type: 'noInput' };
export const say = (text: string, confidence?: number): BotInput =>
  confidence === undefined ? { type: 'text', text } : { type: 'text', text, confidence };
export const keys = (digits: string): BotInput => ({ type: 'digits', digits });

/** Runs the inputs in order and returns each turn's actions. */
export async function run(conversation: BotConversation, inputs: readonly BotInput[]): Promise<BotAction[][]> {
  const turns: BotAction[][] = [];
  for (const input of inputs) turns.push([...(await conversation.turn(input, live())).actions]);
  return turns;
}

/** The spoken texts of some actions. */
export function spoken(actions: readonly BotAction[]): string[] {
  return actions.flatMap((action) => (action.type === 'say' ? [action.text] : []));
}

/** The output variables of the `end` action, or undefined when the turn does not end the call. */
export function ending(actions: readonly BotAction[]): Readonly<Record<string, string>> | undefined {
  const end = actions.find((action) => action.type === 'end');
  return end?.type === 'end' ? (end.outputVariables ?? {}) : undefined;
}
