import type { Engine } from '@aws-sdk/client-polly';
import { DEFAULT_POLLY_VOICES, pickVoice } from './default-voices.js';

/**
 * Engines each voice of {@link DEFAULT_POLLY_VOICES} (and a few common others) supports, from the
 * Amazon Polly "Available voices" table. A voice missing here is not judged by this table (the
 * DescribeVoices check at start covers it when credentials exist). Keep it next to the defaults:
 * a default voice added there needs its row here (a unit test checks that).
 *
 * Every row re-checked 5 December 2026 against the Amazon Polly developer guide:
 * - https://docs.aws.amazon.com/polly/latest/dg/available-voices.html, read through its Chinese
 *   translation https://docs.amazonaws.cn/zh_cn/polly/latest/dg/available-voices.html (all four
 *   engine columns; the copy we could read covers the rows up to en-NZ, and it already shows the
 *   March 2026 generative additions, e.g. Brian and Aria);
 * - https://docs.aws.amazon.com/polly/latest/dg/standard-voices.html (English page; its en-US standard
 *   voices are Ivy, Joanna, Kendra, Kimberly, Salli, Joey and Kevin: Matthew has no standard variant);
 * - https://docs.aws.amazon.com/polly/latest/dg/generative-voices.html (43 generative voices) and the
 *   guide's document history https://docs.aws.amazon.com/polly/latest/dg/doc-history.html, whose
 *   generative additions are: Amy, Matthew, Ruth (2024-03-28); Olivia, Danielle, Joanna, Stephen
 *   (2024-10-10); Ayanda, Lea, Lucia, Mia, Lupe, Vicki (2024-11-06); Pedro, Andres, Sergio, Daniel,
 *   Kajal, Remi, Bianca (2024-11-21); Brian, Aria, Jasmine, Tiffany, Ambre, Florian, Sabrina, Lennart,
 *   Beatrice, Lorenzo (2026-03-19); long-form added Patrick, Alba, Raul (2024-11-14) to Danielle,
 *   Gregory and Ruth (https://aws.amazon.com/polly/features/: long-form and neural variants).
 *   long-form-voices.html and neural-voices.html could not be read in full here.
 * Columns those pages leave open (the neural and generative columns of Gabrielle, Camila, Ines, Hannah,
 * Ola, Elin, Ida, Suvi, Takumi, Seoyeon) follow a DescribeVoices catalogue dated 2025-09-21 (GitHub
 * speechmarkdown/speechmarkdown-js, docs/platforms/data/amazon-polly-voices.md); where it and the
 * guide differ, the newer guide wins.
 * Engines are only ever added to a voice, so an engine that catalogue lists is kept; one it lacks may
 * have been added since (the guide counts 43 generative voices, 3 of which we could not name).
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
  // No generative variant: in no generative addition of the document history, not in the 2025-09-21
  // DescribeVoices catalogue (the table had listed generative for both).
  Camila: ['standard', 'neural'],
  Ines: ['standard', 'neural'],
  Takumi: ['standard', 'neural'],
  Seoyeon: ['standard', 'neural'],
  Zhiyu: ['standard', 'neural'],
  Laura: ['neural', 'generative'],
  // Generative per the 2025-09-21 DescribeVoices catalogue (the table had neural only).
  Ola: ['neural', 'generative'],
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
