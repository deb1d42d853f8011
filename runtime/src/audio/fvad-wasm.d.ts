/**
 * Types for `@echogarden/fvad-wasm`, which ships none: libfvad (the WebRTC VAD) compiled with
 * Emscripten. Only the exports `vad.ts` uses are declared.
 */
declare module '@echogarden/fvad-wasm' {
  /** The instantiated Emscripten module; pointers are byte offsets into its linear memory. */
  export interface FvadModule {
    /** Allocates a detector (about 3 KB of WASM heap); 0 on failure. */
    _fvad_new(): number;
    _fvad_free(handle: number): void;
    _fvad_reset(handle: number): void;
    /** Aggressiveness 0–3; returns 0, or -1 for an invalid mode. */
    _fvad_set_mode(handle: number, mode: number): number;
    /** 8000, 16000, 32000 or 48000; returns 0, or -1 for an invalid rate. */
    _fvad_set_sample_rate(handle: number, sampleRateHz: number): number;
    /** Classifies one 10, 20 or 30 ms frame of PCM16 at `framePtr`: 1 voiced, 0 not, -1 bad length. */
    _fvad_process(handle: number, framePtr: number, samples: number): number;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    /** View of the linear memory; replaced when memory grows, so read it after any allocation. */
    readonly HEAP16: Int16Array;
  }

  /** Instantiates the module (reads and compiles `fvad.wasm`); `print`/`printErr` replace console. */
  export default function fvad(moduleArg?: {
    print?: (text: string) => void;
    printErr?: (text: string) => void;
  }): Promise<FvadModule>;
}
