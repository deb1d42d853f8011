import { readSpokenDigits } from './spoken-digits.js';
import { stem, toWords } from './words.js';

/** What the matcher needs of an intent. */
export interface MatchableIntent {
  readonly name: string;
  readonly phrases: readonly string[];
  readonly keys: readonly string[];
}

/** Finds the intent a caller asked for, by speech or by key. */
export interface IntentMatcher {
  /** The name of the intent the utterance asks for, if any. */
  matchText(text: string): string | undefined;
  /** The name of the intent bound to the keyed digits, if any. */
  matchDigits(digits: string): string | undefined;
}

/** Words that may surround a spoken menu key ("press one", "option two"). */
const KEY_FILLER = new Set(['press', 'pressed', 'option', 'number', 'key', 'the', 'please']);

interface CompiledPhrase {
  readonly intent: string;
  readonly words: readonly string[];
}

/**
 * Builds a matcher. A phrase matches when every one of its (stemmed) words occurs in the utterance,
 * in any order and with anything in between: "pay my bill" matches "I want to pay my phone bill".
 * Word order and extra words vary too much in real transcripts for exact or contiguous matching.
 * When several intents match, the phrase with the most words wins (the most specific), and a tie
 * goes to the intent listed first, so authors control precedence by order. A caller who says a
 * menu key ("one", "press two") is matched to that key's intent.
 */
export function createIntentMatcher(intents: readonly MatchableIntent[]): IntentMatcher {
  const phrases: CompiledPhrase[] = intents.flatMap((intent) =>
    intent.phrases.map((phrase) => ({ intent: intent.name, words: [...new Set(toWords(phrase).map(stem))] })),
  );
  const byKey = new Map<string, string>();
  for (const intent of intents) for (const key of intent.keys) if (!byKey.has(key)) byKey.set(key, intent.name);

  const matchDigits = (digits: string): string | undefined => {
    const exact = byKey.get(digits);
    if (exact !== undefined) return exact;
    // A collection such as "1#" or "12" (keys pressed before the prompt ended): the first key decides.
    const first = digits.charAt(0);
    return first === '' ? undefined : byKey.get(first);
  };

  return {
    matchDigits,
    matchText(text) {
      const words = toWords(text);
      const present = new Set(words.map(stem));
      let best: CompiledPhrase | undefined;
      for (const phrase of phrases) {
        if (phrase.words.length === 0 || !phrase.words.every((word) => present.has(word))) continue;
        if (best === undefined || phrase.words.length > best.words.length) best = phrase;
      }
      if (best !== undefined) return best.intent;
      if (words.length === 0 || !words.every((word) => KEY_FILLER.has(word) || readSpokenDigits(word).digits !== '')) {
        return undefined;
      }
      const spoken = readSpokenDigits(words.filter((word) => !KEY_FILLER.has(word)).join(' ')).digits;
      return spoken === '' ? undefined : byKey.get(spoken);
    },
  };
}
