/**
 * Speech ports: what the call orchestrator needs from speech recognition and synthesis, in domain
 * types. Adapters (Transcribe, Polly, offline) implement them; nothing here names an SDK type.
 */

/** One recognized word of a result; offsets in ms from the start of the recognizer stream. */
export interface RecognizedWord {
  readonly text: string;
  readonly startMs: number;
  readonly endMs: number;
  /** In [0, 1], when the service reports it (Transcribe: finals only). */
  readonly confidence?: number;
}

/** One recognition result. Partials repeat with the same `resultId` until the final one. */
export interface TranscriptEvent {
  readonly kind: 'partial' | 'final';
  readonly resultId: string;
  readonly text: string;
  /**
   * For partials: the prefix of `text` the service has marked stable (will not change). Empty when the
   * service gives no stability information. For finals it equals `text`.
   */
  readonly stableText: string;
  /** Offsets in ms from the start of this recognizer stream. */
  readonly startMs: number;
  readonly endMs: number;
  /** Mean item confidence in [0, 1], when the service reports it. */
  readonly confidence?: number;
  readonly languageCode: string;
  /** The words with their times, when the service reports them (punctuation excluded). */
  readonly words?: readonly RecognizedWord[];
  /** The text is a stand-in, not recognized speech (the offline recognizer marks its segments so). */
  readonly placeholder?: boolean;
  /** On a two-channel stream: the channel the result was heard on (0 or 1, as interleaved). */
  readonly channel?: number;
}

export interface RecognizerOptions {
  /** BCP-47 code as Genesys sends it, e.g. `en-US`. */
  readonly languageCode: string;
  /** Sample rate of the PCM written to the stream. */
  readonly sampleRateHz: number;
  /**
   * Channels of the PCM written: 2 = interleaved two-channel audio, each result tagged with its
   * `channel` (only for a recognizer with `channelIdentification`). Default 1.
   */
  readonly channels?: 1 | 2;
}

/** One live recognition stream. Written with 16-bit PCM (host order; mono, or interleaved when `channels` is 2) as audio arrives. */
export interface RecognizerStream {
  /**
   * Queues audio; never blocks the caller. Audio written after `end()` is ignored. The caller reuses
   * `pcm16` for its next frame, so an implementation copies what it keeps before returning.
   */
  write(pcm16: Int16Array): void;
  /** Ends the input; `results` finishes after the last final result. */
  end(): void;
  /**
   * Results until the stream ends. Iteration throws an AppError (category set) if the stream fails,
   * e.g. when the service drops it or a limit is reached; the orchestrator decides whether to restart.
   */
  readonly results: AsyncIterable<TranscriptEvent>;
}

export interface SpeechRecognizer {
  /**
   * The language codes (BCP 47 casing) this recognizer accepts; absent = any. A call asked for
   * another language keeps its current one.
   */
  readonly languages?: ReadonlySet<string>;
  /**
   * Whether one stream can take two interleaved channels and say which one each result was heard on
   * (Transcribe's channel identification): a stereo call then needs one stream, not one per channel.
   */
  readonly channelIdentification?: boolean;
  /** Opens a stream; aborting `signal` tears it down at once. */
  start(options: RecognizerOptions, signal: AbortSignal): RecognizerStream;
}

export interface SynthesisRequest {
  /** Plain text, or SSML when `ssml` is true. */
  readonly text: string;
  readonly ssml: boolean;
  readonly languageCode: string;
  /** Voice name (Polly VoiceId); adapters pick a default per language when absent. */
  readonly voice?: string;
}

export interface SpeechSynthesizer {
  /**
   * Synthesizes speech as G.711 μ-law (PCMU), 8000 Hz, mono, streamed in chunks as they become
   * available so playback can start before synthesis ends. Throws an AppError (category set) on
   * failure; aborting `signal` stops synthesis and ends the iteration. Chunks are read-only: a cache
   * may hand the same bytes to every call that plays the prompt.
   */
  synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncIterable<Uint8Array>;
}
