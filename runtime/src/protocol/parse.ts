import type { z } from 'zod';
import { problem, type Problem } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import { MAX_TEXT_MESSAGE_CHARS } from './constants.js';
import {
  clientEnvelopeSchema,
  clientParameterSchemas,
  isKnownClientMessageType,
  type ClientMessage,
  type UnknownClientMessage,
} from './messages.js';

export type ParsedClientMessage = ClientMessage | UnknownClientMessage;

/**
 * Parses one inbound text frame into a validated client message. The only place JSON from the
 * client is read: everything past this point works on typed messages.
 */
export function parseClientMessage(text: string): Result<ParsedClientMessage, Problem> {
  if (text.length > MAX_TEXT_MESSAGE_CHARS) {
    return err(problem('ERR_PROTOCOL_MESSAGE_TOO_LARGE', `${text.length} characters`));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err(problem('ERR_PROTOCOL_INVALID_JSON'));
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return err(problem('ERR_PROTOCOL_INVALID_JSON', 'not an object'));
  }
  const envelope = clientEnvelopeSchema.safeParse(json);
  if (!envelope.success) return err(toProblem(envelope.error));

  const { type } = envelope.data;
  if (!isKnownClientMessageType(type)) return ok({ ...envelope.data, unknown: true });

  const parameters = clientParameterSchemas[type].safeParse(envelope.data.parameters);
  if (!parameters.success) return err(toProblem(parameters.error, 'parameters'));
  return ok({ ...envelope.data, type, parameters: parameters.data } as ClientMessage);
}

function toProblem(error: z.ZodError, prefix?: string): Problem {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter((p) => p !== undefined).join('.');
  return problem('ERR_PROTOCOL_INVALID_MESSAGE', issue?.message, path || undefined);
}
