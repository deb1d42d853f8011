import type {
  ContentBlock,
  ConverseStreamCommandInput,
  ConverseStreamOutput,
  Message,
  StopReason,
  Tool,
} from '@aws-sdk/client-bedrock-runtime';
import type { FailureCategory } from '../../shared/errors.js';
import type { ModelContent, ModelEvent, ModelMessage, ModelRequest, ModelStopReason } from '../ports.js';

/**
 * Pure mapping between the model port and Bedrock's Converse API shapes: the request out, stream
 * events in, exception names to failure categories.
 */

/** Bedrock Runtime exceptions by category (besides the names every AWS service shares). */
export const BEDROCK_ERRORS: Readonly<Record<string, FailureCategory>> = {
  ThrottlingException: 'throttled',
  ServiceQuotaExceededException: 'throttled',
  ModelTimeoutException: 'unavailable',
  ModelNotReadyException: 'unavailable',
  ModelErrorException: 'unavailable',
  ModelStreamErrorException: 'unavailable',
  ServiceUnavailableException: 'unavailable',
  InternalServerException: 'unavailable',
  ResourceNotFoundException: 'invalidRequest',
  ValidationException: 'invalidRequest',
  AccessDeniedException: 'auth',
};

/** The ConverseStream input of a request. */
export function toConverseStreamInput(request: ModelRequest): ConverseStreamCommandInput {
  return {
    modelId: request.modelId,
    system: [{ text: request.system }],
    messages: request.messages.map(toBedrockMessage),
    inferenceConfig: { temperature: request.temperature, maxTokens: request.maxTokens },
    ...(request.tools.length === 0 ? {} : { toolConfig: { tools: request.tools.map(toBedrockTool) } }),
    ...(request.guardrail === undefined
      ? {}
      : {
          // Async: text streams as it comes and the guardrail checks it alongside; blocking per chunk
          // would add its latency to every sentence the caller waits for.
          guardrailConfig: { guardrailIdentifier: request.guardrail.id, guardrailVersion: request.guardrail.version, streamProcessingMode: 'async' },
        }),
  };
}

function toBedrockTool(tool: ModelRequest['tools'][number]): Tool {
  // The SDK types JSON documents loosely; a JSON Schema object is one.
  return { toolSpec: { name: tool.name, description: tool.description, inputSchema: { json: tool.inputSchema as Record<string, never> } } };
}

function toBedrockMessage(message: ModelMessage): Message {
  return { role: message.role, content: message.content.map(toBedrockContent) };
}

function toBedrockContent(content: ModelContent): ContentBlock {
  switch (content.type) {
    case 'text':
      return { text: content.text };
    case 'toolUse':
      return { toolUse: { toolUseId: content.toolUseId, name: content.name, input: content.input as Record<string, never> } };
    case 'toolResult':
      return {
        toolResult: {
          toolUseId: content.toolUseId,
          status: content.status,
          content: [content.json === undefined ? { text: content.text ?? '' } : { json: content.json as Record<string, never> }],
        },
      };
  }
}

/** The port events of one stream event (none for events the bot has no use for). */
export function fromStreamEvent(event: ConverseStreamOutput): ModelEvent[] {
  if (event.contentBlockStart?.start?.toolUse !== undefined) {
    const toolUse = event.contentBlockStart.start.toolUse;
    return [{ type: 'toolUseStart', index: event.contentBlockStart.contentBlockIndex ?? 0, toolUseId: toolUse.toolUseId ?? '', name: toolUse.name ?? '' }];
  }
  if (event.contentBlockDelta !== undefined) {
    const { delta, contentBlockIndex } = event.contentBlockDelta;
    if (delta?.text !== undefined) return delta.text === '' ? [] : [{ type: 'textDelta', text: delta.text }];
    if (delta?.toolUse?.input !== undefined) return [{ type: 'toolUseDelta', index: contentBlockIndex ?? 0, inputJson: delta.toolUse.input }];
    return [];
  }
  if (event.contentBlockStop !== undefined) return [{ type: 'toolUseStop', index: event.contentBlockStop.contentBlockIndex ?? 0 }];
  if (event.messageStop !== undefined) return [{ type: 'messageStop', stopReason: toStopReason(event.messageStop.stopReason) }];
  if (event.metadata?.usage !== undefined) {
    const usage = event.metadata.usage;
    return [{ type: 'usage', usage: { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 } }];
  }
  return [];
}

/** The exception an event carries in place of data (the SDK usually throws these itself). */
export function streamEventError(event: ConverseStreamOutput): { readonly name: string; readonly message: string } | undefined {
  const candidates = [
    ['ThrottlingException', event.throttlingException],
    ['ServiceUnavailableException', event.serviceUnavailableException],
    ['InternalServerException', event.internalServerException],
    ['ModelStreamErrorException', event.modelStreamErrorException],
    ['ValidationException', event.validationException],
  ] as const;
  for (const [name, value] of candidates) if (value !== undefined) return { name, message: value.message ?? name };
  return undefined;
}

function toStopReason(reason: StopReason | undefined): ModelStopReason {
  switch (reason) {
    case 'end_turn':
      return 'endTurn';
    case 'tool_use':
      return 'toolUse';
    case 'max_tokens':
      return 'maxTokens';
    case 'stop_sequence':
      return 'stopSequence';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'filtered';
    case 'malformed_model_output':
    case 'malformed_tool_use':
    case 'model_context_window_exceeded':
    case undefined:
      return 'other';
    default:
      // A stop reason newer than this SDK.
      return 'other';
  }
}
