import { splitSentences } from '../../shared/sentence-splitter.js';

/**
 * Turns streamed text deltas into sentence-complete chunks, so speech can start on the first
 * sentence while the model is still writing the rest.
 */
export interface SentenceChunker {
  /** Adds a delta; returns the sentences it completed (possibly none). */
  push(delta: string): string[];
  /** The text left over at the end of the stream (empty if none). */
  flush(): string;
}

/** A chunker over the speech sentence splitter (abbreviations and numbers are not sentence ends). */
export function createSentenceChunker(): SentenceChunker {
  let buffer = '';
  return {
    push(delta) {
      buffer += delta;
      const segments = splitSentences(buffer);
      if (segments.length < 2) return [];
      // The last segment may still be growing; it stays, with the space that followed it, if any.
      const rest = segments.at(-1)!;
      buffer = /\s$/.test(buffer) ? `${rest} ` : rest;
      return segments.slice(0, -1);
    },
    flush() {
      const rest = buffer.trim();
      buffer = '';
      return rest;
    },
  };
}
