import { isDeepStrictEqual } from 'node:util';
import type { ConversationState, SessionRecord } from './ports.js';

/** How long records are kept after their last write when nothing else is configured. */
export const DEFAULT_RETENTION_DAYS = 30;

const SECONDS_PER_DAY = 86_400;

/** Retention settings shared by every store implementation, so they expire records alike. */
export interface RetentionOptions {
  /** Days a record is kept after its last write (sliding). Whole days, at least 1. */
  readonly retentionDays: number;
}

/** Validates retention options (programmer errors throw). */
export function checkRetention(options: Partial<RetentionOptions>): RetentionOptions {
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError('retentionDays must be a whole number of at least 1');
  }
  return { retentionDays };
}

/** The TTL attribute value (epoch seconds, as DynamoDB TTL wants it) for a write at `epochMs`. */
export function expiresAtSeconds(epochMs: number, retention: RetentionOptions): number {
  return Math.floor(epochMs / 1_000) + retention.retentionDays * SECONDS_PER_DAY;
}

/**
 * Whether a record with this TTL value is gone at `epochMs`. DynamoDB deletes expired items only
 * eventually (days later), so reads must filter them themselves (aws-notes §4).
 */
export function isExpired(expiresAt: number, epochMs: number): boolean {
  return expiresAt < Math.floor(epochMs / 1_000);
}

/** The JSON image of a value: what survives a round trip through the store (no `undefined` fields). */
export function toPlainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Whether two records hold the same data (key order and absent-vs-undefined do not matter). Used to
 * make a retried write that already landed succeed instead of reporting a conflict with itself.
 */
export function sameRecord(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(toPlainJson(a), toPlainJson(b));
}

/** Rejects states no correct caller builds (programmer errors). */
export function assertWritableConversation(next: ConversationState): void {
  if (!Number.isInteger(next.version) || next.version < 1) {
    throw new RangeError('conversation version must be a whole number of at least 1');
  }
  if (next.conversationId === '') throw new RangeError('conversationId must not be empty');
}

/** Rejects session records no correct caller builds (programmer errors). */
export function assertWritableSession(record: SessionRecord): void {
  if (record.conversationId === '' || record.sessionId === '') {
    throw new RangeError('conversationId and sessionId must not be empty');
  }
}
