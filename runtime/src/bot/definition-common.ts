import { z } from 'zod';
import type { BotVoiceSettings } from './ports.js';

/** A BCP 47-style language tag as Genesys and Polly use them, e.g. `en-US`. */
export const languageTagSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en-US');

/**
 * An output variable or slot name. Architect maps output variables by name, and templates refer to
 * slots by name, so both keep to identifier characters.
 */
export const variableNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be letters, digits and _ (not starting with a digit), at most 64');

/** Defaults shared by every bot type (docs/bots.md, "Common fields"). */
export const COMMON_DEFAULTS = {
  language: 'en-US',
  noInputTimeoutMs: 6_000,
  maxCallDurationMs: 600_000,
} as const;

/** Fields every bot definition may carry, whatever its `type`. */
export const commonDefinitionFields = {
  /** Free text for people reading the file. */
  description: z.string().optional(),
  language: languageTagSchema.default(COMMON_DEFAULTS.language),
  /** Polly voice per language; a language not listed uses the synthesizer's default voice. */
  voices: z.record(languageTagSchema, z.string().min(1)).default({}),
  noInputTimeoutMs: z.number().int().min(1_000).max(60_000).default(COMMON_DEFAULTS.noInputTimeoutMs),
  // Four hours: far beyond any bot conversation, yet a cap so a stuck call cannot live forever.
  maxCallDurationMs: z.number().int().min(10_000).max(14_400_000).default(COMMON_DEFAULTS.maxCallDurationMs),
  /** Record this connector's calls (WAV + JSON sidecar; personal data, so off unless asked for). */
  record: z.boolean().default(false),
};

/** The parsed common fields, as every bot type's definition has them. */
export interface CommonDefinition {
  readonly description?: string | undefined;
  readonly language: string;
  readonly voices: Readonly<Record<string, string>>;
  readonly noInputTimeoutMs: number;
  readonly maxCallDurationMs: number;
  readonly record: boolean;
}

/** The speech settings a {@link Bot} exposes, taken from a parsed definition. */
export function toVoiceSettings(definition: CommonDefinition): BotVoiceSettings {
  return Object.freeze({
    language: definition.language,
    voices: Object.freeze({ ...definition.voices }),
    noInputTimeoutMs: definition.noInputTimeoutMs,
    maxCallDurationMs: definition.maxCallDurationMs,
    record: definition.record,
  });
}
