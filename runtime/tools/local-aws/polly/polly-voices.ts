/** A Polly voice's language and the engines it has. */
export interface PollyVoice {
  readonly languageCode: string;
  /** Extra languages of bilingual voices (Polly's AdditionalLanguageCodes). */
  readonly additionalLanguageCodes?: readonly string[];
  readonly engines: readonly PollyEngine[];
}

export type PollyEngine = 'standard' | 'neural' | 'long-form' | 'generative';

const S = 'standard';
const N = 'neural';
const L = 'long-form';
const G = 'generative';

/**
 * Voices by VoiceId with their engines, after the Polly Developer Guide's voice tables ("Available
 * voices", "Neural voices", "Generative voices", "Long-form voices", checked December 2026). It covers
 * the voices the runtime's defaults use (runtime/src/speech/polly/default-voices.ts) and the other
 * common ones; a VoiceId that is not here is refused as the service refuses an unknown one, so add a
 * voice here before using it locally.
 */
export const POLLY_VOICES: Readonly<Record<string, PollyVoice>> = {
  // English (US)
  Joanna: { languageCode: 'en-US', engines: [S, N, G] },
  Matthew: { languageCode: 'en-US', engines: [S, N, G] },
  Ruth: { languageCode: 'en-US', engines: [N, L, G] },
  Stephen: { languageCode: 'en-US', engines: [N, G] },
  Danielle: { languageCode: 'en-US', engines: [N, L, G] },
  Gregory: { languageCode: 'en-US', engines: [N, L] },
  Ivy: { languageCode: 'en-US', engines: [S, N] },
  Kendra: { languageCode: 'en-US', engines: [S, N] },
  Kimberly: { languageCode: 'en-US', engines: [S, N] },
  Salli: { languageCode: 'en-US', engines: [S, N] },
  Joey: { languageCode: 'en-US', engines: [S, N] },
  Justin: { languageCode: 'en-US', engines: [S, N] },
  Kevin: { languageCode: 'en-US', engines: [N] },
  // Other English
  Amy: { languageCode: 'en-GB', engines: [S, N, G] },
  Emma: { languageCode: 'en-GB', engines: [S, N] },
  Brian: { languageCode: 'en-GB', engines: [S, N, G] },
  Arthur: { languageCode: 'en-GB', engines: [N] },
  Nicole: { languageCode: 'en-AU', engines: [S] },
  Russell: { languageCode: 'en-AU', engines: [S] },
  Olivia: { languageCode: 'en-AU', engines: [N, G] },
  Aditi: { languageCode: 'en-IN', additionalLanguageCodes: ['hi-IN'], engines: [S] },
  Raveena: { languageCode: 'en-IN', engines: [S] },
  Kajal: { languageCode: 'en-IN', additionalLanguageCodes: ['hi-IN'], engines: [N, G] },
  Niamh: { languageCode: 'en-IE', engines: [N] },
  Aria: { languageCode: 'en-NZ', engines: [N] },
  Ayanda: { languageCode: 'en-ZA', engines: [N] },
  Geraint: { languageCode: 'en-GB-WLS', engines: [S] },
  // Spanish
  Lupe: { languageCode: 'es-US', engines: [S, N, G] },
  Penelope: { languageCode: 'es-US', engines: [S] },
  Miguel: { languageCode: 'es-US', engines: [S] },
  Pedro: { languageCode: 'es-US', engines: [N, G] },
  Lucia: { languageCode: 'es-ES', engines: [S, N, G] },
  Conchita: { languageCode: 'es-ES', engines: [S] },
  Enrique: { languageCode: 'es-ES', engines: [S] },
  Sergio: { languageCode: 'es-ES', engines: [N, G] },
  Mia: { languageCode: 'es-MX', engines: [S, N, G] },
  Andres: { languageCode: 'es-MX', engines: [N, G] },
  // French, German, Italian, Portuguese
  Gabrielle: { languageCode: 'fr-CA', engines: [N, G] },
  Chantal: { languageCode: 'fr-CA', engines: [S] },
  Liam: { languageCode: 'fr-CA', engines: [N] },
  Lea: { languageCode: 'fr-FR', engines: [S, N, G] },
  Celine: { languageCode: 'fr-FR', engines: [S] },
  Mathieu: { languageCode: 'fr-FR', engines: [S] },
  Remi: { languageCode: 'fr-FR', engines: [N, G] },
  Vicki: { languageCode: 'de-DE', engines: [S, N, G] },
  Marlene: { languageCode: 'de-DE', engines: [S] },
  Hans: { languageCode: 'de-DE', engines: [S] },
  Daniel: { languageCode: 'de-DE', engines: [N, G] },
  Hannah: { languageCode: 'de-AT', engines: [N] },
  Bianca: { languageCode: 'it-IT', engines: [S, N, G] },
  Carla: { languageCode: 'it-IT', engines: [S] },
  Giorgio: { languageCode: 'it-IT', engines: [S] },
  Adriano: { languageCode: 'it-IT', engines: [N, G] },
  Camila: { languageCode: 'pt-BR', engines: [S, N, G] },
  Vitoria: { languageCode: 'pt-BR', engines: [S, N] },
  Ricardo: { languageCode: 'pt-BR', engines: [S] },
  Thiago: { languageCode: 'pt-BR', engines: [N, G] },
  Ines: { languageCode: 'pt-PT', engines: [S, N, G] },
  Cristiano: { languageCode: 'pt-PT', engines: [S] },
  // Asian languages
  Takumi: { languageCode: 'ja-JP', engines: [S, N, G] },
  Mizuki: { languageCode: 'ja-JP', engines: [S] },
  Kazuha: { languageCode: 'ja-JP', engines: [N] },
  Tomoko: { languageCode: 'ja-JP', engines: [N] },
  Seoyeon: { languageCode: 'ko-KR', engines: [S, N, G] },
  Zhiyu: { languageCode: 'cmn-CN', engines: [S, N] },
  // Nordic, Dutch, Polish, Arabic
  Laura: { languageCode: 'nl-NL', engines: [N, G] },
  Lotte: { languageCode: 'nl-NL', engines: [S] },
  Ruben: { languageCode: 'nl-NL', engines: [S] },
  Ola: { languageCode: 'pl-PL', engines: [N] },
  Ewa: { languageCode: 'pl-PL', engines: [S] },
  Jacek: { languageCode: 'pl-PL', engines: [S] },
  Elin: { languageCode: 'sv-SE', engines: [N] },
  Astrid: { languageCode: 'sv-SE', engines: [S] },
  Sofie: { languageCode: 'da-DK', engines: [N] },
  Naja: { languageCode: 'da-DK', engines: [S] },
  Mads: { languageCode: 'da-DK', engines: [S] },
  Ida: { languageCode: 'nb-NO', engines: [N] },
  Liv: { languageCode: 'nb-NO', engines: [S] },
  Suvi: { languageCode: 'fi-FI', engines: [N] },
  Hala: { languageCode: 'ar-AE', engines: [N] },
  Zayd: { languageCode: 'ar-AE', engines: [N] },
  Zeina: { languageCode: 'arb', engines: [S] },
};
