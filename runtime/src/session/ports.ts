import type { EventEntity, MediaFormat, Participant, SessionEvent } from '../protocol/index.js';
import type { Logger } from '../shared/logger.js';

/**
 * What a call (the bot conversation on top of the AudioHook protocol) sees of its session, and what
 * it provides. The protocol session creates one CallHandler per opened, non-probe session.
 */

/** The narrow view of a WebSocket the session writes to (implemented in server/ over `ws`). */
export interface SessionSocket {
  sendText(text: string): void;
  sendBinary(bytes: Uint8Array): void;
  /** Bytes accepted by the socket but not yet written to the network (backpressure). */
  readonly bufferedBytes: number;
  /** Graceful WebSocket close. */
  close(code: number, reason: string): void;
  /** Stops reading from the peer (a flooding client); absent = input cannot be paused. */
  pauseInput?(): void;
  /** Destroys the connection at once, without a close handshake; absent = `close` is used. */
  terminate?(): void;
}

/** Facts about the call, fixed at `open`. */
export interface CallContext {
  readonly sessionId: string;
  readonly connectorId: string;
  readonly organizationId: string;
  readonly conversationId: string;
  readonly correlationId: string;
  readonly participant: Participant;
  readonly media: MediaFormat | null;
  readonly language: string | undefined;
  readonly inputVariables: Readonly<Record<string, string>>;
  readonly customConfig: Readonly<Record<string, unknown>>;
}

/** What a call may do to its session. Calls after the session ended are ignored. */
export interface CallControls {
  /** Queues bot audio in the negotiated format (PCMU) for paced sending. */
  sendAudio(pcmu: Uint8Array): void;
  /** Marks the end of a prompt so a final short packet may go out. */
  endOfPrompt(): void;
  /** Drops queued bot audio (barge-in); returns how many bytes were dropped. */
  cancelAudio(): number;
  /** Calls `listener` whenever every prompt handed over so far has been sent; returns an unsubscribe. */
  onAudioDrained(listener: () => void): () => void;
  /** How far the audio sent so far runs ahead of real-time playback at Genesys, in ms. */
  readonly audioAheadMs: number;
  sendEvent(entities: readonly EventEntity[]): void;
  /** Asks Genesys to end the session; output variables reach the Architect flow (strings only). */
  disconnect(reason: 'completed' | 'error', outputVariables?: Readonly<Record<string, string>>, info?: string): void;
  pause(): void;
  resume(): void;
  /** A line of the conversation (what the caller said, what the bot says) for the call's recording, if any. */
  noteTranscript(speaker: 'caller' | 'bot', text: string): void;
}

export interface CallHandler {
  /** Every protocol event after `opened`; `audio` holds the frame for `audio` events (valid during the call only). */
  onEvent(event: SessionEvent, audio: Uint8Array | undefined): void;
  /** Final work after the client's `close` (flush events, persist); bounded by the session. */
  onClosing?(): Promise<void>;
}

/** Creates the call for an opened session; `logger` is the session's (its ids on every line). */
export type CallHandlerFactory = (context: CallContext, controls: CallControls, logger: Logger) => CallHandler;
