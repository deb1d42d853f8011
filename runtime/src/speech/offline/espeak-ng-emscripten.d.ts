/**
 * Types for the parts of `@echogarden/espeak-ng-emscripten` (eSpeak NG built with Emscripten; the
 * package ships no types) that the offline synthesizer uses. Read from its espeak-ng.js.
 */
declare module '@echogarden/espeak-ng-emscripten' {
  /** One eSpeak NG instance inside the WebAssembly module. */
  export interface EspeakNgWorker {
    /** Selects a voice by identifier or language (`en-us`, `gmw/en-GB-x-rp`); 0 on success. */
    set_voice(name: string): number;
    /** Output sample rate in Hz (22050 for this build). */
    get_samplerate(): number;
    /**
     * Synthesizes text (eSpeak SSML mode: markup is interpreted, `&` `<` `>` must be escaped),
     * calling back synchronously with each chunk of 16-bit samples; returning true aborts.
     */
    synthesize(text: string, callback: (samples: Int16Array, events: readonly unknown[]) => boolean): void;
  }

  /** The instantiated module. */
  export interface EspeakNgModule {
    readonly eSpeakNGWorker: new () => EspeakNgWorker;
  }

  /** Instantiates the module (loads the 24 MB voice data file next to espeak-ng.js). */
  const createEspeakModule: (moduleArg?: object) => Promise<EspeakNgModule>;
  export default createEspeakModule;
}
