import { BILINGUAL_VOICES, VOICE_ENGINES } from '../../../src/speech/polly/voice-engines.js';

/** A Polly voice's language and the engines it has. */
export interface PollyVoice {
  readonly languageCode: string;
  /** Extra languages of bilingual voices (Polly's AdditionalLanguageCodes). */
  readonly additionalLanguageCodes?: readonly string[];
  readonly engines: readonly PollyEngine[];
}

export type PollyEngine = 'standard' | 'neural' | 'long-form' | 'generative';

/** A voice's language, and its engines when the runtime's table does not list the voice. */
interface CatalogueRow {
  readonly languageCode: string;
  readonly engines?: readonly PollyEngine[];
}

const S = 'standard';
const N = 'neural';
const G = 'generative';

/**
 * Voices by VoiceId. Engines and bilingual languages come from the runtime's table
 * (runtime/src/speech/polly/voice-engines.ts, checked against the Polly Developer Guide), so the
 * endpoint refuses exactly the engine × voice pairs the server's start-up check refuses; a row here
 * names engines only for a voice that table does not list. A VoiceId not here is refused as the
 * service refuses an unknown one, so add a voice here before using it locally.
 */
const CATALOGUE: Readonly<Record<string, CatalogueRow>> = {
  // English (US)
  Joanna: { languageCode: 'en-US' },
  Matthew: { languageCode: 'en-US' },
  Ruth: { languageCode: 'en-US' },
  Stephen: { languageCode: 'en-US', engines: [N, G] },
  Danielle: { languageCode: 'en-US' },
  Gregory: { languageCode: 'en-US' },
  Ivy: { languageCode: 'en-US', engines: [S, N] },
  Kendra: { languageCode: 'en-US', engines: [S, N] },
  Kimberly: { languageCode: 'en-US', engines: [S, N] },
  Salli: { languageCode: 'en-US', engines: [S, N] },
  Joey: { languageCode: 'en-US', engines: [S, N] },
  Justin: { languageCode: 'en-US', engines: [S, N] },
  Kevin: { languageCode: 'en-US', engines: [N] },
  // Other English
  Amy: { languageCode: 'en-GB' },
  Emma: { languageCode: 'en-GB', engines: [S, N] },
  Brian: { languageCode: 'en-GB', engines: [S, N, G] },
  Arthur: { languageCode: 'en-GB', engines: [N] },
  Nicole: { languageCode: 'en-AU', engines: [S] },
  Russell: { languageCode: 'en-AU', engines: [S] },
  Olivia: { languageCode: 'en-AU' },
  Aditi: { languageCode: 'en-IN', engines: [S] },
  Raveena: { languageCode: 'en-IN', engines: [S] },
  Kajal: { languageCode: 'en-IN' },
  Niamh: { languageCode: 'en-IE' },
  Aria: { languageCode: 'en-NZ' },
  Ayanda: { languageCode: 'en-ZA' },
  Geraint: { languageCode: 'en-GB-WLS', engines: [S] },
  // Spanish
  Lupe: { languageCode: 'es-US' },
  Penelope: { languageCode: 'es-US', engines: [S] },
  Miguel: { languageCode: 'es-US', engines: [S] },
  Pedro: { languageCode: 'es-US', engines: [N, G] },
  Lucia: { languageCode: 'es-ES' },
  Conchita: { languageCode: 'es-ES', engines: [S] },
  Enrique: { languageCode: 'es-ES', engines: [S] },
  Sergio: { languageCode: 'es-ES', engines: [N, G] },
  Mia: { languageCode: 'es-MX' },
  Andres: { languageCode: 'es-MX', engines: [N, G] },
  // French, German, Italian, Portuguese
  Gabrielle: { languageCode: 'fr-CA' },
  Chantal: { languageCode: 'fr-CA', engines: [S] },
  Liam: { languageCode: 'fr-CA', engines: [N] },
  Lea: { languageCode: 'fr-FR' },
  Celine: { languageCode: 'fr-FR', engines: [S] },
  Mathieu: { languageCode: 'fr-FR', engines: [S] },
  Remi: { languageCode: 'fr-FR', engines: [N, G] },
  Vicki: { languageCode: 'de-DE' },
  Marlene: { languageCode: 'de-DE', engines: [S] },
  Hans: { languageCode: 'de-DE', engines: [S] },
  Daniel: { languageCode: 'de-DE', engines: [N, G] },
  Hannah: { languageCode: 'de-AT' },
  Bianca: { languageCode: 'it-IT' },
  Carla: { languageCode: 'it-IT', engines: [S] },
  Giorgio: { languageCode: 'it-IT', engines: [S] },
  Adriano: { languageCode: 'it-IT', engines: [N, G] },
  Camila: { languageCode: 'pt-BR' },
  Vitoria: { languageCode: 'pt-BR', engines: [S, N] },
  Ricardo: { languageCode: 'pt-BR', engines: [S] },
  Thiago: { languageCode: 'pt-BR', engines: [N, G] },
  Ines: { languageCode: 'pt-PT' },
  Cristiano: { languageCode: 'pt-PT', engines: [S] },
  // Asian languages
  Takumi: { languageCode: 'ja-JP' },
  Mizuki: { languageCode: 'ja-JP', engines: [S] },
  Kazuha: { languageCode: 'ja-JP', engines: [N] },
  Tomoko: { languageCode: 'ja-JP', engines: [N] },
  Seoyeon: { languageCode: 'ko-KR' },
  Zhiyu: { languageCode: 'cmn-CN' },
  // Nordic, Dutch, Polish, Arabic
  Laura: { languageCode: 'nl-NL' },
  Lotte: { languageCode: 'nl-NL', engines: [S] },
  Ruben: { languageCode: 'nl-NL', engines: [S] },
  Ola: { languageCode: 'pl-PL' },
  Ewa: { languageCode: 'pl-PL', engines: [S] },
  Jacek: { languageCode: 'pl-PL', engines: [S] },
  Elin: { languageCode: 'sv-SE' },
  Astrid: { languageCode: 'sv-SE', engines: [S] },
  Sofie: { languageCode: 'da-DK' },
  Naja: { languageCode: 'da-DK', engines: [S] },
  Mads: { languageCode: 'da-DK', engines: [S] },
  Ida: { languageCode: 'nb-NO' },
  Liv: { languageCode: 'nb-NO', engines: [S] },
  Suvi: { languageCode: 'fi-FI' },
  Hala: { languageCode: 'ar-AE' },
  Zayd: { languageCode: 'ar-AE', engines: [N] },
  Zeina: { languageCode: 'arb', engines: [S] },
};

export const POLLY_VOICES: Readonly<Record<string, PollyVoice>> = Object.fromEntries(
  Object.entries(CATALOGUE).map(([voiceId, row]) => {
    const engines = VOICE_ENGINES[voiceId] ?? row.engines;
    if (engines === undefined) throw new Error(`local Polly: no engines known for voice ${voiceId}`);
    const additionalLanguageCodes = (BILINGUAL_VOICES[voiceId] ?? []).filter((code) => code !== row.languageCode);
    const voice: PollyVoice = { languageCode: row.languageCode, engines, ...(additionalLanguageCodes.length > 0 ? { additionalLanguageCodes } : {}) };
    return [voiceId, voice];
  }),
);
