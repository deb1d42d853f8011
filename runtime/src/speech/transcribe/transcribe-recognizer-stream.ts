import {
  StartStreamTranscriptionCommand,
  type AudioStream,
  type LanguageCode,
  type PartialResultsStability,
  type StartStreamTranscriptionCommandOutput,
  type TranscribeStreamingClient,
  type TranscriptResultStream,
} from '@aws-sdk/client-transcribe-streaming';
import type { Cancel, Clock } from '../../shared/clock.js';
import { normalizeLanguageTag } from '../../shared/language-tag.js';
import type { Logger } from '../../shared/logger.js';
import { ABORTED, raceAbort } from '../abort-race.js';
import type { RecognizerOptions, RecognizerStream, TranscriptEvent } from '../ports.js';
import { PcmChunkQueue } from './pcm-chunk-queue.js';
import { TRANSCRIBE_STREAM_EXCEPTIONS, toTranscribeError } from './transcribe-errors.js';
import { toTranscriptEvents } from './transcript-mapping.js';

/** Settings of one stream, resolved from the recognizer's options (all durations in ms). */
export interface TranscribeStreamSettings {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly partialResultsStability: PartialResultsStability;
  readonly chunkMs: number;
  readonly maxQueuedMs: number;
  /** 0 disables keep-alive. */
  readonly keepAliveIntervalMs: number;
  readonly keepAliveSilenceMs: number;
}

/**
 * One Transcribe streaming request. Audio written by the caller is chunked into uniform LE PCM
 * chunks and pulled by the SDK through an async generator; results are read until the service
 * ends the stream. Owns its keep-alive timer (see {@link TranscribeSpeechRecognizer}).
 */
export class TranscribeRecognizerStream implements RecognizerStream {
  /** Results in arrival order; single consumer. */
  readonly results: AsyncIterable<TranscriptEvent>;
  private readonly queue: PcmChunkQueue;
  private readonly bytesPerMs: number;
  private readonly response: Promise<StartStreamTranscriptionCommandOutput>;
  private ended = false;
  private wroteSinceTick = false;
  private cancelKeepAlive: Cancel | undefined;
  private droppedLogged = false;

  constructor(
    client: TranscribeStreamingClient,
    private readonly options: RecognizerOptions,
    private readonly signal: AbortSignal,
    private readonly settings: TranscribeStreamSettings,
  ) {
    const { sampleRateHz } = options;
    if (!Number.isInteger(sampleRateHz) || sampleRateHz < 8000 || sampleRateHz > 48000) {
      throw new RangeError('Transcribe needs a sample rate between 8000 and 48000 Hz');
    }
    if (!(settings.chunkMs >= 20 && settings.chunkMs <= 1000)) throw new RangeError('chunkMs must be in [20, 1000]');
    const channels = options.channels ?? 1;
    // A chunk holds whole sample frames (one sample per channel), so a dropped chunk never shifts the channels.
    const bytesPerFrame = 2 * channels;
    this.bytesPerMs = (sampleRateHz * bytesPerFrame) / 1000;
    const chunkBytes = Math.round((sampleRateHz * settings.chunkMs) / 1000) * bytesPerFrame;
    this.queue = new PcmChunkQueue({
      chunkBytes,
      maxQueuedBytes: Math.max(chunkBytes, Math.round(settings.maxQueuedMs * this.bytesPerMs)),
    });
    const command = new StartStreamTranscriptionCommand({
      // Transcribe takes `en-US` only; a code written `en-us` would fail the request.
      LanguageCode: normalizeLanguageTag(options.languageCode) as LanguageCode,
      MediaEncoding: 'pcm',
      MediaSampleRateHertz: sampleRateHz,
      EnablePartialResultsStabilization: true,
      PartialResultsStability: settings.partialResultsStability,
      // Two channels: one stream, billed once for its duration, results tagged ch_0 / ch_1 (aws-notes §1).
      ...(channels === 2 ? { EnableChannelIdentification: true, NumberOfChannels: 2 } : {}),
      AudioStream: this.audioEvents(),
    });
    this.response = client.send(command, { abortSignal: signal });
    // Failures surface through `results`; this keeps an unread stream from an unhandled rejection.
    this.response.catch(() => undefined);
    signal.addEventListener('abort', this.onAbort, { once: true });
    if (signal.aborted) this.onAbort();
    else this.armKeepAlive();
    this.results = this.readResults();
  }

  /** Milliseconds of caller audio dropped because the service did not take it in time. */
  get droppedAudioMs(): number {
    return this.queue.droppedBytes / this.bytesPerMs;
  }

  write(pcm16: Int16Array): void {
    if (this.ended) return;
    this.wroteSinceTick = true;
    this.queue.write(pcm16);
    this.logFirstDrop();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopKeepAlive();
    // Closing the queue returns from the AudioStream generator, so the SDK sends the end frame;
    // the final results arrive after that and `results` keeps reading them.
    this.queue.close();
  }

  private readonly onAbort = (): void => {
    this.ended = true;
    this.stopKeepAlive();
    this.queue.discard();
  };

  private async *audioEvents(): AsyncGenerator<AudioStream, void, undefined> {
    for await (const chunk of this.queue.chunks()) yield { AudioEvent: { AudioChunk: chunk } };
  }

  private async *readResults(): AsyncGenerator<TranscriptEvent, void, undefined> {
    let iterator: AsyncIterator<TranscriptResultStream> | undefined;
    try {
      const response = await raceAbort(this.response, this.signal);
      if (response === ABORTED || response.TranscriptResultStream === undefined) return;
      iterator = response.TranscriptResultStream[Symbol.asyncIterator]();
      for (;;) {
        const next = await raceAbort(iterator.next(), this.signal);
        if (next === ABORTED || next.done === true) return;
        throwIfException(next.value);
        if (next.value.TranscriptEvent === undefined) continue;
        yield* toTranscriptEvents(next.value.TranscriptEvent, this.options.languageCode);
      }
    } catch (error) {
      if (this.signal.aborted) return;
      throw toTranscribeError(error);
    } finally {
      this.signal.removeEventListener('abort', this.onAbort);
      if (this.signal.aborted) iterator?.return?.().catch(() => undefined);
      // The service ended the stream (or failed): stop feeding it.
      this.ended = true;
      this.stopKeepAlive();
      this.queue.discard();
    }
  }

  /**
   * Keep-alive: Transcribe drops a stream after 15 s without audio (aws-notes §1). Every interval in
   * which the caller wrote nothing (paused stream, hold), a short stretch of digital silence is
   * queued, so the stream survives pauses of any length. Silence also lets Transcribe endpoint a
   * segment that the pause cut off.
   */
  private armKeepAlive(): void {
    if (this.settings.keepAliveIntervalMs <= 0) return;
    const silence = new Int16Array(Math.round((this.options.sampleRateHz * this.settings.keepAliveSilenceMs) / 1000) * (this.options.channels ?? 1));
    const tick = (): void => {
      if (this.ended) return;
      if (!this.wroteSinceTick) this.queue.write(silence);
      this.wroteSinceTick = false;
      this.cancelKeepAlive = this.settings.clock.setTimer(this.settings.keepAliveIntervalMs, tick);
    };
    this.cancelKeepAlive = this.settings.clock.setTimer(this.settings.keepAliveIntervalMs, tick);
  }

  private stopKeepAlive(): void {
    this.cancelKeepAlive?.();
    this.cancelKeepAlive = undefined;
  }

  private logFirstDrop(): void {
    if (this.droppedLogged || this.queue.droppedBytes === 0) return;
    this.droppedLogged = true;
    this.settings.logger.warn({ droppedAudioMs: this.droppedAudioMs }, 'transcribe stalled: dropping oldest audio');
  }
}

/** Exceptions can arrive as union members of the result stream; treat them like thrown ones. */
function throwIfException(event: TranscriptResultStream): void {
  for (const name of TRANSCRIBE_STREAM_EXCEPTIONS) {
    const value = (event as unknown as Readonly<Record<string, unknown>>)[name];
    if (value === undefined) continue;
    if (value instanceof Error) throw value;
    const message = (value as { Message?: unknown }).Message;
    throw Object.assign(new Error(typeof message === 'string' ? message : name), { name });
  }
}
