import type { Item, Result, TranscriptEvent as SdkTranscriptEvent } from '@aws-sdk/client-transcribe-streaming';
import type { RecognizedWord, TranscriptEvent } from '../ports.js';

/**
 * Maps one Transcribe `TranscriptEvent` to port events, one per result that carries text. Results
 * without text (Transcribe sends some) are skipped. `fallbackLanguageCode` is used when the result
 * names no language (always, unless language identification is on).
 */
export function toTranscriptEvents(event: SdkTranscriptEvent, fallbackLanguageCode: string): TranscriptEvent[] {
  const events: TranscriptEvent[] = [];
  for (const result of event.Transcript?.Results ?? []) {
    const mapped = toTranscriptEvent(result, fallbackLanguageCode);
    if (mapped !== undefined) events.push(mapped);
  }
  return events;
}

function toTranscriptEvent(result: Result, fallbackLanguageCode: string): TranscriptEvent | undefined {
  const alternative = result.Alternatives?.[0];
  const text = (alternative?.Transcript ?? '').trim();
  if (text === '') return undefined;
  const items = alternative?.Items ?? [];
  const final = result.IsPartial === false;
  const confidence = meanConfidence(items);
  return {
    kind: final ? 'final' : 'partial',
    resultId: result.ResultId ?? '',
    text,
    stableText: final ? text : stablePrefix(text, items),
    startMs: secondsToMs(result.StartTime),
    endMs: secondsToMs(result.EndTime),
    ...(confidence === undefined ? {} : { confidence }),
    languageCode: result.LanguageCode ?? fallbackLanguageCode,
    words: toWords(items),
    ...channelOf(result),
  };
}

/** `ch_0` / `ch_1` (channel identification) as the channel's index; nothing without it. */
function channelOf(result: Result): { channel?: number } {
  const match = /^ch_(\d+)$/.exec(result.ChannelId ?? '');
  return match === null ? {} : { channel: Number(match[1]) };
}

/** Pronunciation items as words; punctuation has no time of its own worth reporting. */
function toWords(items: readonly Item[]): RecognizedWord[] {
  const words: RecognizedWord[] = [];
  for (const item of items) {
    if (item.Type === 'punctuation' || item.Content === undefined || item.Content === '') continue;
    words.push({
      text: item.Content,
      startMs: secondsToMs(item.StartTime),
      endMs: secondsToMs(item.EndTime),
      ...(item.Confidence === undefined ? {} : { confidence: item.Confidence }),
    });
  }
  return words;
}

/**
 * The prefix of `text` covered by the leading items marked `Stable`. Items are located in the
 * transcript text rather than re-joined, so the result is always a true prefix of `text` whatever
 * spacing Transcribe uses around punctuation.
 */
function stablePrefix(text: string, items: readonly Item[]): string {
  let cursor = 0;
  for (const item of items) {
    if (item.Stable !== true || item.Content === undefined || item.Content === '') break;
    const at = text.indexOf(item.Content, cursor);
    if (at < 0) break;
    cursor = at + item.Content.length;
  }
  return text.slice(0, cursor);
}

/** Mean over pronunciation items: punctuation items carry no meaningful confidence. */
function meanConfidence(items: readonly Item[]): number | undefined {
  let sum = 0;
  let count = 0;
  for (const item of items) {
    if (item.Type === 'punctuation' || item.Confidence === undefined) continue;
    sum += item.Confidence;
    count++;
  }
  return count === 0 ? undefined : sum / count;
}

function secondsToMs(seconds: number | undefined): number {
  return Math.round((seconds ?? 0) * 1000);
}
