import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import type { ConversationState, SessionRecord } from './ports.js';
import { toSafeDocument } from './safe-document.js';
import { STORE_ERROR_CODES } from './store-errors.js';

/**
 * The single-table item design of the session table (string keys `pk`/`sk`, TTL `expiresAt`):
 *
 * | Item | pk | sk |
 * |---|---|---|
 * | conversation state | `CONV#<conversationId>` | `STATE` |
 * | one voice session | `CONV#<conversationId>` | `SESSION#<sessionId>` |
 *
 * One partition per conversation, so one Query returns the state and all its sessions. Domain
 * fields are stored under their own names next to `entity` and `expiresAt` (epoch seconds); maps
 * whose keys callers choose go through {@link toSafeDocument}.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

/** The table's key of one item. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** One string per item key (of an item or a key as DynamoDB returns it), for maps of pending requests. */
export const itemId = (pk: unknown, sk: unknown): string => `${String(pk)}\u0000${String(sk)}`;

const CONVERSATION_PREFIX = 'CONV#';
export const STATE_SORT_KEY = 'STATE';
export const SESSION_SORT_PREFIX = 'SESSION#';

/** Key of a conversation's state item. */
export function conversationKey(conversationId: string): ItemKey {
  return { pk: `${CONVERSATION_PREFIX}${conversationId}`, sk: STATE_SORT_KEY };
}

/** Key of one voice session's item. */
export function sessionKey(conversationId: string, sessionId: string): ItemKey {
  return { pk: `${CONVERSATION_PREFIX}${conversationId}`, sk: `${SESSION_SORT_PREFIX}${sessionId}` };
}

/** Partition key of everything that belongs to a conversation. */
export function conversationPartition(conversationId: string): string {
  return `${CONVERSATION_PREFIX}${conversationId}`;
}

const stringRecord = z.record(z.string(), z.string());

const conversationItemSchema = z.object({
  entity: z.literal('conversation'),
  expiresAt: z.number(),
  conversationId: z.string(),
  connectorId: z.string(),
  organizationId: z.string().optional(),
  language: z.string(),
  inputVariables: stringRecord,
  botState: z.record(z.string(), z.unknown()),
  outputVariables: stringRecord,
  turnCount: z.number().int().min(0),
  ended: z.boolean(),
  version: z.number().int().min(1),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
});

const sessionItemSchema = z.object({
  entity: z.literal('session'),
  expiresAt: z.number(),
  conversationId: z.string(),
  sessionId: z.string(),
  connectorId: z.string(),
  organizationId: z.string(),
  participant: z.object({ ani: z.string().optional(), aniName: z.string().optional(), dnis: z.string().optional() }),
  inputVariables: stringRecord,
  language: z.string(),
  outputVariables: stringRecord,
  turnCount: z.number().int().min(0),
  outcome: z.enum(['active', 'completed', 'callerHungUp', 'error']),
  startedAtMs: z.number(),
  endedAtMs: z.number().optional(),
});

/** The stored item of a conversation state. */
export function toConversationItem(state: ConversationState, expiresAt: number): Record<string, unknown> {
  return {
    ...conversationKey(state.conversationId),
    entity: 'conversation',
    ...state,
    inputVariables: toSafeDocument(state.inputVariables),
    botState: toSafeDocument(state.botState),
    outputVariables: toSafeDocument(state.outputVariables),
    [TTL_ATTRIBUTE]: expiresAt,
  };
}

/** The stored item of a session record. */
export function toSessionItem(record: SessionRecord, expiresAt: number): Record<string, unknown> {
  return {
    ...sessionKey(record.conversationId, record.sessionId),
    entity: 'session',
    ...record,
    inputVariables: toSafeDocument(record.inputVariables),
    outputVariables: toSafeDocument(record.outputVariables),
    [TTL_ATTRIBUTE]: expiresAt,
  };
}

/** Reads a conversation item back; a malformed item is an internal store failure, never a silent default. */
export function fromConversationItem(item: Record<string, unknown>): { state: ConversationState; expiresAt: number } {
  const parsed = conversationItemSchema.safeParse(item);
  if (!parsed.success) throw malformed('conversation', parsed.error);
  const { entity: _entity, expiresAt, organizationId, ...rest } = parsed.data;
  return { state: { ...rest, ...(organizationId === undefined ? {} : { organizationId }) }, expiresAt };
}

/** Reads a session item back (see {@link fromConversationItem}). */
export function fromSessionItem(item: Record<string, unknown>): { record: SessionRecord; expiresAt: number } {
  const parsed = sessionItemSchema.safeParse(item);
  if (!parsed.success) throw malformed('session', parsed.error);
  const { entity: _entity, expiresAt, ...record } = parsed.data;
  return { record, expiresAt };
}

function malformed(entity: string, cause: unknown): AppError {
  return new AppError(STORE_ERROR_CODES.internal, `stored ${entity} item does not match its schema`, { category: 'internal', cause });
}
