import type { ConversationState, SessionRecord, SessionStore, TranscriptEntry } from './ports.js';
import { isStoreConflict, storeConflict } from './store-errors.js';
import type { WriteBehindQueue } from './write-behind-queue.js';

/**
 * The fire-and-forget writes of a voice call: each returns at once and lands later through the
 * write-behind queue, so the audio path never waits for DynamoDB. Failures are retried, counted
 * and logged by the queue, never thrown at the call.
 */
export interface SessionWriter {
  /**
   * Queues the session's create in the conversation's lane, ahead of the session's finish: the
   * create replaces the record (batched creates carry no condition), so it must never land after the
   * finish.
   */
  createSession(record: SessionRecord): void;
  /**
   * Queues a versioned conversation write, in order after earlier ones. The voice call owns its
   * conversation: when another writer won a race (a Data Action turn in flight as the call
   * started), the stored item is read again and the call's state is written over it (its output
   * variables merged over the stored ones), so a checkpoint never fails for good on a conflict.
   */
  putConversation(next: ConversationState): void;
  /**
   * Queues transcript lines in the conversation's lane, so the lines of a checkpoint land before the
   * state written after them. Retried like every write, and idempotent per line, so a retry after
   * a lost answer stores nothing twice.
   */
  appendTranscript(conversationId: string, entries: readonly TranscriptEntry[]): void;
  /**
   * The session's last record, written whole (`SessionStore.finishSession`: it may share a request
   * with other calls' finishes), queued behind the conversation's pending writes: once a reader
   * sees the session over, the conversation already holds the call's final state.
   */
  finishSession(record: SessionRecord): void;
}

/**
 * Queue key of a conversation: its versioned state, its transcript and its sessions' records are
 * written in the order queued (one lane), so a session's create lands before its finish.
 */
export const conversationWriteKey = (conversationId: string): string => `conversation:${conversationId}`;

/** A {@link SessionWriter} over a store and a queue (both owned by the composition root). */
export function createSessionWriter(store: SessionStore, queue: WriteBehindQueue): SessionWriter {
  return {
    createSession(record) {
      queue.enqueue({
        key: conversationWriteKey(record.conversationId),
        label: 'createSession',
        write: () => store.createSession(record),
      });
    },
    putConversation(next) {
      queue.enqueue({
        key: conversationWriteKey(next.conversationId),
        label: 'putConversation',
        write: () => putOwned(store, next),
      });
    },
    appendTranscript(conversationId, entries) {
      if (entries.length === 0) return;
      const lines = [...entries];
      queue.enqueue({ key: conversationWriteKey(conversationId), label: 'appendTranscript', write: () => store.appendTranscript(conversationId, lines) });
    },
    finishSession(record) {
      queue.enqueue({
        key: conversationWriteKey(record.conversationId),
        label: 'finishSession',
        write: () => store.finishSession(record),
      });
    },
  };
}

/** Rebase attempts after a conflict before the write counts as failed (each needs a new race lost). */
const MAX_REBASES = 3;

/**
 * Writes the voice call's state; on a version conflict, reads the stored item and writes the
 * call's state on top of it (next version, stored output variables kept unless the call set them,
 * `ended` sticky, turn count the larger).
 */
async function putOwned(store: SessionStore, next: ConversationState): Promise<void> {
  let attempt = next;
  for (let rebases = 0; ; rebases += 1) {
    try {
      await store.putConversation(attempt);
      return;
    } catch (error) {
      if (!isStoreConflict(error) || rebases >= MAX_REBASES) throw error;
    }
    const stored = await store.getConversation(next.conversationId);
    // Never over another organization's conversation (a conversation id reused across organizations).
    if (stored?.organizationId !== undefined && next.organizationId !== undefined && stored.organizationId !== next.organizationId) {
      throw storeConflict(next.conversationId, new Error('conversation owned by another organization'));
    }
    attempt = rebase(next, stored);
  }
}

function rebase(next: ConversationState, stored: ConversationState | undefined): ConversationState {
  if (stored === undefined) return { ...next, version: 1 };
  return {
    ...next,
    ...(stored.organizationId === undefined ? {} : { organizationId: stored.organizationId }),
    outputVariables: { ...stored.outputVariables, ...next.outputVariables },
    ended: stored.ended || next.ended,
    turnCount: Math.max(stored.turnCount, next.turnCount),
    version: stored.version + 1,
    createdAtMs: stored.createdAtMs,
  };
}
