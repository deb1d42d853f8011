import type { PartialResultsStability, TranscribeStreamingClient } from '@aws-sdk/client-transcribe-streaming';
import type { Clock } from '../../shared/clock.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { RecognizerOptions, SpeechRecognizer } from '../ports.js';
import { TRANSCRIBE_STREAMING_LANGUAGES } from './transcribe-languages.js';
import { TranscribeRecognizerStream } from './transcribe-recognizer-stream.js';

/** Options of {@link TranscribeSpeechRecognizer}; all durations in ms. */
export interface TranscribeRecognizerOptions {
  /** Drives the keep-alive timer. */
  readonly clock: Clock;
  readonly logger?: Logger;
  /**
   * Transcribe's partial-result stabilization level: 'high' marks words stable soonest (lowest
   * latency, slightly less accurate), 'low' is the most accurate.
   * @default 'high'
   */
  readonly partialResultsStability?: PartialResultsStability;
  /**
   * Duration of each AudioChunk sent; AWS recommends uniform 50–200 ms chunks (3200 bytes at 8 kHz
   * for 200 ms). Genesys's Audio Connector sends 200 ms frames, so 200 sends each frame as it comes
   * in one event; 100 split every frame into two events sent at once, doubling the SDK's per-event
   * encoding and SigV4 signing (the real speech path's largest cost) for no earlier result.
   * @default 200
   */
  readonly chunkMs?: number;
  /**
   * Most audio held while the service does not take it; beyond it the oldest audio is dropped and
   * counted ({@link TranscribeRecognizerStream.droppedAudioMs}).
   * @default 5000
   */
  readonly maxQueuedMs?: number;
  /**
   * Keep-alive period: in every period in which the caller wrote no audio, `keepAliveSilenceMs` of
   * silence is sent so the service does not end the stream after 15 s without audio. 0 disables it.
   * @default 1000
   */
  readonly keepAliveIntervalMs?: number;
  /** One chunk's worth, so that a keep-alive goes out at once rather than waiting for a second one. @default chunkMs */
  readonly keepAliveSilenceMs?: number;
}

/**
 * Speech recognition with Amazon Transcribe streaming (`pcm`, 16-bit LE, mono; aws-notes §1).
 *
 * Who calls what: the session calls `start()` once per call after `opened`, `write()` with every
 * decoded caller frame, `end()` when the caller side ends (then drains `results` for the last final),
 * and aborts the signal to tear down at once. The stream keeps itself alive: while the caller writes
 * nothing (Genesys `paused`, hold, the bot speaking with no caller audio) it feeds short silences on
 * its own Clock timer, so the session never has to. Results are offsets in audio-stream time.
 * The client is shared by all calls (one per process, built in `compose/speech.ts`).
 */
export class TranscribeSpeechRecognizer implements SpeechRecognizer {
  readonly languages = TRANSCRIBE_STREAMING_LANGUAGES;
  readonly channelIdentification = true;
  private readonly settings: TranscribeRecognizerOptions & { readonly logger: Logger };

  constructor(
    private readonly client: TranscribeStreamingClient,
    options: TranscribeRecognizerOptions,
  ) {
    this.settings = { logger: silentLogger, ...options };
  }

  start(options: RecognizerOptions, signal: AbortSignal): TranscribeRecognizerStream {
    const s = this.settings;
    const chunkMs = s.chunkMs ?? 200;
    return new TranscribeRecognizerStream(this.client, options, signal, {
      clock: s.clock,
      logger: s.logger,
      partialResultsStability: s.partialResultsStability ?? 'high',
      chunkMs,
      maxQueuedMs: s.maxQueuedMs ?? 5000,
      keepAliveIntervalMs: s.keepAliveIntervalMs ?? 1000,
      keepAliveSilenceMs: s.keepAliveSilenceMs ?? chunkMs,
    });
  }
}
