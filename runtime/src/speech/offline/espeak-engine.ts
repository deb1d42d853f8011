import type { EspeakNgWorker } from '@echogarden/espeak-ng-emscripten';

/** Voice identifiers of the eSpeak NG build by BCP-47 language code, where they differ from it. */
export const DEFAULT_ESPEAK_VOICES: Readonly<Record<string, string>> = {
  'en-US': 'en-us',
  'en-GB': 'en-gb-x-rp',
  'es-US': 'es-419',
  'es-MX': 'es-419',
  'es-ES': 'es',
  'fr-CA': 'fr',
  'fr-FR': 'fr',
  'pt-BR': 'pt-br',
  'pt-PT': 'pt',
  'cmn-CN': 'cmn',
};

/** The voice used when nothing matches the requested language. */
const FALLBACK_VOICE = 'en-us';

/**
 * A synchronous eSpeak NG synthesizer over the WebAssembly build. One per process: eSpeak is
 * stateful (current voice) but runs synchronously, so calls cannot interleave.
 */
export class EspeakEngine {
  private currentVoice: string | undefined;

  constructor(private readonly worker: EspeakNgWorker) {}

  /** Output sample rate in Hz. */
  get sampleRateHz(): number {
    return this.worker.get_samplerate();
  }

  /**
   * Synthesizes `markup` (eSpeak SSML: escape plain text first) with the best voice among
   * `candidates`, falling back to en-us. `shouldStop` is polled between chunks.
   */
  synthesize(markup: string, candidates: readonly string[], shouldStop: () => boolean): Int16Array {
    this.selectVoice(candidates);
    const chunks: Int16Array[] = [];
    let total = 0;
    this.worker.synthesize(markup, (samples) => {
      if (samples.length > 0) {
        chunks.push(samples);
        total += samples.length;
      }
      return shouldStop();
    });
    const pcm = new Int16Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      pcm.set(chunk, offset);
      offset += chunk.length;
    }
    return pcm;
  }

  private selectVoice(candidates: readonly string[]): void {
    for (const voice of [...candidates, FALLBACK_VOICE]) {
      if (voice === this.currentVoice) return;
      if (this.worker.set_voice(voice) === 0) {
        this.currentVoice = voice;
        return;
      }
    }
  }
}

let loading: Promise<EspeakEngine> | undefined;

/**
 * The process-wide engine, loaded on first use: the module and its voice data weigh 25 MB, so
 * nothing is loaded until something actually speaks offline. A failed load is retried next time.
 */
export function loadEspeakEngine(): Promise<EspeakEngine> {
  if (loading === undefined) {
    loading = (async () => {
      const { default: createModule } = await import('@echogarden/espeak-ng-emscripten');
      const module = await createModule();
      return new EspeakEngine(new module.eSpeakNGWorker());
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

/** Voice candidates for a language: the table's entry, the code itself, then its language subtag. */
export function espeakVoiceCandidates(voices: Readonly<Record<string, string>>, languageCode: string): string[] {
  const exact = Object.entries(voices).find(([code]) => code.toLowerCase() === languageCode.toLowerCase())?.[1];
  const lower = languageCode.toLowerCase();
  const candidates = [exact, lower, lower.split('-')[0]].filter((v): v is string => v !== undefined && v !== '');
  return [...new Set(candidates)];
}
