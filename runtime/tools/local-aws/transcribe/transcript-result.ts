/**
 * Builds Transcribe streaming `TranscriptEvent` payloads (the JSON inside an event message) the way
 * the service shapes them: one Result per segment, repeated with the same ResultId while partial,
 * times in seconds from the start of the stream, one Item per word spread over the segment.
 */

export interface TranscriptItemJson {
  readonly StartTime: number;
  readonly EndTime: number;
  readonly Type: 'pronunciation' | 'punctuation';
  readonly Content: string;
  readonly VocabularyFilterMatch: boolean;
  readonly Confidence?: number;
  readonly Stable?: boolean;
}

export interface TranscriptResultJson {
  readonly ResultId: string;
  readonly StartTime: number;
  readonly EndTime: number;
  readonly IsPartial: boolean;
  /** With channel identification: `ch_0` or `ch_1`. */
  readonly ChannelId?: string;
  readonly Alternatives: readonly { readonly Transcript: string; readonly Items: readonly TranscriptItemJson[] }[];
}

export interface TranscriptEventJson {
  readonly Transcript: { readonly Results: readonly TranscriptResultJson[] };
}

export interface SegmentResultInput {
  readonly resultId: string;
  /** The whole phrase this segment will turn out to say. */
  readonly phrase: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Fraction of the phrase heard so far, in [0, 1]; 1 for the final. */
  readonly heard: number;
  readonly isPartial: boolean;
  /** Partial-results stabilization on: all but the last word of a partial are marked stable. */
  readonly stabilization: boolean;
  /** With channel identification: the channel the segment was heard on (0 or 1). */
  readonly channel?: number;
}

/** A TranscriptEvent with one result; undefined when a partial would contain no word yet. */
export function buildTranscriptEvent(input: SegmentResultInput): TranscriptEventJson | undefined {
  const words = input.phrase.split(/\s+/).filter((word) => word !== '');
  const count = input.isPartial ? Math.min(words.length, Math.ceil(words.length * clamp01(input.heard))) : words.length;
  if (count === 0) return undefined;
  const shown = words.slice(0, count);
  const spanMs = Math.max(1, input.endMs - input.startMs);
  const wordMs = spanMs / shown.length;
  const items = shown.map((word, index): TranscriptItemJson => {
    const stable = !input.isPartial || index < shown.length - 1;
    return {
      StartTime: seconds(input.startMs + index * wordMs),
      EndTime: seconds(input.startMs + (index + 1) * wordMs),
      Type: 'pronunciation',
      Content: word.replace(/[.,!?;:]+$/, ''),
      VocabularyFilterMatch: false,
      ...(input.isPartial ? {} : { Confidence: 0.99 }),
      ...(input.stabilization ? { Stable: stable } : {}),
    };
  });
  return {
    Transcript: {
      Results: [
        {
          ResultId: input.resultId,
          StartTime: seconds(input.startMs),
          EndTime: seconds(input.endMs),
          IsPartial: input.isPartial,
          ...(input.channel === undefined ? {} : { ChannelId: `ch_${input.channel}` }),
          Alternatives: [{ Transcript: shown.join(' '), Items: items }],
        },
      ],
    },
  };
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
