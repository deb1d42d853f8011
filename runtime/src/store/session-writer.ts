import type { ConversationState, SessionRecord, SessionStore } from './ports.js';
import type { WriteBehindQueue } from './write-behind-queue.js';

/**
 * The fire-and-forget writes of a voice call: each returns at once and lands later through the
 * write-behind queue, so the audio path never waits for DynamoDB. Failures are retried, counted
 * and logged by the queue, never thrown at the call.
 */
export interface SessionWriter {
  /** Queues the session's create (idempotent, so a retried create is harmless). */
  createSession(record: SessionRecord): void;
  /** Queues a session update; a newer update replaces an older one not yet started. */
  updateSession(record: SessionRecord): void;
  /**
   * Queues a versioned conversation write, in order after earlier ones. A version conflict (the
   * Data Action route wrote in between) is not retried: it is logged and counted as failed.
   */
  putConversation(next: ConversationState): void;
}

/** Queue key of a session record; session writes of one session run in order. */
export const sessionWriteKey = (conversationId: string, sessionId: string): string => `session:${conversationId}/${sessionId}`;

/** Queue key of a conversation's state; its versioned writes run in order. */
export const conversationWriteKey = (conversationId: string): string => `conversation:${conversationId}`;

/** A {@link SessionWriter} over a store and a queue (both owned by the composition root). */
export function createSessionWriter(store: SessionStore, queue: WriteBehindQueue): SessionWriter {
  return {
    createSession(record) {
      queue.enqueue({
        key: sessionWriteKey(record.conversationId, record.sessionId),
        label: 'createSession',
        write: () => store.createSession(record),
      });
    },
    updateSession(record) {
      queue.enqueue({
        key: sessionWriteKey(record.conversationId, record.sessionId),
        label: 'updateSession',
        write: () => store.updateSession(record),
        coalesce: true,
      });
    },
    putConversation(next) {
      queue.enqueue({
        key: conversationWriteKey(next.conversationId),
        label: 'putConversation',
        write: () => store.putConversation(next),
      });
    },
  };
}
