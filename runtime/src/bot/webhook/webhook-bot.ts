import type { Clock } from '../../shared/clock.js';
import { toVoiceSettings } from '../definition-common.js';
import type { Bot, BotContext, BotConversation, BotInput, BotState } from '../ports.js';
import { createWebhookClient, type WebhookClient } from './webhook-client.js';
import type { WebhookDefinition } from './webhook-definition.js';
import { toBotActions } from './webhook-response.js';

/** What a webhook bot needs besides its definition. */
export interface WebhookBotDeps {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
}

/** The JSON body of every request (Rasa REST channel plus our metadata). */
export interface WebhookRequest {
  readonly sender: string;
  readonly message: string;
  readonly metadata: {
    readonly inputVariables: Readonly<Record<string, string>>;
    readonly language: string;
    readonly connectorId: string;
    readonly inputType: BotInput['type'];
    /** `open.customConfig` as Genesys sent it; `{}` when none (and on the Data Action route). */
    readonly customConfig: Readonly<Record<string, unknown>>;
  };
}

/** Nothing to persist: the remote bot keeps the conversation, keyed by `sender`. */
const NO_STATE: BotState = Object.freeze({});

/**
 * A bot behind an HTTP endpoint speaking the Rasa REST channel contract (`"type": "webhook"`).
 * Each turn is one POST `{sender: conversationId, message, metadata}`; the answer's messages map to
 * actions (see {@link toBotActions}). Failures reject with an AppError so the call can fall back.
 */
export function createWebhookBot(connectorId: string, definition: WebhookDefinition, deps: WebhookBotDeps): Bot {
  const client = createWebhookClient(definition, deps);
  return {
    connectorId,
    kind: 'webhook',
    listenOnly: false,
    voice: toVoiceSettings(definition),
    startConversation: (context) => createWebhookConversation(client, definition, context),
  };
}

function createWebhookConversation(client: WebhookClient, definition: WebhookDefinition, context: BotContext): BotConversation {
  return {
    async turn(input, signal) {
      const request: WebhookRequest = {
        sender: context.conversationId,
        message: toMessage(input, definition),
        metadata: {
          inputVariables: context.inputVariables,
          language: context.language,
          connectorId: context.connectorId,
          inputType: input.type,
          customConfig: context.customConfig ?? {},
        },
      };
      return { actions: toBotActions(await client.post(request, signal)) };
    },
    state: () => NO_STATE,
  };
}

function toMessage(input: BotInput, definition: WebhookDefinition): string {
  switch (input.type) {
    case 'start':
      return definition.startMessage;
    case 'text':
      return input.text;
    case 'digits':
      return input.digits;
    case 'noInput':
      return definition.noInputMessage;
  }
}
