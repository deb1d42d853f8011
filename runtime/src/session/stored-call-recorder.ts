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
  return (call) => new StoredCallRecorder(call, deps);
}

type RecordedCall = Parameters<CallRecorderFactory>[0];

/** One call's recorder. A class: one per call, where closures would cost a context and a function per method. */
class StoredCallRecorder implements CallRecorder {
  private readonly organizationId: string;
  private readonly record: SessionRecord;
  private current: ConversationState | undefined;
  // Checkpointing: turns not yet written, when the interval last started (monotonic ms), and the
  // one timer that writes them at lastWriteAt + interval. The first interval starts at the open,
  // which already costs a session create and a resume read: a call shorter than the interval
  // writes its conversation once, at the end.
  private pending: ConversationTurn | undefined;
  // Transcript lines since the last checkpoint: appended as their own items, never inside the state.
  private pendingLines: TranscriptEntry[] = [];
  private lastWriteAt: number;
  private cancelCheckpoint: Cancel | undefined;
  private callOver = false;
  // Made on the first line: most calls log nothing here, and each child logger costs memory per call.
  private componentLogger: Logger | undefined;

  constructor(
    private readonly call: RecordedCall,
    private readonly deps: CallRecorderDeps,
  ) {
    const { clock } = deps;
    this.organizationId = call.organizationId.toLowerCase();
    this.record = {
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
    deps.writer.createSession(this.record);
    this.lastWriteAt = clock.now();
  }

  async resume(): Promise<Readonly<Record<string, unknown>> | undefined> {
    const { call, deps } = this;
    try {
      const stored = await withTimeout(deps.clock, deps.resumeTimeoutMs, deps.store.getConversation(call.conversationId), () => 'timeout' as const);
      if (stored === 'timeout') {
        this.logger().warn({ timeoutMs: deps.resumeTimeoutMs }, 'conversation state not read in time: starting afresh');
        return undefined;
      }
      // Another bot's conversation, or one that is over, is not continued.
      if (stored === undefined || stored.connectorId !== call.connectorId || stored.ended) return undefined;
      // Nor is another organization's.
      if (stored.organizationId !== undefined && stored.organizationId !== this.organizationId) return undefined;
      this.current = stored;
      this.logger().info({ turnCount: stored.turnCount, version: stored.version }, 'continuing conversation');
      return stored.botState;
    } catch (error) {
      this.logger().warn({ err: toError(error).message }, 'conversation state unreadable: starting afresh');
      return undefined;
    }
  }

  turnTaken(turn: Parameters<CallRecorder['turnTaken']>[0]): void {
    const { clock } = this.deps;
    this.pending = fold(this.pending, turn);
    if (turn.transcript !== undefined) this.pendingLines.push(...turn.transcript);
    const dueAt = this.lastWriteAt + this.deps.conversationWriteIntervalMs;
    // An ended conversation is written at once (the Data Action route must see the end), and so
    // is a turn that finishes after the call: no timer may outlive the call.
    if (turn.ended || this.callOver || clock.now() >= dueAt) this.writePending();
    else this.cancelCheckpoint ??= clock.setTimer(dueAt - clock.now(), () => this.writePending());
  }

  ended(result: Parameters<CallRecorder['ended']>[0]): void {
    // Whatever the call did since the last checkpoint is queued before the record that says it is over.
    this.callOver = true;
    this.writePending();
    this.deps.writer.finishSession({
      ...this.record,
      outputVariables: result.outputVariables,
      turnCount: result.turnCount,
      outcome: result.outcome,
      endedAtMs: this.deps.clock.epochMs(),
    });
  }

  private writePending(): void {
    const { call, deps } = this;
    this.cancelCheckpoint?.();
    this.cancelCheckpoint = undefined;
    if (this.pending === undefined) return;
    const seed = {
      conversationId: call.conversationId,
      connectorId: call.connectorId,
      organizationId: this.organizationId,
      language: call.language,
      inputVariables: call.inputVariables,
    };
    this.current = nextConversationState(this.current, seed, this.pending, deps.clock.epochMs());
    this.pending = undefined;
    this.lastWriteAt = deps.clock.now();
    // Same queue lane as the state, ahead of it: the state never counts lines that are not stored.
    if (this.pendingLines.length > 0) deps.writer.appendTranscript(call.conversationId, this.pendingLines);
    this.pendingLines = [];
    deps.writer.putConversation(this.current);
  }

  private logger(): Logger {
    return (this.componentLogger ??= this.deps.logger.child({ component: 'call-recorder' }));
  }
}
