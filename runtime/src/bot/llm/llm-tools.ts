import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { ModelContent, ModelToolSpec } from '../../model/ports.js';
import { withBotOutcome, type BotOutcome } from '../bot-outcome.js';
import { renderPrompt, renderTemplate } from '../flow/template.js';
import type { BotContext } from '../ports.js';
import { createWebhookClient, type WebhookClient } from '../webhook/webhook-client.js';
import type { LlmDataTool, LlmEndTool, LlmTool } from './llm-definition.js';

/** What data tools need from their surroundings. */
export interface LlmToolDeps {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
}

/** A tool call the model made, arguments parsed. */
export interface ToolCall {
  readonly toolUseId: string;
  readonly name: string;
  readonly input: unknown;
}

/** How the call ends when an ending tool is called with valid arguments. */
export interface ToolEnding {
  readonly outputVariables: Readonly<Record<string, string>>;
  /** The tool's own prompt, rendered, when it has one. */
  readonly prompt?: string;
}

/** The outcome of one tool call: a result for the model, and (ending tools) the ending. */
export interface ToolOutcome {
  readonly result: Extract<ModelContent, { type: 'toolResult' }>;
  readonly ending?: ToolEnding;
}

/** The tools of one bot, compiled once: schemas for the model, validators, webhook clients. */
export interface LlmToolbox {
  readonly specs: readonly ModelToolSpec[];
  /** Runs one call. Never rejects for a tool's own failure (that becomes an error result); rejects when aborted. */
  run(call: ToolCall, context: BotContext, signal: AbortSignal): Promise<ToolOutcome>;
}

/** Longest output variable value an ending tool hands to Architect. */
export const MAX_OUTPUT_VARIABLE_CHARS = 1_000;

interface CompiledTool {
  readonly tool: LlmTool;
  readonly validate: z.ZodType;
  readonly client?: WebhookClient;
}

/** Compiles a bot's tools. */
export function createToolbox(tools: readonly LlmTool[], deps: LlmToolDeps): LlmToolbox {
  const compiled = new Map<string, CompiledTool>();
  for (const tool of tools) {
    const validate = z.fromJSONSchema(tool.input);
    const client = tool.kind === 'data' ? createWebhookClient(tool.webhook, deps) : undefined;
    compiled.set(tool.name, { tool, validate, ...(client === undefined ? {} : { client }) });
  }
  return {
    specs: tools.map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.input })),
    async run(call, context, signal) {
      const entry = compiled.get(call.name);
      if (entry === undefined) return { result: failure(call, `There is no tool named ${call.name}.`) };
      const parsed = entry.validate.safeParse(call.input);
      if (!parsed.success) {
        const where = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`).join('; ');
        return { result: failure(call, `Invalid arguments, not executed (${where}). Call it again with arguments that match its schema.`) };
      }
      if (entry.tool.kind === 'end') return endCall(entry.tool, call, parsed.data, context);
      return callDataTool(entry.tool, entry.client!, call, parsed.data, context, signal);
    },
  };
}

function endCall(tool: LlmEndTool, call: ToolCall, args: unknown, context: BotContext): ToolOutcome {
  const values = toStrings(args);
  const variables: Record<string, string> = {};
  // Architect takes short strings; a model that writes an essay into an argument is cut, not refused.
  for (const [name, template] of Object.entries(tool.outputVariables)) variables[name] = renderTemplate(template, values).trim().slice(0, MAX_OUTPUT_VARIABLE_CHARS);
  const outcome = variables.botOutcome as BotOutcome | undefined;
  const ending: ToolEnding = {
    outputVariables: withBotOutcome(variables, outcome),
    ...(tool.prompt === undefined ? {} : { prompt: renderPrompt(tool.prompt, { ...context.inputVariables, ...values }) }),
  };
  return { result: { type: 'toolResult', toolUseId: call.toolUseId, status: 'success', json: { ok: true } }, ending };
}

/** The JSON body a data tool's webhook receives. */
export interface DataToolRequest {
  readonly tool: string;
  readonly input: unknown;
  readonly conversationId: string;
  readonly connectorId: string;
  readonly language: string;
  readonly inputVariables: Readonly<Record<string, string>>;
}

async function callDataTool(
  tool: LlmDataTool,
  client: WebhookClient,
  call: ToolCall,
  args: unknown,
  context: BotContext,
  signal: AbortSignal,
): Promise<ToolOutcome> {
  const request: DataToolRequest = {
    tool: tool.name,
    input: args,
    conversationId: context.conversationId,
    connectorId: context.connectorId,
    language: context.language,
    inputVariables: context.inputVariables,
  };
  let body: unknown;
  try {
    body = await client.post(request, signal);
  } catch (error) {
    if (signal.aborted || !(error instanceof AppError)) throw error;
    return { result: failure(call, tool.onFailure) };
  }
  const json = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : { result: body };
  if (JSON.stringify(json).length > tool.maxResultChars) return { result: failure(call, tool.onFailure) };
  return { result: { type: 'toolResult', toolUseId: call.toolUseId, status: 'success', json } };
}

function failure(call: ToolCall, text: string): Extract<ModelContent, { type: 'toolResult' }> {
  return { type: 'toolResult', toolUseId: call.toolUseId, status: 'error', text };
}

/** Validated arguments as template values: strings as they are, anything else as JSON. */
function toStrings(args: unknown): Record<string, string> {
  if (args === null || typeof args !== 'object') return {};
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    values[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return values;
}
