import { normalizeLanguageTag } from '../shared/language-tag.js';

/**
 * The languages a Transcription Connector accepts: its bot file's list, else its recognizer's,
 * else any. A language outside them is not transcribed in another one: the stream is paused until
 * a supported language arrives in an `update`, as the reference server does (protocol digest §7).
 */
export interface LanguageGate {
  /** The language to transcribe, or undefined when `requested` is not supported. */
  accept(requested: string): string | undefined;
}

export function createLanguageGate(...lists: (Iterable<string> | undefined)[]): LanguageGate {
  const list = lists.find((candidate) => candidate !== undefined);
  const supported = list === undefined ? undefined : new Set([...list].map(normalizeLanguageTag));
  return {
    accept(requested) {
      const language = normalizeLanguageTag(requested);
      return supported === undefined || supported.has(language) ? language : undefined;
    },
  };
}
