import type { Clock } from './shared/clock.js';
import { toError } from './shared/errors.js';
import type { Logger } from './shared/logger.js';
import type { CallRecorderFactory } from './session/call-recorder.js';
import { nextConversationState } from './store/conversation-update.js';
import { toStoredParticipant, type ParticipantPolicy } from './store/participant-policy.js';
import type { ConversationState, SessionRecord, SessionStore } from './store/ports.js';
import type { SessionWriter } from './store/session-writer.js';

export interface CallRecorderDeps {
  readonly store: SessionStore;
  readonly writer: SessionWriter;
  readonly participantPolicy: ParticipantPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a call's greeting may wait for its stored conversation. */
  readonly resumeTimeoutMs: number;
}

/**
 * Records voice calls in the session store: a session record at open (participant data under the
 * configured policy), the shared conversation state after every turn, the outcome at the end. Writes
 * go through the write-behind queue; the one read (resume) gives up after `resumeTimeoutMs`, so a slow
 * or absent DynamoDB never holds a call.
 */
export function createCallRecorderFactory(deps: CallRecorderDeps): CallRecorderFactory {
  const { store, writer, clock } = deps;
  return (call) => {
    const logger = deps.logger.child({ component: 'call-recorder' });
    const seed = {
      conversationId: call.conversationId,
      connectorId: call.connectorId,
      language: call.language,
      inputVariables: call.inputVariables,
    };
    let current: ConversationState | undefined;
    const record: SessionRecord = {
      conversationId: call.conversationId,
      sessionId: call.sessionId,
      connectorId: call.connectorId,
      organizationId: call.organizationId,
      participant: toStoredParticipant(call.participant, deps.participantPolicy),
      inputVariables: call.inputVariables,
      language: call.language,
      outputVariables: {},
      turnCount: 0,
      outcome: 'active',
      startedAtMs: clock.epochMs(),
    };
    writer.createSession(record);

    return {
      async resume() {
        let cancel = (): void => undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          cancel = clock.setTimer(deps.resumeTimeoutMs, () => resolve('timeout'));
        });
        try {
          const stored = await Promise.race([store.getConversation(call.conversationId), timeout]);
          if (stored === 'timeout') {
            logger.warn({ timeoutMs: deps.resumeTimeoutMs }, 'conversation state not read in time: starting afresh');
            return undefined;
          }
          // Another bot's conversation, or one that is over, is not continued.
          if (stored === undefined || stored.connectorId !== call.connectorId || stored.ended) return undefined;
          current = stored;
          logger.info({ turnCount: stored.turnCount, version: stored.version }, 'continuing conversation');
          return stored.botState;
        } catch (error) {
          logger.warn({ err: toError(error).message }, 'conversation state unreadable: starting afresh');
          return undefined;
        } finally {
          cancel();
        }
      },
      turnTaken(turn) {
        current = nextConversationState(
          current,
          seed,
          { botState: turn.botState, outputVariables: turn.outputVariables, ended: turn.ended, language: turn.language },
          clock.epochMs(),
        );
        writer.putConversation(current);
      },
      ended(result) {
        writer.updateSession({
          ...record,
          outputVariables: result.outputVariables,
          turnCount: result.turnCount,
          outcome: result.outcome,
          endedAtMs: clock.epochMs(),
        });
      },
    };
  };
}
