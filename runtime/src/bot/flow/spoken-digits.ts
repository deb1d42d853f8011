import { toWords } from './words.js';

/** Spoken forms of single digits as a speech recognizer writes them. */
const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0',
  oh: '0',
  o: '0',
  nought: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

/** "double five" = 55, "triple zero" = 000: how people read out account and phone numbers. */
const REPEATERS: Readonly<Record<string, number>> = { double: 2, triple: 3 };

/** The digits of an utterance, and how many of its words were not digits. */
export interface SpokenDigits {
  readonly digits: string;
  readonly otherWords: number;
}

/**
 * Reads the digits out of a transcript: numerals ("123 456"), digit words ("one two three",
 * "oh"), and "double"/"triple" before a digit. Other words ("my number is …") are skipped and
 * counted, so the caller can decide how strict to be. Multi-digit number words ("twelve") are not
 * read: callers spell out account numbers digit by digit, and guessing would corrupt them.
 */
export function readSpokenDigits(text: string): SpokenDigits {
  let digits = '';
  let otherWords = 0;
  let repeat = 1;
  for (const word of toWords(text)) {
    const repeater = REPEATERS[word];
    if (repeater !== undefined) {
      repeat = repeater;
      continue;
    }
    const digit = /^\d+$/.test(word) ? word : DIGIT_WORDS[word];
    if (digit === undefined) {
      otherWords += 1;
    } else {
      // "double 55" is nonsense; repeat only a single digit.
      digits += digit.length === 1 ? digit.repeat(repeat) : digit;
    }
    repeat = 1;
  }
  return { digits, otherWords };
}
