import { withTimeout, type Cancel, type Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { CallRecorder, CallRecorderFactory } from './call-recorder.js';
import { nextConversationState, type ConversationTurn } from '../store/conversation-update.js';
import { toStoredParticipant, type ParticipantPolicy } from '../store/participant-policy.js';
import type { ConversationState, SessionRecord, SessionStore, TranscriptEntry } from '../store/ports.js';
import type { SessionWriter } from '../store/session-writer.js';

export interface CallRecorderDeps {
  readonly store: SessionStore;
  readonly writer: SessionWriter;
  readonly participantPolicy: ParticipantPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a call's greeting may wait for its stored conversation. */
  readonly resumeTimeoutMs: number;
  /**
   * Conversation state is written at most once per this interval during a call (the most a crashed
   * task can lose); a turn that ends the conversation, and the end of the call, write at once.
   * 0 writes after every turn.
   */
  readonly conversationWriteIntervalMs: number;
}

/** Turns taken since the last write, folded into one: latest bot state, outputs merged, `ended` sticky. */
function fold(earlier: ConversationTurn | undefined, turn: Parameters<CallRecorder['turnTaken']>[0]): ConversationTurn {
  return {
    botState: turn.botState,
    outputVariables: { ...earlier?.outputVariables, ...turn.outputVariables },
    ended: (earlier?.ended ?? false) || turn.ended,
    language: turn.language,
    turns: (earlier?.turns ?? 0) + (turn.turns ?? 1),
  };
}

/**
 * Records voice calls in the session store: a session record at open (participant data under the
 * configured policy), the shared conversation state as checkpoints during the call, the outcome at
 * the end. Each DynamoDB write costs CPU and allocations, and a listen-only bot takes a turn per
 * utterance, so turns are folded into at most one write per `conversationWriteIntervalMs`, counted
 * from the open. Transcript lines are appended at each checkpoint as items of their own (only the
 * lines since the previous one), so what a checkpoint writes does not grow with the call. Writes go through the write-behind queue; the one read (resume) gives up after
 * `resumeTimeoutMs`, so a slow or absent DynamoDB never holds a call.
 */
export function createCallRecorderFactory(deps: CallRecorderDeps): CallRecorderFactory {
  const { store, writer, clock } = deps;
  const intervalMs = deps.conversationWriteIntervalMs;
  return (call) => {
    // Made on the first line: most calls log nothing here, and each child logger costs memory per call.
    let componentLogger: Logger | undefined;
    const logger = (): Logger => (componentLogger ??= deps.logger.child({ component: 'call-recorder' }));
    const seed = {
      conversationId: call.conversationId,
      connectorId: call.connectorId,
      organizationId: call.organizationId.toLowerCase(),
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

    // Checkpointing: turns not yet written, when the interval last started (monotonic ms), and the
    // one timer that writes them at lastWriteAt + interval. The first interval starts at the open,
    // which already costs a session create and a resume read: a call shorter than the interval
    // writes its conversation once, at the end.
    let pending: ConversationTurn | undefined;
    // Transcript lines since the last checkpoint: appended as their own items, never inside the state.
    let pendingLines: TranscriptEntry[] = [];
    let lastWriteAt = clock.now();
    let cancelCheckpoint: Cancel | undefined;
    let callOver = false;

    function writePending(): void {
      cancelCheckpoint?.();
      cancelCheckpoint = undefined;
      if (pending === undefined) return;
      current = nextConversationState(current, seed, pending, clock.epochMs());
      pending = undefined;
      lastWriteAt = clock.now();
      // Same queue lane as the state, ahead of it: the state never counts lines that are not stored.
      if (pendingLines.length > 0) writer.appendTranscript(call.conversationId, pendingLines);
      pendingLines = [];
      writer.putConversation(current);
    }

    return {
      async resume() {
        try {
          const stored = await withTimeout(clock, deps.resumeTimeoutMs, store.getConversation(call.conversationId), () => 'timeout' as const);
          if (stored === 'timeout') {
            logger().warn({ timeoutMs: deps.resumeTimeoutMs }, 'conversation state not read in time: starting afresh');
            return undefined;
          }
          // Another bot's conversation, or one that is over, is not continued.
          if (stored === undefined || stored.connectorId !== call.connectorId || stored.ended) return undefined;
          // Nor is another organization's.
          if (stored.organizationId !== undefined && stored.organizationId !== seed.organizationId) return undefined;
          current = stored;
          logger().info({ turnCount: stored.turnCount, version: stored.version }, 'continuing conversation');
          return stored.botState;
        } catch (error) {
          logger().warn({ err: toError(error).message }, 'conversation state unreadable: starting afresh');
          return undefined;
        }
      },
      turnTaken(turn) {
        pending = fold(pending, turn);
        if (turn.transcript !== undefined) pendingLines.push(...turn.transcript);
        const dueAt = lastWriteAt + intervalMs;
        // An ended conversation is written at once (the Data Action route must see the end), and so
        // is a turn that finishes after the call: no timer may outlive the call.
        if (turn.ended || callOver || clock.now() >= dueAt) writePending();
        else cancelCheckpoint ??= clock.setTimer(dueAt - clock.now(), writePending);
      },
      ended(result) {
        // Whatever the call did since the last checkpoint is queued before the record that says it is over.
        callOver = true;
        writePending();
        writer.finishSession({
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
