import type { Engine } from '@aws-sdk/client-polly';
import { DEFAULT_POLLY_VOICES, pickVoice } from './default-voices.js';

/**
 * Engines each voice of {@link DEFAULT_POLLY_VOICES} (and a few common others) supports, from the
 * Amazon Polly "Available voices" table. A voice missing here is not judged by this table (the
 * DescribeVoices check at start covers it when credentials exist). Keep it next to the defaults:
 * a default voice added there needs its row here (a unit test checks that).
 *
 * Checked against the Amazon Polly developer guide (December 2026):
 * https://docs.aws.amazon.com/polly/latest/dg/available-voices.html (engine columns per voice),
 * https://docs.aws.amazon.com/polly/latest/dg/standard-voices.html (the standard engine's en-US
 * voices are Ivy, Joanna, Kendra, Kimberly, Salli, Joey and Kevin: Matthew has no standard variant),
 * https://docs.aws.amazon.com/polly/latest/dg/generative-voices.html and long-form-voices.html.
 */
export const VOICE_ENGINES: Readonly<Record<string, readonly Engine[]>> = {
  Joanna: ['standard', 'neural', 'generative'],
  // Not standard: the standard-voices page lists no Matthew (SynthesizeSpeech with Engine standard fails).
  Matthew: ['neural', 'generative'],
  Danielle: ['neural', 'long-form', 'generative'],
  Ruth: ['neural', 'long-form', 'generative'],
  Gregory: ['neural', 'long-form'],
  Amy: ['standard', 'neural', 'generative'],
  Olivia: ['neural', 'generative'],
  Kajal: ['neural', 'generative'],
  Aria: ['neural', 'generative'],
  Ayanda: ['neural', 'generative'],
  Niamh: ['neural', 'generative'],
  Lupe: ['standard', 'neural', 'generative'],
  Lucia: ['standard', 'neural', 'generative'],
  Mia: ['standard', 'neural', 'generative'],
  Gabrielle: ['neural', 'generative'],
  Lea: ['standard', 'neural', 'generative'],
  Vicki: ['standard', 'neural', 'generative'],
  Hannah: ['neural'],
  Bianca: ['standard', 'neural', 'generative'],
  Camila: ['standard', 'neural', 'generative'],
  Ines: ['standard', 'neural', 'generative'],
  Takumi: ['standard', 'neural'],
  Seoyeon: ['standard', 'neural'],
  Zhiyu: ['standard', 'neural'],
  Laura: ['neural', 'generative'],
  Ola: ['neural'],
  Elin: ['neural'],
  Sofie: ['neural'],
  Ida: ['neural'],
  Suvi: ['neural'],
  Hala: ['neural'],
};

/**
 * Voices that speak more than one language fluently (Polly's "bilingual voices"): for these Polly
 * needs `LanguageCode` to know which language the text is in.
 */
export const BILINGUAL_VOICES: Readonly<Record<string, readonly string[]>> = {
  Aditi: ['en-IN', 'hi-IN'],
  Kajal: ['en-IN', 'hi-IN'],
  Hala: ['ar-AE', 'en-AE'],
  Zayd: ['ar-AE', 'en-AE'],
};

/** One bot voice the configured engine cannot speak. */
export interface VoiceEngineProblem {
  readonly connectorId: string;
  readonly language: string;
  readonly voice: string;
  readonly engine: Engine;
}

/** The voice each of a bot's languages uses: its own choice, else the default for the language. */
export function botVoices(languages: readonly string[], voices: Readonly<Record<string, string>>): { language: string; voice: string }[] {
  return languages.flatMap((language) => {
    const voice = voices[language] ?? pickVoice(DEFAULT_POLLY_VOICES, language);
    return voice === undefined ? [] : [{ language, voice }];
  });
}

/**
 * Every (bot, language, voice) whose voice does not support `engine`, judged by `supports` (the
 * table above, or the voices DescribeVoices listed for the engine).
 */
export function findVoiceEngineProblems(
  bots: readonly { readonly connectorId: string; readonly languages: readonly string[]; readonly voices: Readonly<Record<string, string>> }[],
  engine: Engine,
  supports: (voice: string, engine: Engine) => boolean | undefined,
): VoiceEngineProblem[] {
  return bots.flatMap((bot) =>
    botVoices(bot.languages, bot.voices)
      .filter(({ voice }) => supports(voice, engine) === false)
      .map(({ language, voice }) => ({ connectorId: bot.connectorId, language, voice, engine })),
  );
}

/** The table's answer: undefined for a voice it does not list. */
export function tableSupports(voice: string, engine: Engine): boolean | undefined {
  const engines = VOICE_ENGINES[voice];
  return engines === undefined ? undefined : engines.includes(engine);
}

/** Thrown at start when a bot's voice cannot speak with the configured POLLY_ENGINE. */
export class VoiceEngineError extends Error {
  constructor(readonly problems: readonly VoiceEngineProblem[]) {
    super(
      `POLLY_ENGINE does not fit these bot voices:\n${problems
        .map((p) => `  ${p.connectorId}: ${p.language} voice ${p.voice} has no ${p.engine} variant`)
        .join('\n')}\nChoose another POLLY_ENGINE or set "voices" in the bot files to voices that have it.`,
    );
    this.name = 'VoiceEngineError';
  }
}
