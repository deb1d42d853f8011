import { describe, expect, it } from 'vitest';
import { buildTranscriptEvent } from '../../../runtime/tools/local-aws/transcribe/transcript-result.js';

describe('local Transcribe transcript results', () => {
  const base = { resultId: 'r1', phrase: 'pay my bill', startMs: 200, endMs: 1400, stabilization: true };

  it('shows the heard prefix of a partial, all words but the last stable, without confidences', () => {
    const event = buildTranscriptEvent({ ...base, heard: 0.6, isPartial: true })!;
    const [result] = event.Transcript.Results;
    expect(result).toMatchObject({ ResultId: 'r1', StartTime: 0.2, EndTime: 1.4, IsPartial: true });
    expect(result!.Alternatives[0]!.Transcript).toBe('pay my');
    expect(result!.Alternatives[0]!.Items.map((i) => [i.Content, i.Stable, i.Confidence])).toEqual([
      ['pay', true, undefined],
      ['my', false, undefined],
    ]);
  });

  it('gives the final every word, spread over the segment, with confidences and punctuation stripped from items', () => {
    const event = buildTranscriptEvent({ ...base, phrase: 'pay my bill.', heard: 1, isPartial: false })!;
    const alternative = event.Transcript.Results[0]!.Alternatives[0]!;
    expect(alternative.Transcript).toBe('pay my bill.');
    expect(alternative.Items.map((i) => i.Content)).toEqual(['pay', 'my', 'bill']);
    expect(alternative.Items[0]!.StartTime).toBe(0.2);
    expect(alternative.Items.at(-1)!.EndTime).toBe(1.4);
    expect(alternative.Items.every((i) => i.Confidence !== undefined && i.Stable === true)).toBe(true);
  });

  it('omits Stable without stabilization and says nothing for a partial that has heard no word', () => {
    const event = buildTranscriptEvent({ ...base, stabilization: false, heard: 1, isPartial: false })!;
    expect(event.Transcript.Results[0]!.Alternatives[0]!.Items.some((i) => 'Stable' in i)).toBe(false);
    expect(buildTranscriptEvent({ ...base, heard: 0, isPartial: true })).toBeUndefined();
  });
});
