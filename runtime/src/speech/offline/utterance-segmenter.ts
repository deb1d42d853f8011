import { createSpeechOnsetDetector, type SpeechOnsetDetector } from '../../audio/speech-onset-detector.js';
import type { VadEngine, VadSampleRateHz, VoiceActivityDetector } from '../../audio/vad.js';

/** Options of an {@link UtteranceSegmenter}; durations in ms of audio. */
export interface UtteranceSegmenterOptions {
  readonly sampleRateHz: number;
  /** Voiced audio (within 300 ms) that starts a segment. @default 120 */
  readonly onsetVoicedMs?: number;
  /** Unvoiced audio that ends a segment. @default 600 */
  readonly hangoverMs?: number;
  /** A partial result is due every this much audio while a segment is open. @default 400 */
  readonly partialEveryMs?: number;
}

/** What the segmenter found; positions are ms of audio from the start of the stream. */
export type SegmentEvent =
  | { readonly type: 'progress'; readonly startMs: number; readonly endMs: number }
  | { readonly type: 'end'; readonly startMs: number; readonly endMs: number };

const VAD_RATES: readonly VadSampleRateHz[] = [8000, 16000, 32000, 48000];
const FRAME_MS = 20;

/**
 * Finds speech segments in one stream's PCM with the server's own VAD (WebRTC VAD + onset/hangover
 * smoothing), the way Transcribe cuts results at natural pauses. Audio at a rate the VAD does not
 * take (Transcribe accepts 8000-48000 Hz) is decimated to the nearest lower VAD rate first.
 */
export class UtteranceSegmenter {
  private readonly vad: VoiceActivityDetector;
  private readonly onset: SpeechOnsetDetector;
  private readonly partialEveryMs: number;
  private readonly step: number;
  private decimatePosition = 0;
  private segmentStartMs = 0;
  private lastVoicedMs = 0;
  private nextPartialAtMs = 0;

  constructor(engine: VadEngine, options: UtteranceSegmenterOptions) {
    const vadRate = [...VAD_RATES].reverse().find((rate) => rate <= options.sampleRateHz) ?? 8000;
    this.step = options.sampleRateHz / vadRate;
    this.vad = engine.createDetector({ sampleRateHz: vadRate, frameMs: FRAME_MS, mode: 2 });
    this.onset = createSpeechOnsetDetector({
      frameMs: FRAME_MS,
      onsetVoicedMs: options.onsetVoicedMs ?? 120,
      hangoverMs: options.hangoverMs ?? 600,
    });
    this.partialEveryMs = options.partialEveryMs ?? 400;
  }

  /** Whether a segment is open. */
  get speaking(): boolean {
    return this.onset.speaking;
  }

  /** Audio position in ms after the last whole VAD frame. */
  get positionMs(): number {
    return this.onset.positionMs;
  }

  /** Classifies `pcm16` (host order) and reports what it changes, in order. */
  write(pcm16: Int16Array, onEvent: (event: SegmentEvent) => void): void {
    this.vad.write(this.step === 1 ? pcm16 : this.decimate(pcm16), (voiced) => {
      const transition = this.onset.push(voiced);
      if (voiced) this.lastVoicedMs = this.onset.positionMs;
      if (transition?.type === 'speechStart') {
        this.segmentStartMs = transition.onsetMs;
        this.nextPartialAtMs = transition.atMs;
      }
      if (transition?.type === 'speechEnd') {
        onEvent({ type: 'end', startMs: this.segmentStartMs, endMs: transition.lastVoicedMs });
        return;
      }
      // Partials while speech goes on; none during the hangover, which hears nothing new.
      if (this.onset.speaking && voiced && this.onset.positionMs >= this.nextPartialAtMs) {
        this.nextPartialAtMs = this.onset.positionMs + this.partialEveryMs;
        onEvent({ type: 'progress', startMs: this.segmentStartMs, endMs: this.lastVoicedMs });
      }
    });
  }

  /** Ends input: an open segment ends where the audio ends. */
  finish(onEvent: (event: SegmentEvent) => void): void {
    if (this.onset.speaking) onEvent({ type: 'end', startMs: this.segmentStartMs, endMs: this.lastVoicedMs });
    this.onset.reset();
  }

  close(): void {
    this.vad.close();
  }

  private decimate(pcm16: Int16Array): Int16Array {
    const out: number[] = [];
    for (; this.decimatePosition < pcm16.length; this.decimatePosition += this.step) out.push(pcm16[Math.floor(this.decimatePosition)]!);
    this.decimatePosition -= pcm16.length;
    return Int16Array.from(out);
  }
}
