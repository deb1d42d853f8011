import { assertNever } from '../shared/assert-never.js';
import type { Clock } from '../shared/clock.js';
import type { BotDefinition } from './definition-schema.js';
import { createFlowBot } from './flow/flow-bot.js';
import { createListenBot } from './listen/listen-bot.js';
import type { Bot } from './ports.js';
import { createWebhookBot } from './webhook/webhook-bot.js';

/** What bots may need from their surroundings. */
export interface BotDeps {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
}

/** Builds the bot a parsed definition describes. */
export function createBot(connectorId: string, definition: BotDefinition, deps: BotDeps): Bot {
  switch (definition.type) {
    case 'flow':
      return createFlowBot(connectorId, definition);
    case 'listen':
      return createListenBot(connectorId, definition, deps.clock);
    case 'webhook':
      return createWebhookBot(connectorId, definition, deps);
    default:
      return assertNever(definition);
  }
}
