import type { Clock } from '../shared/clock.js';
import type { ConversationState, SessionRecord, SessionStore, TranscriptEntry } from './ports.js';
import { storeConflict } from './store-errors.js';
import {
  assertWritableConversation,
  assertWritableSession,
  checkRetention,
  expiresAtSeconds,
  isExpired,
  sameRecord,
  toPlainJson,
  type RetentionOptions,
} from './store-records.js';
import { assertWritableTranscript, fitTranscriptEntry } from './transcript-items.js';

/** Options of {@link createMemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** Wall-clock time for expiry, as in the DynamoDB adapter. */
  readonly clock: Clock;
  /** Days a record is kept after its last write. Default 30. */
  readonly retentionDays?: number;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * A {@link SessionStore} in process memory with the DynamoDB adapter's semantics (conditional
 * create, versioned writes, idempotent retries, expiry), for unit tests and tools. Values are
 * copied in and out as JSON, so callers can never alias stored state.
 */
export function createMemorySessionStore(options: MemorySessionStoreOptions): SessionStore {
  const { clock } = options;
  const retention: RetentionOptions = checkRetention(options);
  const conversations = new Map<string, Entry<ConversationState>>();
  /** conversationId → sessionId → entry, mirroring the DynamoDB partition. */
  const sessions = new Map<string, Map<string, Entry<SessionRecord>>>();
  /** conversationId → seq → entry: the transcript items, fitted to an item as the DynamoDB adapter stores them. */
  const transcripts = new Map<string, Map<number, Entry<TranscriptEntry>>>();

  const live = <T>(entry: Entry<T> | undefined): T | undefined =>
    entry === undefined || isExpired(entry.expiresAt, clock.epochMs()) ? undefined : toPlainJson(entry.value);
  const entry = <T>(value: T): Entry<T> => ({ value: toPlainJson(value), expiresAt: expiresAtSeconds(clock.epochMs(), retention) });
  const sessionsOf = (conversationId: string): Map<string, Entry<SessionRecord>> => {
    let byId = sessions.get(conversationId);
    if (byId === undefined) {
      byId = new Map();
      sessions.set(conversationId, byId);
    }
    return byId;
  };
  /** A session record written whole: a session's create and its finish. */
  const putSession = (record: SessionRecord): Promise<void> => {
    assertWritableSession(record);
    sessionsOf(record.conversationId).set(record.sessionId, entry(record));
    return Promise.resolve();
  };

  return {
    getConversation: (conversationId) => Promise.resolve(live(conversations.get(conversationId))),

    putConversation(next) {
      assertWritableConversation(next);
      const stored = live(conversations.get(next.conversationId));
      const expected = next.version === 1 ? stored === undefined : stored?.version === next.version - 1;
      if (!expected) {
        if (stored !== undefined && sameRecord(stored, next)) return Promise.resolve();
        return Promise.reject(storeConflict(next.conversationId));
      }
      conversations.set(next.conversationId, entry(next));
      return Promise.resolve();
    },

    createSession: putSession,

    finishSession: putSession,

    getSession: (conversationId, sessionId) => Promise.resolve(live(sessions.get(conversationId)?.get(sessionId))),

    listSessions(conversationId) {
      const records = [...(sessions.get(conversationId)?.values() ?? [])]
        .map((candidate) => live(candidate))
        .filter((record): record is SessionRecord => record !== undefined)
        .sort((a, b) => a.startedAtMs - b.startedAtMs || a.sessionId.localeCompare(b.sessionId));
      return Promise.resolve(records);
    },

    appendTranscript(conversationId, entries) {
      assertWritableTranscript(conversationId, entries);
      let bySeq = transcripts.get(conversationId);
      if (bySeq === undefined) {
        bySeq = new Map();
        transcripts.set(conversationId, bySeq);
      }
      for (const line of entries) bySeq.set(line.seq, entry(fitTranscriptEntry(line)));
      return Promise.resolve();
    },

    readTranscript(conversationId) {
      const lines = [...(transcripts.get(conversationId)?.values() ?? [])]
        .map((candidate) => live(candidate))
        .filter((line): line is TranscriptEntry => line !== undefined)
        .sort((a, b) => a.seq - b.seq);
      return Promise.resolve(lines);
    },
  };
}
