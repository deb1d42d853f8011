import { z } from 'zod';
import { commonDefinitionFields } from '../definition-common.js';

/** RFC 9110 token characters: what a header field name may contain. */
const headerNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name');

/** Defaults of the webhook bot's request behaviour (docs/bots.md). */
export const WEBHOOK_DEFAULTS = {
  timeoutMs: 4_000,
  retries: 1,
  retryBackoffMs: 200,
  startMessage: '/greet',
  noInputMessage: '/no_input',
} as const;

/**
 * The definition of a bot behind an HTTP endpoint that speaks the Rasa REST channel contract
 * (`"type": "webhook"`); see docs/bots.md for the request, the response and the `custom` convention.
 */
export const webhookDefinitionSchema = z.strictObject({
  type: z.literal('webhook'),
  ...commonDefinitionFields,
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Sent with every request, e.g. an Authorization token. Never logged. */
  headers: z.record(headerNameSchema, z.string()).default({}),
  /** Per attempt, from sending the request to the last byte of the answer. */
  timeoutMs: z.number().int().min(100).max(30_000).default(WEBHOOK_DEFAULTS.timeoutMs),
  /** Further attempts after a network error, a 5xx or a 429 (not after a timeout). */
  retries: z.number().int().min(0).max(3).default(WEBHOOK_DEFAULTS.retries),
  /** Wait before the first retry; doubles for each further one. */
  retryBackoffMs: z.number().int().min(0).max(5_000).default(WEBHOOK_DEFAULTS.retryBackoffMs),
  /** The message sent when the call starts (Rasa's convention: an intent trigger). */
  startMessage: z.string().min(1).default(WEBHOOK_DEFAULTS.startMessage),
  /** The message sent when the caller stays silent. */
  noInputMessage: z.string().min(1).default(WEBHOOK_DEFAULTS.noInputMessage),
});

/** A parsed, defaulted webhook bot definition. */
export type WebhookDefinition = z.infer<typeof webhookDefinitionSchema>;
