import { describe, expect, it } from 'vitest';
import { buildTranscriptEntity, spreadWords } from '../../../runtime/src/session/transcript-entity.js';
import type { TranscriptEvent } from '../../../runtime/src/speech/ports.js';

const final: TranscriptEvent = {
  kind: 'final',
  resultId: 'r1',
  text: 'I need billing',
  stableText: 'I need billing',
  startMs: 100,
  endMs: 1_300,
  confidence: 0.9,
  languageCode: 'en-US',
  words: [
    { text: 'I', startMs: 100, endMs: 300, confidence: 0.8 },
    { text: 'need', startMs: 300, endMs: 700, confidence: 0.95 },
    { text: 'billing', startMs: 700, endMs: 1_300 },
  ],
};

describe('transcript entity', () => {
  it('has the protocol shape with times on the client timeline', () => {
    const entity = buildTranscriptEntity({ id: 'u-1', channelId: 1, event: final, toTimeline: (ms) => ms + 2_000 });
    expect(entity).toEqual({
      type: 'transcript',
      data: {
        id: 'u-1',
        channelId: 1,
        isFinal: true,
        offset: 'PT2.1S',
        duration: 'PT1.2S',
        alternatives: [
          {
            confidence: 0.9,
            languages: ['en-US'],
            interpretations: [
              {
                type: 'display',
                transcript: 'I need billing',
                tokens: [
                  { type: 'word', value: 'I', confidence: 0.8, offset: 'PT2.1S', duration: 'PT0.2S', language: 'en-US' },
                  { type: 'word', value: 'need', confidence: 0.95, offset: 'PT2.3S', duration: 'PT0.4S', language: 'en-US' },
                  { type: 'word', value: 'billing', confidence: 0.9, offset: 'PT2.7S', duration: 'PT0.6S', language: 'en-US' },
                ],
              },
            ],
          },
        ],
      },
    });
  });

  it('a partial without confidence reports 0 (unknown) and isFinal false', () => {
    const { confidence: _c, words: _w, ...rest } = final;
    const entity = buildTranscriptEntity({ id: 'u', channelId: 0, event: { ...rest, kind: 'partial' }, toTimeline: (ms) => ms });
    expect(entity.data.isFinal).toBe(false);
    expect(entity.data.alternatives[0].confidence).toBe(0);
    expect(entity.data.alternatives[0].interpretations[0].tokens.map((t) => t.value)).toEqual(['I', 'need', 'billing']);
  });

  it('spreads words evenly when the recognizer reports none', () => {
    expect(spreadWords({ ...final, words: undefined, text: 'a b', startMs: 0, endMs: 1_000 }).map((w) => [w.startMs, w.endMs])).toEqual([
      [0, 500],
      [500, 1_000],
    ]);
  });

  it('keeps token offsets unique when words round onto the same millisecond', () => {
    const event: TranscriptEvent = { ...final, words: [{ text: 'a', startMs: 100, endMs: 100 }, { text: 'b', startMs: 100, endMs: 100 }] };
    const offsets = buildTranscriptEntity({ id: 'u', channelId: 0, event, toTimeline: (ms) => ms }).data.alternatives[0].interpretations[0].tokens.map((t) => t.offset);
    expect(offsets).toEqual(['PT0.1S', 'PT0.101S']);
  });

  it('an end before the start (clamped) gives a zero duration, never a negative one', () => {
    const entity = buildTranscriptEntity({ id: 'u', channelId: 0, event: { ...final, startMs: 500, endMs: 400 }, toTimeline: (ms) => ms });
    expect(entity.data.duration).toBe('PT0S');
  });
});
