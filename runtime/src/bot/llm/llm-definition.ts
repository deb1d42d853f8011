import { z } from 'zod';
import { BOT_OUTCOMES, OUTPUT_VARIABLES } from '../bot-outcome.js';
import { commonDefinitionFields, variableNameSchema } from '../definition-common.js';
import { findTemplateProblem } from '../flow/template.js';

/** A prompt or value with `{{name}}` / `{{name|fallback}}` placeholders, checked at load. */
const templateSchema = z.string().superRefine((value, ctx) => {
  const problem = findTemplateProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A Bedrock model id (`anthropic.claude-3-5-haiku-20241022-v1:0`), a cross-Region inference profile
 * id (`us.anthropic.…`, `eu.…`, `global.…`) or the ARN of either (also application inference profiles).
 */
export const MODEL_ID = /^(arn:aws[a-z-]*:bedrock:[a-z0-9-]+:(\d{12})?:(foundation-model|inference-profile|application-inference-profile)\/[A-Za-z0-9.:_-]{1,200}|[a-z0-9-]{1,32}(\.[A-Za-z0-9_:-]{1,100}){1,3})$/;

/** A guardrail id (`abc123xyz`) or its ARN. */
export const GUARDRAIL_ID = /^(arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:guardrail\/[a-z0-9]{1,64}|[a-z0-9]{1,64})$/;

/** Tool names as Bedrock and the models accept them. */
const toolNameSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, 'must be a letter, then letters, digits, _ or -, at most 64');

/** A JSON Schema of an object: what the model must pass as the tool's arguments. */
const inputSchemaSchema = z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
  if (schema.type !== 'object') {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON Schema with "type": "object"', path: ['type'] });
    return;
  }
  try {
    z.fromJSONSchema(schema);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a usable JSON Schema (${error instanceof Error ? error.message : String(error)})` });
  }
});

const toolCommon = {
  name: toolNameSchema,
  /** What the model reads to decide when to call the tool. */
  description: z.string().min(1).max(2_000),
  input: inputSchemaSchema.default({ type: 'object', properties: {} }),
};

/** Output variables of an ending tool: `botOutcome` is a fixed outcome, others may use `{{argument}}`. */
const endOutputVariablesSchema = z.record(variableNameSchema, templateSchema).superRefine((variables, ctx) => {
  const outcome = variables[OUTPUT_VARIABLES.botOutcome];
  if (outcome !== undefined && !(BOT_OUTCOMES as readonly string[]).includes(outcome)) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${BOT_OUTCOMES.join(', ')}`, path: [OUTPUT_VARIABLES.botOutcome] });
  }
});

/** A tool that ends the call: its validated arguments fill the output variables Architect routes on. */
const endToolSchema = z.strictObject({
  ...toolCommon,
  kind: z.literal('end'),
  outputVariables: endOutputVariablesSchema,
  /** Said before hand-back when the model itself says nothing along with the call. */
  prompt: templateSchema.min(1).optional(),
});

/** Defaults of a data tool's webhook and failure handling. */
export const DATA_TOOL_DEFAULTS = {
  timeoutMs: 3_000,
  retries: 0,
  retryBackoffMs: 200,
  maxResultChars: 4_000,
  onFailure: 'The lookup failed. Tell the caller you cannot check this right now and offer another way to help.',
} as const;

/** A tool the model calls for data: an HTTP POST to a webhook; the JSON answer goes back to the model. */
const dataToolSchema = z.strictObject({
  ...toolCommon,
  kind: z.literal('data'),
  webhook: z.strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** Sent with every request, e.g. an Authorization token. Never logged. */
    headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'), z.string()).default({}),
    timeoutMs: z.number().int().min(100).max(15_000).default(DATA_TOOL_DEFAULTS.timeoutMs),
    retries: z.number().int().min(0).max(2).default(DATA_TOOL_DEFAULTS.retries),
    retryBackoffMs: z.number().int().min(0).max(2_000).default(DATA_TOOL_DEFAULTS.retryBackoffMs),
  }),
  /** What the model is told when the webhook fails, times out or answers too much. */
  onFailure: z.string().min(1).max(1_000).default(DATA_TOOL_DEFAULTS.onFailure),
  /** A longer JSON answer is not given to the model (it would crowd out the conversation). */
  maxResultChars: z.number().int().min(100).max(20_000).default(DATA_TOOL_DEFAULTS.maxResultChars),
});

const toolSchema = z.discriminatedUnion('kind', [endToolSchema, dataToolSchema], { error: 'kind must be "end" or "data"' });

/** Defaults of the LLM bot (docs/bots.md, "llm"). */
export const LLM_DEFAULTS = {
  temperature: 0.3,
  maxTokens: 400,
  maxTurns: 30,
  maxToolRoundsPerTurn: 3,
  historyTokenBudget: 4_000,
  modelTimeouts: { firstEventMs: 4_000, idleMs: 5_000, retryDeadlineMs: 6_000 },
  fallbackPrompt: "I'm sorry, I can't help with that right now. Let me pass you on.",
} as const;

/** The definition of an LLM voice agent on Amazon Bedrock (`"type": "llm"`); see docs/bots.md. */
export const llmDefinitionSchema = z
  .strictObject({
    type: z.literal('llm'),
    ...commonDefinitionFields,
    modelId: z.string().regex(MODEL_ID, 'must be a Bedrock model id, inference profile id or ARN'),
    guardrail: z
      .strictObject({
        id: z.string().regex(GUARDRAIL_ID, 'must be a guardrail id or ARN'),
        version: z.string().regex(/^(DRAFT|[1-9][0-9]{0,7})$/, 'must be DRAFT or a version number'),
      })
      .optional(),
    /** Instructions; `{{name}}` from input variables, `{{config.key}}` and `{{language}}`. */
    systemPrompt: templateSchema.min(1).max(20_000),
    /** Values the system prompt refers to as `{{config.key}}`. */
    config: z.record(variableNameSchema, z.string().max(2_000)).default({}),
    /** Said when the call starts, without asking the model (instant). Absent: the model greets. */
    greeting: templateSchema.min(1).optional(),
    temperature: z.number().min(0).max(1).default(LLM_DEFAULTS.temperature),
    /** Most tokens in one model answer. */
    maxTokens: z.number().int().min(16).max(4_096).default(LLM_DEFAULTS.maxTokens),
    /** Caller turns before the call is handed back with botOutcome=fallback, fallbackReason=maxTurns. */
    maxTurns: z.number().int().min(1).max(200).default(LLM_DEFAULTS.maxTurns),
    /** Tool calls in a row within one caller turn before the loop guard hands the call back. */
    maxToolRoundsPerTurn: z.number().int().min(1).max(10).default(LLM_DEFAULTS.maxToolRoundsPerTurn),
    /** Estimated tokens of history sent to the model; oldest turns are dropped beyond it. */
    historyTokenBudget: z.number().int().min(500).max(50_000).default(LLM_DEFAULTS.historyTokenBudget),
    modelTimeouts: z
      .strictObject({
        firstEventMs: z.number().int().min(500).max(30_000),
        idleMs: z.number().int().min(500).max(30_000),
        retryDeadlineMs: z.number().int().min(0).max(30_000),
      })
      .default(LLM_DEFAULTS.modelTimeouts),
    /** Said when the bot gives up (max turns, tool loop, max duration) before handing back. */
    fallbackPrompt: templateSchema.min(1).default(LLM_DEFAULTS.fallbackPrompt),
    tools: z.array(toolSchema).max(32).default([]),
  })
  .superRefine((definition, ctx) => {
    const names = new Set<string>();
    definition.tools.forEach((tool, index) => {
      if (names.has(tool.name)) ctx.addIssue({ code: 'custom', message: 'duplicate tool name', path: ['tools', index, 'name'] });
      names.add(tool.name);
      if (tool.kind !== 'end') return;
      const properties = tool.input.properties;
      const argumentNames = new Set(typeof properties === 'object' && properties !== null ? Object.keys(properties) : []);
      for (const [variable, template] of Object.entries(tool.outputVariables)) {
        for (const placeholder of placeholders(template)) {
          if (!argumentNames.has(placeholder)) {
            ctx.addIssue({ code: 'custom', message: `{{${placeholder}}} names no property of input`, path: ['tools', index, 'outputVariables', variable] });
          }
        }
      }
    });
  });

/** A parsed, defaulted LLM bot definition. */
export type LlmDefinition = z.infer<typeof llmDefinitionSchema>;
/** One tool of an {@link LlmDefinition}. */
export type LlmTool = LlmDefinition['tools'][number];
/** An ending tool. */
export type LlmEndTool = Extract<LlmTool, { kind: 'end' }>;
/** A data tool. */
export type LlmDataTool = Extract<LlmTool, { kind: 'data' }>;

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)/g)].map((match) => match[1]!);
}
