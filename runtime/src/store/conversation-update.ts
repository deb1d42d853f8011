import type { ConversationState, SessionStore, StoredBotState } from './ports.js';
import { isStoreConflict } from './store-errors.js';

/**
 * Helpers both routes use to share one conversation: the voice call and the Data Action route read
 * the state, run a bot turn on it and write it back with optimistic concurrency, so whichever route
 * comes next continues exactly where the other stopped.
 */

/** What a new conversation starts from (the first route to touch it decides). */
export interface ConversationSeed {
  readonly conversationId: string;
  readonly connectorId: string;
  /** The owner: the voice call's organization, or the Data Action key's. */
  readonly organizationId?: string;
  readonly language: string;
  readonly inputVariables: Readonly<Record<string, string>>;
}

/** What one bot turn changed, or several folded into one write (the voice route checkpoints). */
export interface ConversationTurn {
  readonly botState: StoredBotState;
  /** Output variables set by this turn; merged over the ones set before. */
  readonly outputVariables: Readonly<Record<string, string>>;
  /** Whether the bot ended the conversation in this turn. */
  readonly ended: boolean;
  /** Replaces the stored language and input variables when given (e.g. the caller's later request). */
  readonly language?: string;
  readonly inputVariables?: Readonly<Record<string, string>>;
  /** Bot turns this write covers (default 1); added to the turn count. */
  readonly turns?: number;
}

/**
 * The state after one write: version +1 (versions count writes, for the conditional put), turn
 * count + `turn.turns`, output variables merged, `ended` sticky. `current` undefined starts the
 * conversation from `seed` at version 1.
 */
export function nextConversationState(
  current: ConversationState | undefined,
  seed: ConversationSeed,
  turn: ConversationTurn,
  nowMs: number,
): ConversationState {
  const base = current ?? { ...seed, botState: {}, outputVariables: {}, turnCount: 0, ended: false, version: 0, createdAtMs: nowMs };
  // The owner is fixed by whoever created the conversation; an item from before owners were
  // recorded takes the first writer's that names one.
  const organizationId = base.organizationId ?? seed.organizationId;
  return {
    conversationId: base.conversationId,
    connectorId: base.connectorId,
    ...(organizationId === undefined ? {} : { organizationId }),
    language: turn.language ?? base.language,
    inputVariables: turn.inputVariables ?? base.inputVariables,
    botState: turn.botState,
    outputVariables: { ...base.outputVariables, ...turn.outputVariables },
    turnCount: base.turnCount + (turn.turns ?? 1),
    ended: base.ended || turn.ended,
    version: base.version + 1,
    createdAtMs: base.createdAtMs,
    updatedAtMs: nowMs,
  };
}

/** What an {@link updateConversation} step decides: the state to write (none = write nothing) and its result. */
export interface ConversationStep<T> {
  readonly next?: ConversationState;
  readonly value: T;
}

/** Options of {@link updateConversation}. */
export interface UpdateConversationOptions {
  /** Attempts in all; a conflict on the last one rejects with ERR_STORE_CONFLICT. Default 2 (one retry). */
  readonly maxAttempts?: number;
}

/**
 * Read–modify–write of one conversation. `step` receives the current state (undefined = none) and
 * the attempt number (1-based) and returns the state to write; when another writer wins the race,
 * the state is read again and `step` runs again. Store failures and the final conflict reject with
 * the store's AppError; nothing is written unless `step` returns `next`.
 */
export async function updateConversation<T>(
  store: SessionStore,
  conversationId: string,
  step: (current: ConversationState | undefined, attempt: number) => Promise<ConversationStep<T>>,
  options: UpdateConversationOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 2;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number of at least 1');
  for (let attempt = 1; ; attempt += 1) {
    const current = await store.getConversation(conversationId);
    const { next, value } = await step(current, attempt);
    if (next === undefined) return value;
    try {
      await store.putConversation(next);
      return value;
    } catch (error) {
      if (!isStoreConflict(error) || attempt >= maxAttempts) throw error;
    }
  }
}
