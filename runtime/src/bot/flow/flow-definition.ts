import { z } from 'zod';
import { commonDefinitionFields, variableNameSchema } from '../definition-common.js';
import { OUTPUT_VARIABLES } from '../bot-outcome.js';
import { findTemplateProblem } from './template.js';
import { toWords } from './words.js';

/** A prompt or variable value that may hold `{{name}}` / `{{name|fallback}}` placeholders. */
const templateSchema = z.string().superRefine((value, ctx) => {
  const problem = findTemplateProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** One prompt, or a list used in turn (the second reprompt says the second entry, and so on). */
const promptsSchema = z
  .union([templateSchema.min(1), z.array(templateSchema.min(1)).min(1)])
  .transform((value) => (typeof value === 'string' ? [value] : value));

/** Output variables set by the bot: `botOutcome` is the bot's own and cannot be authored. */
const outputVariablesSchema = z
  .record(variableNameSchema, templateSchema)
  .refine((variables) => !Object.hasOwn(variables, OUTPUT_VARIABLES.botOutcome), {
    message: 'botOutcome is set by the bot itself (use outcome on the intent)',
  });

const slotCommon = {
  name: variableNameSchema,
  prompt: templateSchema.min(1),
  /** Said after an answer that does not fit; defaults to the slot's prompt. */
  noMatch: promptsSchema.optional(),
  /** Said after silence; defaults to the slot's prompt. */
  noInput: promptsSchema.optional(),
};

const digitsSlotSchema = z
  .strictObject({
    ...slotCommon,
    type: z.literal('digits'),
    minDigits: z.number().int().min(1).max(64).default(1),
    maxDigits: z.number().int().min(1).max(64).default(16),
    terminator: z.enum(['#', '*']).default('#'),
    interDigitTimeoutMs: z.number().int().min(500).max(30_000).default(3_000),
  })
  .refine((slot) => slot.minDigits <= slot.maxDigits, {
    message: 'minDigits must not exceed maxDigits',
    path: ['minDigits'],
  });

const textSlotSchema = z.strictObject({ ...slotCommon, type: z.literal('text') });

const slotSchema = z.discriminatedUnion('type', [digitsSlotSchema, textSlotSchema], {
  error: 'type must be "digits" or "text"',
});

const phraseSchema = z.string().refine((phrase) => toWords(phrase).length > 0, { message: 'must contain a word' });

const intentSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, - and _, at most 64'),
    phrases: z.array(phraseSchema).default([]),
    keys: z.array(z.string().regex(/^[0-9*#]{1,8}$/, 'must be DTMF keys (0-9, *, #)')).default([]),
    /** Said when the intent is recognised (before any slot). */
    prompt: templateSchema.min(1).optional(),
    slots: z.array(slotSchema).default([]),
    /** Said once every slot is captured, e.g. a confirmation with `{{accountNumber}}`. */
    donePrompt: templateSchema.min(1).optional(),
    outputVariables: outputVariablesSchema.default({}),
    /** Defaults to `transfer` when the output variables name a `transferTo`, else `completed`. */
    outcome: z.enum(['completed', 'transfer']).optional(),
    /** Also recognised by phrase while a slot is being collected (an escape such as "agent"). */
    global: z.boolean().default(false),
    /** `false`: set the output variables, ask `followUp` and listen for another intent. */
    end: z.boolean().default(true),
  })
  .superRefine((intent, ctx) => {
    if (intent.phrases.length === 0 && intent.keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'needs at least one phrase or key', path: ['phrases'] });
    }
    const seen = new Set<string>();
    intent.slots.forEach((slot, index) => {
      if (seen.has(slot.name)) ctx.addIssue({ code: 'custom', message: 'duplicate slot name', path: ['slots', index, 'name'] });
      seen.add(slot.name);
    });
  });

/** The definition of a built-in declarative bot (`"type": "flow"`); see docs/bots.md. */
export const flowDefinitionSchema = z
  .strictObject({
    type: z.literal('flow'),
    ...commonDefinitionFields,
    /** Said when the call starts: the welcome and the menu question. */
    greeting: templateSchema.min(1),
    intents: z.array(intentSchema).min(1),
    /** An intent entered right after the greeting, for bots that ask for something at once (a form). */
    startIntent: z.string().optional(),
    noMatch: promptsSchema,
    noInput: promptsSchema,
    /** Reprompts before giving up: `2` = two reprompts, the third miss ends with the fallback. */
    maxNoMatch: z.number().int().min(0).max(10).default(2),
    maxNoInput: z.number().int().min(0).max(10).default(2),
    /** Asked after an intent with `end: false`. Required when there is one. */
    followUp: templateSchema.min(1).optional(),
    /** Transcripts below this recognizer confidence count as a no-match (0 accepts everything). */
    minConfidence: z.number().min(0).max(1).default(0),
    fallback: z
      .strictObject({
        /** Said before the bot gives up. */
        prompt: templateSchema.min(1).optional(),
        outputVariables: outputVariablesSchema.default({ [OUTPUT_VARIABLES.intent]: 'fallback' }),
      })
      .default({ outputVariables: { [OUTPUT_VARIABLES.intent]: 'fallback' } }),
  })
  .superRefine((flow, ctx) => {
    const names = new Set<string>();
    const keys = new Map<string, string>();
    flow.intents.forEach((intent, index) => {
      if (names.has(intent.name)) ctx.addIssue({ code: 'custom', message: 'duplicate intent name', path: ['intents', index, 'name'] });
      names.add(intent.name);
      intent.keys.forEach((key, keyIndex) => {
        const owner = keys.get(key);
        if (owner !== undefined) {
          ctx.addIssue({ code: 'custom', message: `key already used by intent ${owner}`, path: ['intents', index, 'keys', keyIndex] });
        }
        keys.set(key, intent.name);
      });
    });
    if (flow.startIntent !== undefined && !names.has(flow.startIntent)) {
      ctx.addIssue({ code: 'custom', message: 'names no intent', path: ['startIntent'] });
    }
    if (flow.followUp === undefined && flow.intents.some((intent) => !intent.end)) {
      ctx.addIssue({ code: 'custom', message: 'an intent with end: false needs a followUp prompt', path: ['followUp'] });
    }
  });

/** A parsed, defaulted flow bot definition. */
export type FlowDefinition = z.infer<typeof flowDefinitionSchema>;
/** One intent of a {@link FlowDefinition}. */
export type FlowIntent = FlowDefinition['intents'][number];
/** One slot of a {@link FlowIntent}. */
export type FlowSlot = FlowIntent['slots'][number];
