import type { Problem } from '../shared/errors.js';
import type { MediaPolicy } from './media.js';
import type { EventEntity, MediaFormat, Participant, ServerMessage } from './messages.js';

/**
 * The vocabulary of the pure session state machine (`state-machine.ts`): its state, inputs,
 * effects, the events it reports to the call above it, and the commands that call may give.
 */

export type Phase =
  /** Upgraded, waiting for `open`. */
  | 'awaitingOpen'
  /** `opened` sent; audio flows unless paused. */
  | 'active'
  /** We sent `disconnect` and wait for the client's `close`. */
  | 'disconnecting'
  /** The client sent `close`; final work runs, then we send `closed`. */
  | 'closing'
  /** `closed` sent; the client closes the socket. */
  | 'closed'
  /** The socket is gone. Terminal. */
  | 'ended';

export type TimerName = 'open' | 'close' | 'idle' | 'linger';

export interface SessionOptions {
  readonly openTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly lingerMs: number;
  /** Returned in `opened` when the client asks (`open.supportedLanguages: true`): the connector's own languages. */
  readonly supportedLanguages: readonly string[];
  /** The media offers the connector can use; default: anything the server decodes (`LISTENING_MEDIA`). */
  readonly media?: MediaPolicy;
}

export interface SessionState {
  readonly phase: Phase;
  /** From the `Audiohook-Session-Id` header: every message id must equal it. */
  readonly sessionId: string;
  /** From the `Audiohook-Organization-Id` header: `open.organizationId` must equal it. */
  readonly organizationId: string;
  readonly options: SessionOptions;
  /** Seq of the last client message processed (echoed as `clientseq`). */
  readonly lastClientSeq: number;
  /** Seq of the last server message built. */
  readonly lastServerSeq: number;
  /** Whether `opened` was sent. */
  readonly opened: boolean;
  /** A connection probe (null conversation id): nothing is allocated. */
  readonly probe: boolean;
  readonly media: MediaFormat | null;
  readonly pausedByClient: boolean;
  /** Samples per channel received since open. */
  readonly receivedSamples: number;
  /** Audio the client skipped (pauses, discards), in ms; counts toward the stream position (§5.3). */
  readonly discardedMs: number;
  readonly language: string | undefined;
  /** Set once we have sent a `disconnect` with reason error or unauthorized: later violations are only logged. */
  readonly errorSignaled: boolean;
  readonly lastInboundAtMs: number;
}

export type SessionOutcome =
  /** The close transaction completed (`close` → `closed`). */
  | 'closed'
  /** The socket went away without a completed close transaction. */
  | 'socketLost';

export type SessionEvent =
  | {
      readonly type: 'opened';
      readonly probe: boolean;
      readonly media: MediaFormat | null;
      readonly conversationId: string;
      readonly participant: Participant;
      readonly language: string | undefined;
      readonly inputVariables: Readonly<Record<string, string>>;
      readonly customConfig: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'audio'; readonly samples: number; readonly positionMs: number }
  | { readonly type: 'dtmf'; readonly digit: string }
  | { readonly type: 'playbackStarted' }
  | { readonly type: 'playbackCompleted' }
  | { readonly type: 'paused' }
  | { readonly type: 'resumed'; readonly startMs: number; readonly discardedMs: number }
  | { readonly type: 'discarded'; readonly startMs: number; readonly discardedMs: number }
  | { readonly type: 'languageChanged'; readonly language: string }
  | { readonly type: 'clientError'; readonly code: number; readonly message: string; readonly retryAfterMs?: number }
  | { readonly type: 'closing'; readonly reason: string }
  | { readonly type: 'ended'; readonly outcome: SessionOutcome; readonly lastPhase: Phase };

/** What the call above the protocol may ask of the session. */
export type SessionCommand =
  | {
      readonly type: 'disconnect';
      readonly reason: 'completed' | 'error';
      readonly info?: string;
      readonly outputVariables?: Readonly<Record<string, string>>;
    }
  | { readonly type: 'event'; readonly entities: readonly EventEntity[] }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  /** Final work after the client's `close` is done: send `closed`. */
  | { readonly type: 'finishClose' }
  /** The server is shutting down and the drain time is over. */
  | { readonly type: 'shutdown' }
  /** A bug or an unexpected exception in the call: end it with disconnect(error). */
  | { readonly type: 'fail' };

export type SessionInput =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly byteLength: number }
  | { readonly kind: 'timer'; readonly timer: TimerName }
  | { readonly kind: 'command'; readonly command: SessionCommand }
  | { readonly kind: 'socketClosed' };

export type Effect =
  | { readonly kind: 'send'; readonly message: ServerMessage }
  | { readonly kind: 'emit'; readonly event: SessionEvent }
  | { readonly kind: 'startTimer'; readonly timer: TimerName; readonly ms: number }
  | { readonly kind: 'cancelTimer'; readonly timer: TimerName }
  | { readonly kind: 'closeSocket'; readonly code: number; readonly reason: string }
  /** A problem to log (and count). Its wire consequence, if any, is in the other effects. */
  | { readonly kind: 'report'; readonly problem: Problem };

export interface Transition {
  readonly state: SessionState;
  readonly effects: readonly Effect[];
}
