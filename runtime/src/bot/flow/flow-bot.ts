import { abortReason } from '../abort-reason.js';
import { toVoiceSettings } from '../definition-common.js';
import type { Bot, BotContext, BotConversation, BotInput, BotState, BotTurn } from '../ports.js';
import type { FlowDefinition } from './flow-definition.js';
import { stepFlow, type FlowProgram } from './flow-machine.js';
import { restoreFlowState, type FlowState } from './flow-state.js';
import { createIntentMatcher } from './intent-matcher.js';

/**
 * A built-in declarative bot (`"type": "flow"`): greeting, intents by phrase or key, slots,
 * reprompts and a fallback, all from the definition file. Turns are pure and instant.
 */
export function createFlowBot(connectorId: string, definition: FlowDefinition): Bot {
  const globalIntents = definition.intents.filter((intent) => intent.global).map((intent) => ({ ...intent, keys: [] }));
  const program: FlowProgram = {
    definition,
    matcher: createIntentMatcher(definition.intents),
    globalMatcher: createIntentMatcher(globalIntents),
  };
  return {
    connectorId,
    kind: 'flow',
    listenOnly: false,
    voice: toVoiceSettings(definition),
    startConversation: (context, state) => createFlowConversation(program, context, restoreFlowState(definition, state)),
  };
}

function createFlowConversation(program: FlowProgram, context: BotContext, initial: FlowState): BotConversation {
  let current = initial;
  return {
    turn(input: BotInput, signal: AbortSignal): Promise<BotTurn> {
      // An abandoned turn must leave the state as it was, so the next turn answers the same question.
      if (signal.aborted) return Promise.reject(abortReason(signal));
      const step = stepFlow(program, context, current, input);
      current = step.state;
      return Promise.resolve({ actions: step.actions });
    },
    state: (): BotState => current,
  };
}
