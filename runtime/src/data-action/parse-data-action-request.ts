import { z } from 'zod';
import { err, ok, type Result } from '../shared/result.js';
import { dataActionProblem, type DataActionProblem } from './data-action-errors.js';

/** Limits of a Data Action request (documented in docs/data-action.md). */
export const DATA_ACTION_LIMITS = Object.freeze({
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: 64 * 1024,
  /** Longest `message`, in UTF-16 code units: far above any spoken turn, far below a prompt flood. */
  maxMessageChars: 2_000,
  /** Longest `sender` (a Genesys conversation id is 36). */
  maxSenderChars: 128,
  maxVariables: 50,
  maxVariableNameChars: 64,
  maxVariableValueChars: 1_024,
});

/** A validated Data Action request: Rasa's REST channel `{sender, message}` plus our optional fields. */
export interface DataActionRequest {
  /** Conversation id: the Genesys conversation id, so the voice route and this route share state. */
  readonly sender: string;
  /** The caller's words; blank = no input (or, for a conversation not yet started, "greet me"). */
  readonly message: string;
  /** The bot (connector id); absent = the conversation's bot, else `default`. */
  readonly connectorId?: string;
  /** Input variables for the bot's templates, merged over the ones stored with the conversation. */
  readonly variables?: Readonly<Record<string, string>>;
  /** BCP 47 tag such as `en-US`; absent = the conversation's, else the bot's. */
  readonly language?: string;
}

// Genesys templates render an unset optional input as "", so an empty optional field means "absent".
const blankAsAbsent = (schema: z.ZodString) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
    .pipe(schema.optional());

const requestSchema = z.strictObject({
  sender: z
    .string()
    .min(1)
    .max(DATA_ACTION_LIMITS.maxSenderChars)
    // Control characters cannot come from Genesys and would end up in keys and logs.
    .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters'),
  message: z.string(),
  connectorId: blankAsAbsent(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _')),
  variables: z
    .record(
      z.string().min(1).max(DATA_ACTION_LIMITS.maxVariableNameChars),
      z.string().max(DATA_ACTION_LIMITS.maxVariableValueChars),
    )
    .refine((record) => Object.keys(record).length <= DATA_ACTION_LIMITS.maxVariables, `at most ${DATA_ACTION_LIMITS.maxVariables} variables`)
    .optional(),
  language: blankAsAbsent(z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en-US')),
  // Rasa clients may send metadata; it is accepted and ignored.
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const L = DATA_ACTION_LIMITS;

/** What each field must hold, for the 400 answer (written from the schema above, never from input). */
const EXPECTED: Readonly<Record<string, string>> = {
  sender: `a string of 1-${L.maxSenderChars} characters without control characters (use Call.ConversationId)`,
  message: 'a string: the caller\'s words, "" for no input',
  connectorId: 'a bot name: 1-64 letters, digits, - or _ (or "" for the conversation\'s bot)',
  variables: `an object of at most ${L.maxVariables} string values, names 1-${L.maxVariableNameChars} and values up to ${L.maxVariableValueChars} characters`,
  language: 'a language tag such as en-US (or "")',
  metadata: 'an object',
};
const KNOWN_FIELDS = `no such field; the fields are ${Object.keys(EXPECTED).join(', ')}`;

/**
 * Validates the parsed JSON body. Unknown fields are errors (a typo such as `mesage` must not pass
 * as an empty message). The message length is checked apart so it has its own code.
 */
export function parseDataActionRequest(json: unknown): Result<DataActionRequest, DataActionProblem> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return err(dataActionProblem('ERR_DATA_ACTION_INVALID_JSON', 'body is not a JSON object'));
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const segments = issue?.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : (issue?.path ?? []);
    const path = segments.length === 0 ? undefined : segments.map(String).join('.');
    const field = String(segments[0] ?? '');
    const expected = issue?.code === 'unrecognized_keys' ? KNOWN_FIELDS : EXPECTED[field];
    return err(dataActionProblem('ERR_DATA_ACTION_INVALID_REQUEST', issue?.message, path, expected));
  }
  const { sender, message, connectorId, variables, language } = parsed.data;
  if (message.length > DATA_ACTION_LIMITS.maxMessageChars) {
    return err(
      dataActionProblem('ERR_DATA_ACTION_MESSAGE_TOO_LONG', `${message.length} characters`, 'message', `at most ${L.maxMessageChars} characters`),
    );
  }
  return ok({
    sender,
    message,
    ...(connectorId === undefined ? {} : { connectorId }),
    ...(variables === undefined ? {} : { variables }),
    ...(language === undefined ? {} : { language }),
  });
}
