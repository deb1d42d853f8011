import { PCMU_BYTES_PER_MS } from '../protocol/constants.js';
import type { Clock } from '../shared/clock.js';

/**
 * Estimates what the caller has heard of a streamed answer, sentence by sentence. The audio of each
 * sentence is handed to the sender long before it is played (synthesis runs faster than speech),
 * so "handed over" is not "heard": the estimate plays the handed audio back to back in real time
 * from its first byte (PCMU, 8 bytes per ms), with a gap whenever the next audio came late, as the
 * caller's side does.
 *
 * Granularity: a sentence counts as heard once its playback has **started** by the time asked, even
 * if the caller cut it short; words are never split (the bot marks the cut itself).
 */
export interface HeardText {
  /** A sentence is about to be spoken; `audio` is called with the size of each PCMU chunk handed over. */
  sentence(text: string): { readonly audio: (bytes: number) => void };
  /** The sentences whose playback has started by now, in order, joined by spaces. */
  heardNow(): string;
  /** How long until the last sentence with audio starts playing (0 once it has, or without audio). */
  msUntilLastPlays(): number;
}

export function createHeardText(clock: Clock): HeardText {
  const sentences: { readonly text: string; startsAtMs: number | undefined }[] = [];
  let playsUntilMs = Number.NEGATIVE_INFINITY;
  return {
    sentence(text) {
      const entry: { readonly text: string; startsAtMs: number | undefined } = { text, startsAtMs: undefined };
      sentences.push(entry);
      return {
        audio(bytes) {
          const startMs = Math.max(playsUntilMs, clock.now());
          entry.startsAtMs ??= startMs;
          playsUntilMs = startMs + bytes / PCMU_BYTES_PER_MS;
        },
      };
    },
    heardNow() {
      const now = clock.now();
      return sentences
        .filter((s) => s.startsAtMs !== undefined && s.startsAtMs <= now)
        .map((s) => s.text)
        .join(' ');
    },
    msUntilLastPlays() {
      const last = sentences.findLast((s) => s.startsAtMs !== undefined);
      return last?.startsAtMs === undefined ? 0 : Math.max(0, last.startsAtMs - clock.now());
    },
  };
}
