import { DEFAULT_CONNECTOR_ID } from '../bot/bot-definitions.js';
import type { Bot, BotAction, BotInput, TranscriptLine } from '../bot/index.js';
import { AppError, isRetryable, toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { err, ok, type Result } from '../shared/result.js';
import type { Clock } from '../shared/clock.js';
import { nextConversationState, updateConversation } from '../store/conversation-update.js';
import type { ConversationState, SessionRecord, SessionStore } from '../store/ports.js';
import { isStoreConflict } from '../store/store-errors.js';
import { dataActionProblem, type DataActionProblem } from './data-action-errors.js';
import { buildDataActionReply, outputVariablesOf, type DataActionReply } from './data-action-reply.js';
import type { DataActionRequest } from './parse-data-action-request.js';

/** What one Data Action turn needs; the same for the local server and the Lambda. */
export interface DataActionTurnDeps {
  readonly bots: { get(connectorId: string): Bot | undefined };
  readonly store: SessionStore;
  /** `epochMs()` stamps the conversation's `createdAtMs`/`updatedAtMs`. */
  readonly clock: Clock;
  readonly logger: Logger;
}

type TurnResult = Result<DataActionReply, DataActionProblem>;

/** A turn computed once and kept for a retry (bots whose turns must not run twice). */
interface ComputedTurn {
  readonly actions: readonly BotAction[];
  readonly botState: ConversationState['botState'];
  readonly transcript: readonly TranscriptLine[];
}

/**
 * Runs one bot turn for a Data Action request in the key's organization: load the conversation
 * state of `sender` and its voice sessions, check ownership and that no call is live, run ONE turn
 * on it, save it with optimistic concurrency and answer with a flat reply.
 *
 * - The message is answered directly, as Rasa's REST channel does (a flow bot takes text before any
 *   greeting as the answer to its first question). A blank message asks for the greeting when the
 *   conversation has not started, and counts as no input (a reprompt) after that.
 * - If another writer (the voice route, or a duplicate request) saved the conversation in between,
 *   the state is read again and the turn runs again on it, once. Webhook and llm bots are not asked
 *   twice (their remote or data tools already took the message, and a model call costs): their
 *   first answer is applied to the new state.
 * - Nothing is written unless the whole turn succeeded, so a failing bot or store leaves the
 *   conversation as it was and the same request can simply be retried. Transcript lines a listen-only
 *   bot adds are appended just before the state is written (idempotent per line number).
 */
export async function runDataActionTurn(
  request: DataActionRequest,
  organizationId: string,
  deps: DataActionTurnDeps,
  signal: AbortSignal,
): Promise<TurnResult> {
  const { store, clock, logger } = deps;
  let computed: ComputedTurn | undefined;
  try {
    const sessions = await store.listSessions(request.sender);
    return await updateConversation<TurnResult>(store, request.sender, async (current) => {
      const refused = checkAccess(current, sessions, organizationId, clock.epochMs());
      if (refused !== undefined) return { value: err(refused) };
      if (current !== undefined && request.connectorId !== undefined && current.connectorId !== request.connectorId) {
        return { value: err(dataActionProblem('ERR_DATA_ACTION_CONNECTOR_MISMATCH', `conversation bot is ${current.connectorId}`, 'connectorId')) };
      }
      const connectorId = request.connectorId ?? current?.connectorId ?? DEFAULT_CONNECTOR_ID;
      const bot = deps.bots.get(connectorId);
      if (bot === undefined) {
        return { value: err(dataActionProblem('ERR_DATA_ACTION_UNKNOWN_BOT', undefined, 'connectorId')) };
      }
      // An ended conversation answers with its outcome again and stays as it is.
      if (current?.ended === true) return { value: ok(buildDataActionReply([], current)) };

      const language = request.language ?? current?.language ?? bot.voice.language;
      const inputVariables = { ...current?.inputVariables, ...request.variables };
      // Webhook and llm turns are not run twice: the remote (or a data tool) already took the message, and a model call costs.
      if (computed === undefined || (bot.kind !== 'webhook' && bot.kind !== 'llm')) {
        const input = toBotInput(request.message, current === undefined);
        const conversation = bot.startConversation(
          { conversationId: request.sender, connectorId, language, inputVariables },
          current?.botState,
        );
        try {
          const turn = await conversation.turn(input, signal);
          computed = { actions: turn.actions, botState: conversation.state(), transcript: turn.transcript?.lines ?? [] };
        } catch (error) {
          logBotFailure(logger, connectorId, error);
          return { value: err(dataActionProblem('ERR_DATA_ACTION_BOT_FAILED', describe(error))) };
        }
      }
      const { actions, botState, transcript } = computed;
      // Lines before the state that counts them, as on the voice route (a failure fails the turn).
      if (transcript.length > 0) await store.appendTranscript(request.sender, transcript);
      const next = nextConversationState(
        current,
        { conversationId: request.sender, connectorId, organizationId, language, inputVariables },
        { botState, outputVariables: outputVariablesOf(actions), ended: actions.some((a) => a.type === 'end'), language, inputVariables },
        clock.epochMs(),
      );
      return { next, value: ok(buildDataActionReply(actions, next)) };
    });
  } catch (error) {
    return err(toStoreProblem(logger, error));
  }
}

/** A voice session still `active` after this long is taken as lost (its task died before recording the end). */
export const LIVE_CALL_MAX_AGE_MS = 4 * 60 * 60 * 1_000;

/**
 * Who may take a turn: a conversation belongs to the organization that opened it (its state's
 * owner, or its voice sessions'); any other organization gets the same 404 as for an unknown
 * conversation. The owner is refused with 409 while a voice call on it is live: one writer per
 * conversation, so the call's checkpoints and this turn never overwrite each other.
 */
function checkAccess(
  current: ConversationState | undefined,
  sessions: readonly SessionRecord[],
  organizationId: string,
  nowEpochMs: number,
): DataActionProblem | undefined {
  if (current === undefined && sessions.length === 0) return undefined;
  const owner = current?.organizationId ?? sessions[0]?.organizationId;
  if (owner?.toLowerCase() !== organizationId) return dataActionProblem('ERR_DATA_ACTION_UNKNOWN_CONVERSATION', 'owned by another organization');
  const live = sessions.some((s) => s.outcome === 'active' && nowEpochMs - s.startedAtMs < LIVE_CALL_MAX_AGE_MS);
  return live ? dataActionProblem('ERR_DATA_ACTION_CALL_LIVE') : undefined;
}

function toBotInput(message: string, fresh: boolean): BotInput {
  if (message.trim() !== '') return { type: 'text', text: message };
  return fresh ? { type: 'start' } : { type: 'noInput' };
}

function toStoreProblem(logger: Logger, error: unknown): DataActionProblem {
  if (isStoreConflict(error)) {
    logger.warn({ code: 'ERR_STORE_CONFLICT' }, 'data action turn lost a race twice');
    return dataActionProblem('ERR_DATA_ACTION_CONFLICT');
  }
  if (error instanceof AppError) {
    const fields = { code: error.code, category: error.category, cause: describe(error.cause) };
    if (isRetryable(error.category)) {
      logger.warn(fields, 'session store unavailable');
      return dataActionProblem('ERR_DATA_ACTION_STORE_UNAVAILABLE', error.code);
    }
    logger.error(fields, 'session store failed');
    return dataActionProblem('ERR_HTTP_INTERNAL', error.code);
  }
  logger.error({ err: toError(error) }, 'data action turn failed');
  return dataActionProblem('ERR_HTTP_INTERNAL', toError(error).name);
}

function logBotFailure(logger: Logger, connectorId: string, error: unknown): void {
  const fields =
    error instanceof AppError ? { connectorId, code: error.code, category: error.category } : { connectorId, err: toError(error) };
  if (error instanceof AppError) logger.warn(fields, 'bot turn failed');
  else logger.error(fields, 'bot turn failed');
}

function describe(error: unknown): string {
  if (error instanceof AppError) return error.code;
  return error instanceof Error ? error.name : typeof error;
}
