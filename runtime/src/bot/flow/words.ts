/**
 * Turns text into comparable words: lower case, accents and apostrophes dropped, split on anything
 * that is not a letter or digit. Transcripts differ from what authors type in exactly these ways
 * ("Billing." vs "billing", "I'd" vs "id", "café" vs "cafe").
 */
export function toWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

/**
 * A crude stem so singular and plural meet ("bills" ~ "bill", "sales" ~ "sale"): drops one final
 * `s` from words longer than three letters, except `ss` ("address"). Both the phrase and the
 * utterance are stemmed the same way, so a wrong stem still compares equal.
 */
export function stem(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}
