/**
 * The single writer for everything a session sends (AudioHook §2.3: concurrent writers corrupt seq).
 * Implemented by the paced sender in audio/, which applies Genesys's rate limits.
 */
export interface OutboundWriter {
  /** Text (JSON) messages in FIFO order; never dropped. */
  sendText(text: string, messageClass?: 'text' | 'pause' | 'resume'): void;
  enqueueAudio(pcmu: Uint8Array): void;
  endOfPrompt(): void;
  cancelAudio(): { readonly droppedBytes: number };
  /** The client reported error 429 with `retryAfter`. */
  backOff(retryAfterMs: number): void;
  onAudioDrained(listener: () => void): () => void;
  readonly audioAheadMs: number;
  /** Text messages waiting for rate tokens. */
  readonly queuedTexts: number;
  /** Stops timers; later sends are ignored. */
  close(): void;
}

/** The socket as a session's writer sees it. */
export interface OutboundSink {
  sendText(text: string): void;
  sendBinary(bytes: Uint8Array): void;
  readonly bufferedBytes: number;
}

/** Builds the writer for one session over its socket. */
export type OutboundWriterFactory = (sink: OutboundSink) => OutboundWriter;
