import fvad, { type FvadModule } from '@echogarden/fvad-wasm';

/**
 * Voice activity detection with the WebRTC VAD (libfvad compiled to WASM). One WASM module per process,
 * one small fvad instance per session: a detector costs about 3 KB of WASM heap plus one frame of
 * samples, and classifies a 20 ms frame in about a microsecond.
 */

/** Sample rates libfvad supports. */
export type VadSampleRateHz = 8000 | 16000 | 32000 | 48000;

/** Frame lengths libfvad classifies. */
export type VadFrameMs = 10 | 20 | 30;

/**
 * libfvad aggressiveness: 0 flags the most audio as speech, 3 the least. Higher modes reject more
 * line noise and breathing at the cost of missing soft speech onsets.
 */
export type VadMode = 0 | 1 | 2 | 3;

/** Options of one detector. */
export interface VoiceActivityDetectorOptions {
  /** @default 8000 (Audio Connector PCMU) */
  readonly sampleRateHz?: VadSampleRateHz;
  /** Frame length classified at a time. @default 20 (divides Genesys's 200 ms frames, so nothing waits) */
  readonly frameMs?: VadFrameMs;
  /** @default 2 (see the VAD tests: rejects -50 dBFS line noise, keeps speech onsets) */
  readonly mode?: VadMode;
}

/** Streaming speech/non-speech classifier of mono PCM16 for one session; owned by that session. */
export interface VoiceActivityDetector {
  readonly sampleRateHz: VadSampleRateHz;
  readonly frameMs: VadFrameMs;
  /**
   * Classifies the whole frames formed by samples left from earlier calls followed by `pcm16`, calling
   * `onFrame` once per frame in order; samples short of a frame wait for the next call. Returns the
   * number of frames classified. Does nothing after `close()`.
   */
  write(pcm16: Int16Array, onFrame: (voiced: boolean) => void): number;
  /** Like `write`, returning the decisions as an array (allocates; for tests and tools). */
  process(pcm16: Int16Array): boolean[];
  /** Forgets buffered samples and the detector's adaptive noise estimate (e.g. after a stream gap). */
  reset(): void;
  /** Frees the WASM instance; idempotent. */
  close(): void;
}

/** Makes detectors synchronously once the WASM module is loaded (e.g. at process start). */
export interface VadEngine {
  /** Creates a detector; TypeError/RangeError for invalid options. */
  createDetector(options?: VoiceActivityDetectorOptions): VoiceActivityDetector;
}

// One scratch block in WASM memory shared by every detector: JS is single-threaded, and a block is
// copied in and wholly classified before any callback runs, so no two detectors use it at once.
// 200 ms at 48 kHz: a whole Genesys frame at 8 kHz is copied into WASM once, not frame by frame.
const SCRATCH_SAMPLES = 9600;

let enginePromise: Promise<VadEngine> | undefined;

/** Loads the WASM module once per process; later calls share it. A failed load is retried next call. */
export function loadVadEngine(): Promise<VadEngine> {
  enginePromise ??= fvad({ print: () => undefined, printErr: () => undefined })
    .then(toEngine)
    .catch((error: unknown) => {
      enginePromise = undefined;
      throw error;
    });
  return enginePromise;
}

/** Loads the engine if needed and creates one detector. */
export async function createVoiceActivityDetector(
  options: VoiceActivityDetectorOptions = {},
): Promise<VoiceActivityDetector> {
  return (await loadVadEngine()).createDetector(options);
}

function toEngine(wasm: FvadModule): VadEngine {
  const scratchPtr = wasm._malloc(SCRATCH_SAMPLES * 2);
  if (scratchPtr === 0) throw new Error('fvad: out of WASM memory');
  // A detector dropped without close() would leak its WASM instance; this frees it when collected.
  const leaked = new FinalizationRegistry<number>((handle) => wasm._fvad_free(handle));
  return { createDetector: (options) => createDetector(wasm, scratchPtr, leaked, options ?? {}) };
}

function createDetector(
  wasm: FvadModule,
  scratchPtr: number,
  leaked: FinalizationRegistry<number>,
  options: VoiceActivityDetectorOptions,
): VoiceActivityDetector {
  const sampleRateHz = options.sampleRateHz ?? 8000;
  const frameMs = options.frameMs ?? 20;
  const mode = options.mode ?? 2;
  checkChoice(sampleRateHz, 'sampleRateHz', [8000, 16000, 32000, 48000]);
  checkChoice(frameMs, 'frameMs', [10, 20, 30]);
  checkChoice(mode, 'mode', [0, 1, 2, 3]);

  const handle = wasm._fvad_new();
  if (handle === 0) throw new Error('fvad: out of WASM memory');
  if (wasm._fvad_set_sample_rate(handle, sampleRateHz) !== 0 || wasm._fvad_set_mode(handle, mode) !== 0) {
    wasm._fvad_free(handle);
    throw new RangeError('fvad rejected the sample rate or mode');
  }
  const frameSamples = (sampleRateHz / 1000) * frameMs;
  const pending = new Int16Array(frameSamples);
  let pendingCount = 0;
  let open = true;
  const scratchIndex = scratchPtr >> 1;

  const blockFrames = Math.floor(SCRATCH_SAMPLES / frameSamples);
  const decisions = new Uint8Array(blockFrames);

  // Copies `count` whole frames into the scratch block and classifies them. HEAP16 is re-read every
  // time: growing WASM memory (another session creating a detector) detaches the old view.
  const classifyBlock = (samples: Int16Array, count: number): void => {
    wasm.HEAP16.set(samples, scratchIndex);
    for (let k = 0; k < count; k++) {
      const result = wasm._fvad_process(handle, scratchPtr + k * frameSamples * 2, frameSamples);
      if (result < 0) throw new Error('fvad rejected a frame');
      decisions[k] = result;
    }
  };

  // Reports decisions only after the whole block is classified; `open` is re-checked because an
  // onFrame callback may close the detector (and free its handle).
  const report = (count: number, onFrame: (voiced: boolean) => void): number => {
    let reported = 0;
    for (; reported < count && open; reported++) onFrame(decisions[reported] === 1);
    return reported;
  };

  const detector: VoiceActivityDetector = {
    sampleRateHz,
    frameMs,
    write(pcm16, onFrame) {
      if (!open) return 0;
      let frames = 0;
      let i = 0;
      if (pendingCount > 0) {
        const fill = Math.min(frameSamples - pendingCount, pcm16.length);
        pending.set(pcm16.subarray(0, fill), pendingCount);
        pendingCount += fill;
        i = fill;
        if (pendingCount < frameSamples) return 0;
        pendingCount = 0;
        classifyBlock(pending, 1);
        frames += report(1, onFrame);
      }
      while (open && pcm16.length - i >= frameSamples) {
        const count = Math.min(blockFrames, Math.floor((pcm16.length - i) / frameSamples));
        const end = i + count * frameSamples;
        classifyBlock(pcm16.subarray(i, end), count);
        i = end;
        frames += report(count, onFrame);
      }
      if (open && i < pcm16.length) {
        pending.set(pcm16.subarray(i), 0);
        pendingCount = pcm16.length - i;
      }
      return frames;
    },
    process(pcm16) {
      const decisions: boolean[] = [];
      detector.write(pcm16, (voiced) => decisions.push(voiced));
      return decisions;
    },
    reset() {
      pendingCount = 0;
      if (open) wasm._fvad_reset(handle);
    },
    close() {
      if (!open) return;
      open = false;
      leaked.unregister(detector);
      wasm._fvad_free(handle);
    },
  };
  leaked.register(detector, handle, detector);
  return detector;
}

function checkChoice(value: unknown, name: string, allowed: readonly number[]): void {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!allowed.includes(value)) throw new RangeError(`${name} must be one of ${allowed.join(', ')}`);
}
