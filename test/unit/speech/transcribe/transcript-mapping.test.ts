import type { Item, Result } from '@aws-sdk/client-transcribe-streaming';
import { describe, expect, it } from 'vitest';
import { toTranscriptEvents } from '../../../../runtime/src/speech/transcribe/transcript-mapping.js';

function word(content: string, stable: boolean, confidence = 0.9): Item {
  return { Type: 'pronunciation', Content: content, Stable: stable, Confidence: confidence };
}

function punctuation(content: string, stable = false, confidence?: number): Item {
  return { Type: 'punctuation', Content: content, Stable: stable, ...(confidence === undefined ? {} : { Confidence: confidence }) };
}

function result(overrides: Partial<Result> & { transcript?: string; items?: Item[] } = {}): Result {
  const { transcript = 'I need help.', items = [], ...rest } = overrides;
  return {
    ResultId: 'r-1',
    StartTime: 1.25,
    EndTime: 2.5,
    IsPartial: true,
    Alternatives: [{ Transcript: transcript, Items: items }],
    ...rest,
  };
}

const map = (...results: Result[]) => toTranscriptEvents({ Transcript: { Results: results } }, 'en-US');

describe('toTranscriptEvents', () => {
  it('tells the channel of a result of a two-channel stream (ch_0 / ch_1), and none without channel identification', () => {
    expect(map(result({ ChannelId: 'ch_1' }))[0]).toMatchObject({ channel: 1 });
    expect(map(result({ ChannelId: 'ch_0' }))[0]).toMatchObject({ channel: 0 });
    expect(map(result())[0]).not.toHaveProperty('channel');
  });

  it('maps a partial result to a partial event with offsets in milliseconds', () => {
    expect(map(result())[0]).toMatchObject({ kind: 'partial', resultId: 'r-1', text: 'I need help.', startMs: 1250, endMs: 2500 });
  });

  it('maps a result with IsPartial false to a final whose stable text is the whole text', () => {
    expect(map(result({ IsPartial: false }))[0]).toMatchObject({ kind: 'final', stableText: 'I need help.' });
  });

  it('takes the stable text from the leading items marked Stable', () => {
    const items = [word('I', true), word('need', true), word('help', false), punctuation('.')];
    expect(map(result({ items }))[0]!.stableText).toBe('I need');
  });

  it('stops the stable prefix at the first unstable item even when later items are stable', () => {
    const items = [word('I', true), word('need', false), word('help', true)];
    expect(map(result({ items }))[0]!.stableText).toBe('I');
  });

  it('includes stable punctuation in the stable prefix without adding spaces', () => {
    const items = [word('Yes', true), punctuation(',', true), word('please', false)];
    expect(map(result({ transcript: 'Yes, please', items }))[0]!.stableText).toBe('Yes,');
  });

  it('gives an empty stable text when the service reports no stability', () => {
    expect(map(result({ items: [word('I', false)] }))[0]!.stableText).toBe('');
  });

  it('averages confidence over pronunciation items and ignores punctuation', () => {
    const items = [word('I', true, 0.8), word('need', true, 0.6), punctuation('.', false, 0)];
    expect(map(result({ items }))[0]!.confidence).toBeCloseTo(0.7);
  });

  it('reports the pronunciation items as words with their times and confidences, punctuation left out', () => {
    const items: Item[] = [
      { ...word('I', true, 0.8), StartTime: 1.25, EndTime: 1.4 },
      { ...word('need', true, 0.6), StartTime: 1.4, EndTime: 1.9 },
      { Type: 'punctuation', Content: '.', StartTime: 1.9, EndTime: 1.9 },
    ];
    expect(map(result({ items }))[0]!.words).toEqual([
      { text: 'I', startMs: 1250, endMs: 1400, confidence: 0.8 },
      { text: 'need', startMs: 1400, endMs: 1900, confidence: 0.6 },
    ]);
  });

  it('omits confidence when no item reports one', () => {
    expect(map(result())[0]).not.toHaveProperty('confidence');
  });

  it('skips results without text', () => {
    expect(map(result({ transcript: ' ' }), result({ Alternatives: [] }))).toEqual([]);
  });

  it('uses the result language when the service names one and the stream language otherwise', () => {
    const events = map(result({ LanguageCode: 'es-US' }), result());
    expect(events.map((e) => e.languageCode)).toEqual(['es-US', 'en-US']);
  });
});
