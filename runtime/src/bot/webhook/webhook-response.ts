import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { BOT_ERROR_CODES } from '../bot-error-codes.js';
import { BOT_OUTCOMES, withBotOutcome } from '../bot-outcome.js';
import { variableNameSchema } from '../definition-common.js';
import type { BotAction } from '../ports.js';

/**
 * Our convention inside Rasa's `custom` payload (docs/bots.md). Keys we do not know are ignored,
 * so a remote bot can carry payloads for other channels in the same object.
 */
const customSchema = z.looseObject({
  /** End the call after this answer's prompts have played. */
  end: z.boolean().optional(),
  /** Merged into the Architect output variables; numbers and booleans are sent as strings. */
  outputVariables: z.record(variableNameSchema, z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Expect keyed digits for the next input. */
  collectDigits: z
    .strictObject({
      maxDigits: z.number().int().min(1).max(64),
      terminator: z.enum(['#', '*']).optional(),
      interDigitTimeoutMs: z.number().int().min(500).max(30_000).default(3_000),
    })
    .optional(),
  /** `false`: the text of this message plays through even if the caller talks. */
  interruptible: z.boolean().optional(),
});

/** Rasa's REST channel answer: messages in order, each with optional text and custom payload. */
const responseSchema = z
  .array(
    z.looseObject({
      recipient_id: z.string().optional(),
      text: z.string().optional(),
      custom: customSchema.optional(),
    }),
  )
  .max(50);

/**
 * Turns a webhook answer into bot actions: each `text` becomes a `say`, `custom.collectDigits` a
 * `collectDigits`, and output variables are merged in order. When any message asks to end, the
 * turn ends with one `end` carrying all of this answer's output variables plus `botOutcome`
 * (`transfer` when they name a `transferTo`, else `completed`, unless the bot set it); otherwise
 * they travel in a `setOutputVariables`. Throws an `invalidRequest` AppError for a body that breaks
 * the contract.
 */
export function toBotActions(body: unknown): BotAction[] {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined || first.path.length === 0 ? '' : ` at ${first.path.join('.')}`;
    throw new AppError(BOT_ERROR_CODES.invalidResponse, `webhook bot answer breaks the contract${where}`, {
      category: 'invalidRequest',
      cause: parsed.error,
    });
  }
  const actions: BotAction[] = [];
  const variables: Record<string, string> = {};
  let end = false;
  for (const message of parsed.data) {
    const custom = message.custom;
    const text = message.text?.trim();
    if (text !== undefined && text !== '') {
      actions.push(custom?.interruptible === undefined ? { type: 'say', text } : { type: 'say', text, interruptible: custom.interruptible });
    }
    if (custom?.collectDigits !== undefined) {
      const { maxDigits, terminator, interDigitTimeoutMs } = custom.collectDigits;
      actions.push({ type: 'collectDigits', maxDigits, interDigitTimeoutMs, ...(terminator === undefined ? {} : { terminator }) });
    }
    for (const [name, value] of Object.entries(custom?.outputVariables ?? {})) variables[name] = String(value);
    end ||= custom?.end === true;
  }
  const outcome = variables.botOutcome;
  if (outcome !== undefined && !(BOT_OUTCOMES as readonly string[]).includes(outcome)) {
    throw new AppError(BOT_ERROR_CODES.invalidResponse, 'webhook bot set an unknown botOutcome', { category: 'invalidRequest' });
  }
  if (end) actions.push({ type: 'end', outputVariables: withBotOutcome(variables) });
  else if (Object.keys(variables).length > 0) actions.push({ type: 'setOutputVariables', variables });
  return actions;
}
