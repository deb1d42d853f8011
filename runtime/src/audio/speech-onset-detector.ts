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
  const voicedFramesNeeded = Math.min(windowFrames, Math.ceil(onsetVoicedMs / frameMs));
  const hangoverFrames = Math.ceil(hangoverMs / frameMs);

  // Ring buffer of the last `windowFrames` decisions (1 voiced) and how many of them are voiced.
  const ring = new Uint8Array(windowFrames);
  let ringPos = 0;
  let voicedInWindow = 0;
  let frames = 0;
  let speaking = false;
  let silentRun = 0;
  let lastVoicedFrameEnd = 0;

  const clearWindow = (): void => {
    ring.fill(0);
    voicedInWindow = 0;
  };

  // Frame index (0-based) of the oldest voiced frame still in the window; called once per onset.
  const firstVoicedFrameInWindow = (): number => {
    const filled = Math.min(frames, windowFrames);
    for (let k = filled; k >= 1; k--) {
      if (ring[(ringPos - k + windowFrames) % windowFrames] === 1) return frames - k;
    }
    return frames - 1;
  };

  return {
    push(voiced) {
      const bit = voiced ? 1 : 0;
      voicedInWindow += bit - ring[ringPos]!;
      ring[ringPos] = bit;
      ringPos = (ringPos + 1) % windowFrames;
      frames++;
      if (voiced) {
        silentRun = 0;
        lastVoicedFrameEnd = frames;
      } else {
        silentRun++;
      }

      if (!speaking) {
        if (voicedInWindow < voicedFramesNeeded) return undefined;
        speaking = true;
        return { type: 'speechStart', atMs: frames * frameMs, onsetMs: firstVoicedFrameInWindow() * frameMs };
      }
      if (silentRun < hangoverFrames) return undefined;
      speaking = false;
      // A fresh onset is required after an end, not the tail of the last utterance.
      clearWindow();
      return { type: 'speechEnd', atMs: frames * frameMs, lastVoicedMs: lastVoicedFrameEnd * frameMs };
    },
    get speaking() {
      return speaking;
    },
    get positionMs() {
      return frames * frameMs;
    },
    reset() {
      clearWindow();
      ringPos = 0;
      frames = 0;
      speaking = false;
      silentRun = 0;
      lastVoicedFrameEnd = 0;
    },
  };
}

function checkPositive(value: unknown, name: string): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${name} must be a number`);
  if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${name} must be a positive finite number`);
}
