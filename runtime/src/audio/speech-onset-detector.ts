/**
 * Turns per-frame VAD decisions into speech start/end events with onset and hangover smoothing, so a
 * cough or a click does not barge in and a pause between words does not end the turn. Pure logic: it
 * counts frames and knows no clock; times are stream positions in ms from the first frame pushed.
 */

/** Options of a {@link SpeechOnsetDetector}; all durations in ms. */
export interface SpeechOnsetOptions {
  /** Length of one VAD frame (the detector's `frameMs`). */
  readonly frameMs: number;
  /** Sliding window over which voiced frames are counted for an onset. @default 300 */
  readonly onsetWindowMs?: number;
  /** Speech starts once this much of the window is voiced (≤ onsetWindowMs). @default 180 */
  readonly onsetVoicedMs?: number;
  /** Speech ends after this much unbroken non-speech. @default 700 */
  readonly hangoverMs?: number;
}

/** A change of speaking state; positions are ms of stream pushed so far. */
export type SpeechTransition =
  | {
      readonly type: 'speechStart';
      /** End of the frame that completed the onset (when the decision was made). */
      readonly atMs: number;
      /** Start of the first voiced frame in the onset window: the estimated start of speech. */
      readonly onsetMs: number;
    }
  | {
      readonly type: 'speechEnd';
      /** End of the frame that completed the hangover. */
      readonly atMs: number;
      /** End of the last voiced frame: the estimated end of speech. */
      readonly lastVoicedMs: number;
    };

/** Smooths one stream's VAD frames; owned by the session that feeds it. */
export interface SpeechOnsetDetector {
  /** Takes the next frame's decision; returns the transition it causes, if any. */
  push(voiced: boolean): SpeechTransition | undefined;
  /** Whether speech is in progress (between a start and an end). */
  readonly speaking: boolean;
  /** Stream position after the last frame pushed, in ms. */
  readonly positionMs: number;
  /** Back to silence at position 0 (e.g. a new recognition stream). */
  reset(): void;
}

/**
 * Creates a detector. Durations are rounded up to whole frames. Throws TypeError for a non-number and
 * RangeError for a non-positive duration or `onsetVoicedMs > onsetWindowMs`.
 */
export function createSpeechOnsetDetector(options: SpeechOnsetOptions): SpeechOnsetDetector {
  const { frameMs } = options;
  const onsetWindowMs = options.onsetWindowMs ?? 300;
  const onsetVoicedMs = options.onsetVoicedMs ?? 180;
  const hangoverMs = options.hangoverMs ?? 700;
  checkPositive(frameMs, 'frameMs');
  checkPositive(onsetWindowMs, 'onsetWindowMs');
  checkPositive(onsetVoicedMs, 'onsetVoicedMs');
  checkPositive(hangoverMs, 'hangoverMs');
  if (onsetVoicedMs > onsetWindowMs) throw new RangeError('onsetVoicedMs must not exceed onsetWindowMs');

  const windowFrames = Math.ceil(onsetWindowMs / frameMs);
  return new RingOnsetDetector(frameMs, windowFrames, Math.min(windowFrames, Math.ceil(onsetVoicedMs / frameMs)), Math.ceil(hangoverMs / frameMs));
}

/** A class: one per call, and an object literal with getters would be a dictionary-mode object. */
class RingOnsetDetector implements SpeechOnsetDetector {
  // Ring buffer of the last `windowFrames` decisions (1 voiced) and how many of them are voiced.
  private readonly ring: Uint8Array;
  private ringPos = 0;
  private voicedInWindow = 0;
  private frames = 0;
  private inSpeech = false;
  private silentRun = 0;
  private lastVoicedFrameEnd = 0;

  constructor(
    private readonly frameMs: number,
    private readonly windowFrames: number,
    private readonly voicedFramesNeeded: number,
    private readonly hangoverFrames: number,
  ) {
    this.ring = new Uint8Array(windowFrames);
  }

  push(voiced: boolean): SpeechTransition | undefined {
    const { ring, frameMs } = this;
    const bit = voiced ? 1 : 0;
    this.voicedInWindow += bit - ring[this.ringPos]!;
    ring[this.ringPos] = bit;
    this.ringPos = (this.ringPos + 1) % this.windowFrames;
    this.frames++;
    if (voiced) {
      this.silentRun = 0;
      this.lastVoicedFrameEnd = this.frames;
    } else {
      this.silentRun++;
    }

    if (!this.inSpeech) {
      if (this.voicedInWindow < this.voicedFramesNeeded) return undefined;
      this.inSpeech = true;
      return { type: 'speechStart', atMs: this.frames * frameMs, onsetMs: this.firstVoicedFrameInWindow() * frameMs };
    }
    if (this.silentRun < this.hangoverFrames) return undefined;
    this.inSpeech = false;
    // A fresh onset is required after an end, not the tail of the last utterance.
    this.clearWindow();
    return { type: 'speechEnd', atMs: this.frames * frameMs, lastVoicedMs: this.lastVoicedFrameEnd * frameMs };
  }

  get speaking(): boolean {
    return this.inSpeech;
  }

  get positionMs(): number {
    return this.frames * this.frameMs;
  }

  reset(): void {
    this.clearWindow();
    this.ringPos = 0;
    this.frames = 0;
    this.inSpeech = false;
    this.silentRun = 0;
    this.lastVoicedFrameEnd = 0;
  }

  private clearWindow(): void {
    this.ring.fill(0);
    this.voicedInWindow = 0;
  }

  // Frame index (0-based) of the oldest voiced frame still in the window; called once per onset.
  private firstVoicedFrameInWindow(): number {
    const { frames, windowFrames, ring, ringPos } = this;
    const filled = Math.min(frames, windowFrames);
    for (let k = filled; k >= 1; k--) {
      if (ring[(ringPos - k + windowFrames) % windowFrames] === 1) return frames - k;
    }
    return frames - 1;
  }
}

function checkPositive(value: unknown, name: string): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${name} must be a number`);
  if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${name} must be a positive finite number`);
}
