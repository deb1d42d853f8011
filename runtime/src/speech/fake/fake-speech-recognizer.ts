import type { Cancel, Clock } from '../../shared/clock.js';
import { AsyncQueue } from '../../shared/async-queue.js';
import type { RecognizerOptions, RecognizerStream, SpeechRecognizer, TranscriptEvent } from '../ports.js';

/** Options of {@link FakeSpeechRecognizer}; durations in ms. */
export interface FakeRecognizerOptions {
  /** Schedules the transcripts. */
  readonly clock: Clock;
  /**
   * What each caller utterance "said", by its 0-based index within a stream: a list (utterances past
   * its end produce nothing) or a function (undefined produces nothing).
   */
  readonly transcripts: readonly string[] | ((utteranceIndex: number) => string | undefined);
  /** Time from the end of an utterance (when the hangover closes it) to its final. @default 300 */
  readonly latencyMs?: number;
  /** RMS level in PCM16 units above which a 20 ms frame is speech. @default 500 (≈ −36 dBFS) */
  readonly energyThreshold?: number;
  /** Silence that closes an utterance. @default 500 */
  readonly hangoverMs?: number;
  /** Speech shorter than this is noise, not an utterance. @default 100 */
  readonly minSpeechMs?: number;
}

/**
 * A deterministic recognizer for integration tests, the benchmark and local runs without AWS. It
 * finds utterances in the written audio with an energy threshold and a hangover, and emits one
 * final transcript per utterance `latencyMs` after the hangover closes it (on the injected Clock).
 * Offsets are in audio time (samples written), like a real stream.
 */
export class FakeSpeechRecognizer implements SpeechRecognizer {
  constructor(private readonly options: FakeRecognizerOptions) {}

  start(options: RecognizerOptions, signal: AbortSignal): RecognizerStream {
    return new FakeRecognizerStream(this.options, options, signal);
  }
}

const FRAME_MS = 20;

class FakeRecognizerStream implements RecognizerStream {
  readonly results: AsyncQueue<TranscriptEvent>;
  private readonly frameSamples: number;
  /** Samples of the current 20 ms frame seen so far, and their energy: no copy of the audio is kept. */
  private frameFill = 0;
  private frameSumSquares = 0;
  private samplesSeen = 0;
  private inSpeech = false;
  private speechStartMs = 0;
  private lastVoicedEndMs = 0;
  private voicedMs = 0;
  private silenceMs = 0;
  private utterances = 0;
  private ended = false;
  private readonly pending = new Set<Cancel>();
  private readonly latencyMs: number;
  private readonly threshold: number;
  private readonly hangoverMs: number;
  private readonly minSpeechMs: number;

  constructor(
    private readonly fake: FakeRecognizerOptions,
    private readonly options: RecognizerOptions,
    signal: AbortSignal,
  ) {
    this.results = new AsyncQueue<TranscriptEvent>();
    this.frameSamples = Math.max(1, Math.round((options.sampleRateHz * FRAME_MS) / 1000));
    this.latencyMs = fake.latencyMs ?? 300;
    this.threshold = fake.energyThreshold ?? 500;
    this.hangoverMs = fake.hangoverMs ?? 500;
    this.minSpeechMs = fake.minSpeechMs ?? 100;
    const abort = (): void => {
      this.ended = true;
      for (const cancel of this.pending) cancel();
      this.pending.clear();
      this.results.close();
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  }

  write(pcm16: Int16Array): void {
    if (this.ended) return;
    // A 20 ms frame at a time, summed in a local: this runs on every sample of every benchmark call,
    // where it stands in for Transcribe's adapter (a bulk copy), so it should add as little as it can.
    const { frameSamples } = this;
    let i = 0;
    while (i < pcm16.length) {
      const end = Math.min(pcm16.length, i + frameSamples - this.frameFill);
      let sumSquares = this.frameSumSquares;
      for (let j = i; j < end; j++) sumSquares += pcm16[j]! * pcm16[j]!;
      this.frameSumSquares = sumSquares;
      this.frameFill += end - i;
      i = end;
      if (this.frameFill === frameSamples) {
        this.analyseFrame();
        this.frameFill = 0;
        this.frameSumSquares = 0;
      }
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.inSpeech) this.closeUtterance();
    this.closeWhenIdle();
  }

  private analyseFrame(): void {
    const voiced = Math.sqrt(this.frameSumSquares / this.frameSamples) > this.threshold;
    const frameStartMs = (this.samplesSeen * 1000) / this.options.sampleRateHz;
    this.samplesSeen += this.frameSamples;
    const frameEndMs = (this.samplesSeen * 1000) / this.options.sampleRateHz;
    if (voiced) {
      if (!this.inSpeech) {
        this.inSpeech = true;
        this.speechStartMs = frameStartMs;
        this.voicedMs = 0;
      }
      this.voicedMs += frameEndMs - frameStartMs;
      this.silenceMs = 0;
      this.lastVoicedEndMs = frameEndMs;
    } else if (this.inSpeech) {
      this.silenceMs += frameEndMs - frameStartMs;
      if (this.silenceMs >= this.hangoverMs) this.closeUtterance();
    }
  }

  private closeUtterance(): void {
    this.inSpeech = false;
    this.silenceMs = 0;
    if (this.voicedMs < this.minSpeechMs) return;
    const index = this.utterances++;
    const { transcripts } = this.fake;
    const text = typeof transcripts === 'function' ? transcripts(index) : transcripts[index];
    if (text === undefined) return;
    const event: TranscriptEvent = {
      kind: 'final',
      resultId: `fake-${index}`,
      text,
      stableText: text,
      startMs: Math.round(this.speechStartMs),
      endMs: Math.round(this.lastVoicedEndMs),
      confidence: 1,
      languageCode: this.options.languageCode,
    };
    const cancel = this.fake.clock.setTimer(this.latencyMs, () => {
      this.pending.delete(cancel);
      this.results.push(event);
      this.closeWhenIdle();
    });
    this.pending.add(cancel);
  }

  private closeWhenIdle(): void {
    if (this.ended && this.pending.size === 0) this.results.close();
  }
}
