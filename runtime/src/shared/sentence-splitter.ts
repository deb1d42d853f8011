/**
 * Splits a reply into sentences so the first one can be synthesized and played while the rest is
 * still being synthesized (aws-notes §9). Pure; no I/O.
 *
 * SSML: only a `<speak>` document is split, and only between sentences of its top-level text, never
 * inside an element (a sentence inside `<prosody>…</prosody>` stays with its element); each piece is
 * re-wrapped in the original `<speak …>` tag so it is valid SSML on its own. SSML without a `<speak>`
 * root, or with comments, CDATA or processing instructions, is returned whole.
 */

/** Options of {@link splitSentences}. */
export interface SplitOptions {
  /** The text is SSML. @default false */
  readonly ssml?: boolean;
  /**
   * Sentences are merged with the next one until a segment has at least this many characters (a
   * trailing short one joins the previous segment). 0 keeps every sentence apart.
   * @default 0
   */
  readonly minChars?: number;
  /**
   * Plain-text sentences longer than this are cut at the last clause break (`,;:`) or space before
   * the limit, so one request never exceeds the service's text limit. Not applied to SSML.
   * @default 1500
   */
  readonly maxChars?: number;
}

/** Words that end with a period without ending a sentence (lower-case, no period). */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'ft', 'rd', 'ave', 'blvd',
  'vs', 'etc', 'approx', 'dept', 'est', 'inc', 'ltd', 'co', 'corp', 'no', 'nos', 'tel', 'ext',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'gen', 'col', 'capt', 'lt', 'sgt', 'rev', 'hon',
]);

/** A terminator run (with closing quotes/brackets) followed by whitespace, or a blank line. */
const BOUNDARY = /([.!?…]+["'”’)\]]*)(?=\s)|\n\s*\n/g;

/** Splits `text` into trimmed sentence segments (see the module comment for SSML). */
export function splitSentences(text: string, options: SplitOptions = {}): string[] {
  const minChars = options.minChars ?? 0;
  const maxChars = options.maxChars ?? 1500;
  if (options.ssml === true) {
    const doc = parseSpeakDocument(text);
    if (doc === undefined) return text.trim() === '' ? [] : [text.trim()];
    const pieces = group(cutAt(doc.inner, topLevelBoundaries(doc.inner)), minChars);
    return pieces.map((piece) => `${doc.openTag}${piece}</speak>`);
  }
  const sentences = cutAt(text, textBoundaries(text, 0)).flatMap((s) => limitLength(s, maxChars));
  return group(sentences, minChars);
}

/** Offsets (end of a sentence) of boundaries in plain text, shifted by `base`. */
function textBoundaries(text: string, base: number, lookahead: (i: number) => string = (i) => text.slice(i)): number[] {
  const cuts: number[] = [];
  for (const match of text.matchAll(BOUNDARY)) {
    const end = match.index + (match[1]?.length ?? match[0].length);
    if (match[1] !== undefined && !endsSentence(text, match.index, match[1], lookahead(end))) continue;
    cuts.push(base + end);
  }
  return cuts;
}

/** Decides whether the terminator at `at` ends a sentence, given the text that follows it. */
function endsSentence(text: string, at: number, terminator: string, rest: string): boolean {
  const next = /^\s*(\S)/.exec(rest)?.[1] ?? '';
  const hasPeriodOnly = /^[.…]/.test(terminator) && !/[!?]/.test(terminator);
  if (!hasPeriodOnly) return true;
  // A lower-case continuation ("e.g. this", "approx. five", "wait… what") is the same sentence.
  if (next !== next.toUpperCase()) return false;
  if (terminator !== '.') return true;
  const word = /([\p{L}\p{N}.]+)$/u.exec(text.slice(0, at))?.[1] ?? '';
  const bare = word.toLowerCase();
  if (bare === 'no' || bare === 'nos') return !/\d/.test(next);
  if (ABBREVIATIONS.has(bare)) return false;
  if (/^\p{L}$/u.test(word)) return false; // an initial: "J. Smith"
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return false; // "e.g", "U.S", "a.m"
  return true;
}

function cutAt(text: string, cuts: readonly number[]): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    const piece = text.slice(from, cut).trim();
    if (piece !== '') pieces.push(piece);
    from = cut;
  }
  return pieces;
}

function group(sentences: readonly string[], minChars: number): string[] {
  if (minChars <= 0) return [...sentences];
  const segments: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    current = current === '' ? sentence : `${current} ${sentence}`;
    if (current.length >= minChars) {
      segments.push(current);
      current = '';
    }
  }
  if (current !== '') {
    const last = segments.pop();
    segments.push(last === undefined ? current : `${last} ${current}`);
  }
  return segments;
}

function limitLength(sentence: string, maxChars: number): string[] {
  const parts: string[] = [];
  let rest = sentence;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    const clause = Math.max(window.lastIndexOf(', '), window.lastIndexOf('; '), window.lastIndexOf(': '));
    const space = window.lastIndexOf(' ');
    const cut = clause > 0 ? clause + 1 : space > 0 ? space : maxChars;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

interface SpeakDocument {
  readonly openTag: string;
  readonly inner: string;
}

function parseSpeakDocument(text: string): SpeakDocument | undefined {
  const match = /^\s*(<speak\b(?:"[^"]*"|'[^']*'|[^'">])*>)([\s\S]*)<\/speak>\s*$/.exec(text);
  if (match === null || match[1]!.endsWith('/>')) return undefined;
  const inner = match[2]!;
  if (/<!|<\?/.test(inner)) return undefined;
  return { openTag: match[1]!, inner };
}

/** Sentence ends in the text that sits directly inside `<speak>`, outside every element. */
function topLevelBoundaries(inner: string): number[] {
  const cuts: number[] = [];
  let depth = 0;
  let textStart = 0;
  const nextAfter = (i: number): string => inner.slice(i);
  const flushText = (end: number): void => {
    if (depth === 0 && end > textStart) {
      cuts.push(...textBoundaries(inner.slice(textStart, end), textStart, (i) => nextAfter(textStart + i)));
    }
  };
  const tag = /<(\/?)[^\s/>]+(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>/g;
  for (const match of inner.matchAll(tag)) {
    flushText(match.index);
    if (match[1] === '/') depth = Math.max(0, depth - 1);
    else if (match[2] !== '/') depth++;
    textStart = match.index + match[0].length;
  }
  flushText(inner.length);
  return cuts;
}
