import { formatDuration, type EventEntity } from '../protocol/index.js';
import type { RecognizedWord, TranscriptEvent } from '../speech/ports.js';

/**
 * Builds the AudioHook `transcript` event entity (Transcription Connector) from one recognizer
 * result, with its times moved onto the client's timeline. Pure.
 */

export interface TranscriptToken {
  readonly type: 'word';
  readonly value: string;
  readonly confidence: number;
  readonly offset: string;
  readonly duration: string;
  readonly language: string;
}

export interface TranscriptEntityData {
  readonly id: string;
  readonly channelId: number;
  readonly isFinal: boolean;
  readonly offset: string;
  readonly duration: string;
  readonly alternatives: readonly [
    {
      readonly confidence: number;
      readonly languages: readonly string[];
      readonly interpretations: readonly [{ readonly type: 'display'; readonly transcript: string; readonly tokens: readonly TranscriptToken[] }];
    },
  ];
}

export interface TranscriptEntityInput {
  /** Stable for the utterance across its partial and final results. */
  readonly id: string;
  /** Index of the channel in the selected media's `channels`. */
  readonly channelId: number;
  readonly event: TranscriptEvent;
  /** Stream time → client timeline (see stream-timeline.ts). */
  readonly toTimeline: (streamMs: number) => number;
}

/** Confidence reported when the recognizer gives none (Transcribe partials, the offline stand-in): unknown, not certain. */
const UNKNOWN_CONFIDENCE = 0;

export function buildTranscriptEntity(input: TranscriptEntityInput): EventEntity & { readonly type: 'transcript'; readonly data: TranscriptEntityData } {
  const { event, toTimeline } = input;
  const startMs = toTimeline(event.startMs);
  const endMs = Math.max(startMs, toTimeline(event.endMs));
  const words = event.words !== undefined && event.words.length > 0 ? event.words : spreadWords(event);
  const tokens = uniqueOffsets(
    words.map((word): TranscriptToken => {
      const wordStart = toTimeline(word.startMs);
      return {
        type: 'word',
        value: word.text,
        confidence: clamp01(word.confidence ?? event.confidence ?? UNKNOWN_CONFIDENCE),
        offset: formatDuration(wordStart),
        duration: formatDuration(Math.max(0, toTimeline(word.endMs) - wordStart)),
        language: event.languageCode,
      };
    }),
  );
  return {
    type: 'transcript',
    data: {
      id: input.id,
      channelId: input.channelId,
      isFinal: event.kind === 'final',
      offset: formatDuration(startMs),
      duration: formatDuration(endMs - startMs),
      alternatives: [
        {
          confidence: clamp01(event.confidence ?? UNKNOWN_CONFIDENCE),
          languages: [event.languageCode],
          interpretations: [{ type: 'display', transcript: event.text, tokens }],
        },
      ],
    },
  };
}

/** Words of a result that reports none: the text's words spread evenly over the result's span. */
export function spreadWords(event: TranscriptEvent): RecognizedWord[] {
  const texts = event.text.split(/\s+/).filter((word) => word !== '');
  if (texts.length === 0) return [];
  const spanMs = Math.max(0, event.endMs - event.startMs);
  const wordMs = spanMs / texts.length;
  return texts.map((text, index) => ({
    text,
    startMs: event.startMs + index * wordMs,
    endMs: event.startMs + (index + 1) * wordMs,
    ...(event.confidence === undefined ? {} : { confidence: event.confidence }),
  }));
}

/**
 * Token offsets must differ within an interpretation (the reference suite checks it); a word whose
 * time rounds onto its predecessor's is moved 1 ms on.
 */
function uniqueOffsets(tokens: TranscriptToken[]): TranscriptToken[] {
  const seen = new Set<string>();
  return tokens.map((token) => {
    let { offset } = token;
    let ms = parseOffsetMs(offset);
    while (seen.has(offset)) {
      ms += 1;
      offset = formatDuration(ms);
    }
    seen.add(offset);
    return offset === token.offset ? token : { ...token, offset };
  });
}

function parseOffsetMs(offset: string): number {
  return Math.round(Number(offset.slice(2, -1)) * 1000);
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
