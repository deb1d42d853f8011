import { OUTPUT_VARIABLES, type BotAction } from '../bot/index.js';
import type { ConversationState } from '../store/ports.js';

/**
 * The JSON reply of one Data Action turn. Flat on purpose: a Genesys Data Action translation map
 * reads each field with a plain JSONPath (`$.text`, `$.ended`), and Architect gets typed outputs
 * (string, boolean, integer, string collection) without array or object gymnastics. Every field is
 * always present, so translation map defaults only matter for a failed call.
 */
export interface DataActionReply {
  /** Everything the bot says this turn, joined with a space: what a Play Audio action speaks. */
  readonly text: string;
  /** The same prompts one by one (Architect: String collection), for flows that pause between them. */
  readonly messages: readonly string[];
  /** The bot ended the conversation: leave the loop and branch on `botOutcome`. */
  readonly ended: boolean;
  /** `completed`, `transfer` or `fallback` once ended (docs/bots.md); `""` while the conversation goes on. */
  readonly botOutcome: string;
  /** The intent output variable, `""` if not set. */
  readonly intent: string;
  /** Where to transfer, `""` if not set. */
  readonly transferTo: string;
  /** The bot asks for keyed digits next: use a Collect Input action rather than speech. */
  readonly expectDigits: boolean;
  /** How many digits at most when `expectDigits`; 0 otherwise. */
  readonly maxDigits: number;
  /** Turns so far in this conversation, across the voice route and this route. */
  readonly turnCount: number;
  /** Every output variable set so far (strings), for clients that read JSON objects. */
  readonly outputVariables: Readonly<Record<string, string>>;
  /** The same map as a JSON string, for Architect (`JsonParse`, `GetJsonObjectProperty`). */
  readonly outputVariablesJson: string;
}

/**
 * Builds the reply from this turn's actions and the conversation state after it (the accumulated
 * output variables and turn count). `actions` is empty for a conversation that had already ended.
 */
export function buildDataActionReply(actions: readonly BotAction[], state: ConversationState): DataActionReply {
  const messages: string[] = [];
  let digits: Extract<BotAction, { type: 'collectDigits' }> | undefined;
  for (const action of actions) {
    if (action.type === 'say' && action.text.trim() !== '') messages.push(action.text);
    if (action.type === 'collectDigits') digits = action;
  }
  const variables = state.outputVariables;
  return {
    text: messages.join(' '),
    messages,
    ended: state.ended,
    botOutcome: state.ended ? (variables[OUTPUT_VARIABLES.botOutcome] ?? '') : '',
    intent: variables[OUTPUT_VARIABLES.intent] ?? '',
    transferTo: variables[OUTPUT_VARIABLES.transferTo] ?? '',
    expectDigits: digits !== undefined && !state.ended,
    maxDigits: digits !== undefined && !state.ended ? digits.maxDigits : 0,
    turnCount: state.turnCount,
    outputVariables: variables,
    outputVariablesJson: JSON.stringify(variables),
  };
}

/** The output variables one turn's actions set (`setOutputVariables` and `end`), later ones winning. */
export function outputVariablesOf(actions: readonly BotAction[]): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const action of actions) {
    if (action.type === 'setOutputVariables') Object.assign(variables, action.variables);
    if (action.type === 'end' && action.outputVariables !== undefined) Object.assign(variables, action.outputVariables);
  }
  return variables;
}
