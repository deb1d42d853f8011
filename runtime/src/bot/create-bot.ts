import { assertNever } from '../shared/assert-never.js';
import type { LanguageModel, ModelUsage } from '../model/ports.js';
import type { Clock } from '../shared/clock.js';
import type { BotDefinition } from './definition-schema.js';
import { createFlowBot } from './flow/flow-bot.js';
import { createListenBot } from './listen/listen-bot.js';
import { createLlmBot } from './llm/llm-bot.js';
import type { Bot } from './ports.js';
import { createTranscriptionBot } from './transcription/transcription-bot.js';
import { createWebhookBot } from './webhook/webhook-bot.js';

/** What bots may need from their surroundings. */
export interface BotDeps {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  /** The language model of `llm` bots; required to build one. */
  readonly model?: LanguageModel;
  /** Token usage of each model call, for metrics. */
  readonly onModelUsage?: (connectorId: string, usage: ModelUsage) => void;
}

/** Builds the bot a parsed definition describes. */
export function createBot(connectorId: string, definition: BotDefinition, deps: BotDeps): Bot {
  switch (definition.type) {
    case 'flow':
      return createFlowBot(connectorId, definition);
    case 'listen':
      return createListenBot(connectorId, definition, deps.clock);
    case 'transcription':
      return createTranscriptionBot(connectorId, definition, deps.clock);
    case 'webhook':
      return createWebhookBot(connectorId, definition, deps);
    case 'llm':
      if (deps.model === undefined) throw new TypeError(`bot ${connectorId} needs a language model`);
      return createLlmBot(connectorId, definition, {
        clock: deps.clock,
        fetch: deps.fetch,
        model: deps.model,
        ...(deps.onModelUsage === undefined ? {} : { onUsage: deps.onModelUsage }),
      });
    default:
      return assertNever(definition);
  }
}
