/**
 * The session store port: conversation state shared by the voice route and the Data Action route,
 * and one record per voice session. Domain types only; the DynamoDB adapter maps them to items.
 */

/** A bot's persisted conversation state (JSON); the same shape as the bot port's BotState. */
export type StoredBotState = Readonly<Record<string, unknown>>;

/** How a voice session ended. */
export type SessionOutcome = 'active' | 'completed' | 'callerHungUp' | 'error';

/** What the conversation has come to, shared across routes (keyed by Genesys conversation id / Data Action sender). */
export interface ConversationState {
  readonly conversationId: string;
  readonly connectorId: string;
  /**
   * The Genesys organization that owns the conversation: the voice call's, or the Data Action key's
   * for a conversation that route started. Other organizations' keys cannot see it. Absent only on
   * items written before ownership was recorded (no Data Action key may touch those).
   */
  readonly organizationId?: string;
  readonly language: string;
  readonly inputVariables: Readonly<Record<string, string>>;
  readonly botState: StoredBotState;
  readonly outputVariables: Readonly<Record<string, string>>;
  readonly turnCount: number;
  /** Whether the bot has ended the conversation. */
  readonly ended: boolean;
  /** Optimistic-concurrency version: 1 on create, +1 on every update. */
  readonly version: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** The caller's identity as stored under the PII policy (values already hashed or dropped). */
export interface StoredParticipant {
  readonly ani?: string;
  readonly aniName?: string;
  readonly dnis?: string;
}

/** One voice session (one AudioHook connection). */
export interface SessionRecord {
  readonly conversationId: string;
  readonly sessionId: string;
  readonly connectorId: string;
  readonly organizationId: string;
  readonly participant: StoredParticipant;
  readonly inputVariables: Readonly<Record<string, string>>;
  readonly language: string;
  readonly outputVariables: Readonly<Record<string, string>>;
  readonly turnCount: number;
  readonly outcome: SessionOutcome;
  readonly startedAtMs: number;
  readonly endedAtMs?: number;
}

/**
 * One line of a conversation's transcript (a listen-only call's final transcripts), stored append-only
 * as its own item: a long call never rewrites what it already stored. `seq` orders the lines (0, 1, 2 …)
 * and names the item, so writing the same line again (a retried write) replaces it with itself.
 */
export interface TranscriptEntry {
  readonly seq: number;
  readonly text: string;
  /** Wall-clock time the line arrived. */
  readonly atEpochMs: number;
  readonly speaker?: 'caller' | 'agent';
  /** The text was cut: by the bot's character limit, or by the store to fit one item. */
  readonly cut?: boolean;
}

/** Thrown (as an AppError with code ERR_STORE_CONFLICT) when a conditional write lost a race. */
export const STORE_CONFLICT = 'ERR_STORE_CONFLICT';

/**
 * Conversation state and voice session records. Implementations: the DynamoDB adapter (production,
 * and dynalite locally) and the in-memory store (unit tests), with identical semantics. Expired
 * records (past their retention) read as absent. Dependency failures reject with an AppError whose
 * category says whether a retry may help.
 */
export interface SessionStore {
  /** The conversation's state, or `undefined` when there is none (or it expired). */
  getConversation(conversationId: string): Promise<ConversationState | undefined>;
  /**
   * Writes `next` if the stored version is `next.version - 1` (or absent when `next.version` is 1).
   * Rejects with an AppError `ERR_STORE_CONFLICT` (category invalidRequest) when another writer won.
   */
  putConversation(next: ConversationState): Promise<void>;
  /**
   * Writes the session record as created, over any record of the same session: a retried create
   * rewrites what it wrote. Session ids are unique per connection, and the session writer queues a
   * session's create ahead of its finish, so a create never lands over the finished record.
   */
  createSession(record: SessionRecord): Promise<void>;
  /**
   * Writes the session's last record whole, over the one its create wrote. Only for the record a
   * session's own writer holds (its create and its finish are the only writes to it, queued in that
   * order): every field is taken from `record`. A put, not an update, so the finishes of calls
   * that end together can share a request.
   */
  finishSession(record: SessionRecord): Promise<void>;
  /** One session record, or `undefined` when absent or expired. (Added with the DynamoDB adapter.) */
  getSession(conversationId: string, sessionId: string): Promise<SessionRecord | undefined>;
  /**
   * Every unexpired voice session of a conversation, oldest first, so the Data Action route can see
   * what the voice route did and vice versa. (Added with the DynamoDB adapter.)
   */
  listSessions(conversationId: string): Promise<readonly SessionRecord[]>;
  /**
   * Stores transcript lines, one item each, with the session items' retention. Idempotent per
   * `seq`: a retried append rewrites the same items. A text too large for one item is cut to
   * {@link MAX_TRANSCRIPT_TEXT_BYTES} and stored with `cut: true`.
   */
  appendTranscript(conversationId: string, entries: readonly TranscriptEntry[]): Promise<void>;
  /** Every unexpired transcript line of a conversation, in `seq` order (read page by page). */
  readTranscript(conversationId: string): Promise<readonly TranscriptEntry[]>;
}

/**
 * Longest transcript text one item holds, in UTF-8 bytes: far below DynamoDB's 400 KB item limit
 * (the key, time and speaker take well under 1 KB), and far above any real utterance.
 */
export const MAX_TRANSCRIPT_TEXT_BYTES = 64 * 1024;
