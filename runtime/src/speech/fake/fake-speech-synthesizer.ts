import { pcm16ToMulaw } from '../../audio/codec.js';
import { delay, type Clock } from '../../shared/clock.js';
import type { SpeechSynthesizer, SynthesisRequest } from '../ports.js';

/** Options of {@link FakeSpeechSynthesizer}; durations in ms. */
export interface FakeSynthesizerOptions {
  /** Paces the latency and the chunks. */
  readonly clock: Clock;
  /** Time from the request to the first chunk. @default 150 */
  readonly latencyMs?: number;
  /** Audio per character of spoken text (SSML tags excluded); ≈ conversational speech. @default 65 */
  readonly msPerChar?: number;
  /** Shortest clip for non-empty text. @default 300 */
  readonly minDurationMs?: number;
  /** Audio per chunk. @default 200 */
  readonly chunkMs?: number;
  /** Time between chunks after the first (0 = all at once, as a fast service delivers). @default 0 */
  readonly chunkIntervalMs?: number;
}

const SAMPLE_RATE_HZ = 8000;

/**
 * A deterministic synthesizer for integration tests, the benchmark and local runs: real μ-law
 * audio (a buzz at a voice-like pitch with syllable-rate amplitude modulation, so VAD and energy
 * meters treat it as speech), as long as the text predicts, after a fixed latency on the Clock.
 * Every request is recorded in `requests`.
 */
export class FakeSpeechSynthesizer implements SpeechSynthesizer {
  /** Requests received, in order. */
  readonly requests: SynthesisRequest[] = [];
  private readonly latencyMs: number;
  private readonly msPerChar: number;
  private readonly minDurationMs: number;
  private readonly chunkBytes: number;
  private readonly chunkIntervalMs: number;

  constructor(private readonly options: FakeSynthesizerOptions) {
    this.latencyMs = options.latencyMs ?? 150;
    this.msPerChar = options.msPerChar ?? 65;
    this.minDurationMs = options.minDurationMs ?? 300;
    this.chunkBytes = Math.max(1, Math.round(((options.chunkMs ?? 200) * SAMPLE_RATE_HZ) / 1000));
    this.chunkIntervalMs = options.chunkIntervalMs ?? 0;
  }

  /** Duration in ms of the audio produced for `request`. */
  durationMs(request: SynthesisRequest): number {
    const spoken = (request.ssml ? request.text.replace(/<[^>]*>/g, ' ') : request.text).replace(/\s+/g, ' ').trim();
    if (spoken === '') return 0;
    return Math.max(this.minDurationMs, spoken.length * this.msPerChar);
  }

  async *synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    this.requests.push(request);
    const samples = Math.round((this.durationMs(request) * SAMPLE_RATE_HZ) / 1000);
    if (samples === 0 || signal.aborted) return;
    if (!(await this.wait(this.latencyMs, signal))) return;
    const audio = pcm16ToMulaw(buzz(samples));
    for (let offset = 0; offset < audio.length; offset += this.chunkBytes) {
      if (offset > 0 && this.chunkIntervalMs > 0 && !(await this.wait(this.chunkIntervalMs, signal))) return;
      if (signal.aborted) return;
      yield audio.slice(offset, offset + this.chunkBytes);
    }
  }

  /** False when aborted while waiting: the port ends the iteration quietly on abort. */
  private async wait(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await delay(this.options.clock, ms, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** 140 Hz with two harmonics, amplitude-modulated at 4 Hz (a syllable rate), faded in and out. */
function buzz(samples: number): Int16Array {
  const pcm = new Int16Array(samples);
  const fadeSamples = Math.min(80, samples >> 1);
  for (let i = 0; i < samples; i++) {
    const t = i / SAMPLE_RATE_HZ;
    const envelope = 0.6 - 0.4 * Math.cos(2 * Math.PI * 4 * t);
    const tone =
      Math.sin(2 * Math.PI * 140 * t) + 0.5 * Math.sin(2 * Math.PI * 280 * t) + 0.25 * Math.sin(2 * Math.PI * 420 * t);
    const fade = Math.min(1, i / fadeSamples, (samples - 1 - i) / fadeSamples);
    pcm[i] = Math.round(6000 * envelope * tone * fade);
  }
  return pcm;
}
