import type { EventEntity } from '../protocol/index.js';
import type { TranscriptEvent } from '../speech/ports.js';
import { buildTranscriptEntity } from './transcript-entity.js';

/** What a transcription connector sends of each channel's results. */
export interface TranscriptPublishing {
  /** Send partial results too (throttled), not only finals. */
  readonly partials: boolean;
  /** Least time between two partials of one channel; a final is never held back. */
  readonly partialIntervalMs: number;
}

/** One result of one recognizer stream, as speech-input reports it. */
export interface RecognizedResult {
  /** Index of the channel in the selected media. */
  readonly channelId: number;
  /** Changes with each new recognizer stream (result ids are only unique within a stream). */
  readonly streamGeneration: number;
  readonly event: TranscriptEvent;
  readonly toTimeline: (streamMs: number) => number;
}

export interface TranscriptPublisher {
  publish(result: RecognizedResult): void;
  /** Finals sent so far. */
  readonly finals: number;
}

/** Most utterances with an id kept per channel (partials whose final never came: a failed stream). */
const MAX_OPEN_UTTERANCES = 16;

/**
 * Turns recognizer results into `transcript` events: one id per utterance (a stream's result id,
 * mapped to a UUID) shared by its partials and its final; partials only when asked and at most one
 * per `partialIntervalMs` per channel, so a stereo call stays within Genesys's 5 text messages/s.
 */
export function createTranscriptPublisher(
  publishing: TranscriptPublishing,
  deps: { readonly now: () => number; readonly newId: () => string; readonly send: (entities: readonly EventEntity[]) => void },
): TranscriptPublisher {
  const ids = new Map<string, string>();
  const lastPartialAt = new Map<number, number>();
  let finals = 0;

  const idFor = (key: string): string => {
    let id = ids.get(key);
    if (id === undefined) {
      id = deps.newId();
      ids.set(key, id);
      if (ids.size > MAX_OPEN_UTTERANCES) ids.delete(ids.keys().next().value!);
    }
    return id;
  };

  return {
    publish(result) {
      const { event } = result;
      if (event.text.trim() === '') return;
      const key = `${result.channelId}/${result.streamGeneration}/${event.resultId}`;
      if (event.kind === 'partial') {
        if (!publishing.partials) return;
        const now = deps.now();
        const last = lastPartialAt.get(result.channelId);
        if (last !== undefined && now - last < publishing.partialIntervalMs) return;
        lastPartialAt.set(result.channelId, now);
      }
      const id = idFor(key);
      if (event.kind === 'final') {
        ids.delete(key);
        finals += 1;
      }
      deps.send([buildTranscriptEntity({ id, channelId: result.channelId, event, toTimeline: result.toTimeline })]);
    },
    get finals() {
      return finals;
    },
  };
}
