/**
 * Default Polly voice per language, all with a neural variant (aws-notes §2). Order matters: a
 * language code with no exact entry (e.g. `en`, `es-AR`) takes the first voice of its language.
 */
export const DEFAULT_POLLY_VOICES: Readonly<Record<string, string>> = {
  'en-US': 'Joanna',
  'en-GB': 'Amy',
  'en-AU': 'Olivia',
  'en-IN': 'Kajal',
  'en-NZ': 'Aria',
  'en-ZA': 'Ayanda',
  'en-IE': 'Niamh',
  'es-US': 'Lupe',
  'es-ES': 'Lucia',
  'es-MX': 'Mia',
  'fr-CA': 'Gabrielle',
  'fr-FR': 'Lea',
  'de-DE': 'Vicki',
  'de-AT': 'Hannah',
  'it-IT': 'Bianca',
  'pt-BR': 'Camila',
  'pt-PT': 'Ines',
  'ja-JP': 'Takumi',
  'ko-KR': 'Seoyeon',
  'cmn-CN': 'Zhiyu',
  'nl-NL': 'Laura',
  'pl-PL': 'Ola',
  'sv-SE': 'Elin',
  'da-DK': 'Sofie',
  'nb-NO': 'Ida',
  'fi-FI': 'Suvi',
  'ar-AE': 'Hala',
  'hi-IN': 'Kajal',
};

/**
 * Picks a voice for a language from `voices`: the exact code (case-insensitive) first, then the
 * first voice whose language subtag matches. Undefined when the table has nothing for it.
 */
export function pickVoice(voices: Readonly<Record<string, string>>, languageCode: string): string | undefined {
  const wanted = languageCode.toLowerCase();
  const entries = Object.entries(voices);
  const exact = entries.find(([code]) => code.toLowerCase() === wanted);
  if (exact !== undefined) return exact[1];
  const language = wanted.split('-')[0];
  return entries.find(([code]) => code.toLowerCase().split('-')[0] === language)?.[1];
}
