import type { TranscriptLine } from '../bot/ports.js';

/**
 * What a voice call persists, as the call sees it: the conversation state it may resume (shared with
 * the Data Action route) and what happened. Implemented by the composition root over the session
 * store; every write is fire-and-forget (off the audio path), reads are bounded in time.
 */
export interface CallRecorder {
  /** Bot state to continue from, when this conversation is under way on another route; undefined = start afresh. */
  resume(): Promise<Readonly<Record<string, unknown>> | undefined>;
  /** After each bot turn: the bot's state, the output variables set so far, whether it ended. */
  turnTaken(turn: {
    readonly botState: Readonly<Record<string, unknown>>;
    readonly outputVariables: Readonly<Record<string, string>>;
    readonly ended: boolean;
    readonly language: string;
    /** Transcript lines the turn added (listen-only bots): appended once each, before the state that counts them. */
    readonly transcript?: readonly TranscriptLine[];
    /** Turns this checkpoint covers (default 1): turns before it that changed nothing stored were not recorded. */
    readonly turns?: number;
  }): void;
  /** Once, when the call is over. */
  ended(result: {
    readonly outcome: 'completed' | 'callerHungUp' | 'error';
    readonly outputVariables: Readonly<Record<string, string>>;
    readonly turnCount: number;
  }): void;
}

/** Makes the recorder of one call (created when the session opens; probes get none). */
export type CallRecorderFactory = (call: {
  readonly conversationId: string;
  readonly sessionId: string;
  readonly connectorId: string;
  readonly organizationId: string;
  readonly participant: { readonly ani: string; readonly aniName: string; readonly dnis: string };
  readonly inputVariables: Readonly<Record<string, string>>;
  readonly language: string;
}) => CallRecorder;
