import { describe, expect, it } from 'vitest';
import type { EventEntity } from '../../../runtime/src/protocol/index.js';
import { createTranscriptPublisher, type RecognizedResult } from '../../../runtime/src/session/transcript-publisher.js';
import type { TranscriptEvent } from '../../../runtime/src/speech/ports.js';

function result(kind: 'partial' | 'final', resultId: string, channelId = 0, streamGeneration = 1, text = 'hello there'): RecognizedResult {
  const event: TranscriptEvent = { kind, resultId, text, stableText: '', startMs: 0, endMs: 500, languageCode: 'en-US' };
  return { channelId, streamGeneration, event, toTimeline: (ms) => ms };
}

function setup(partials: boolean) {
  let now = 0;
  let next = 0;
  const sent: EventEntity[] = [];
  const publisher = createTranscriptPublisher(
    { partials, partialIntervalMs: 1_000 },
    { now: () => now, newId: () => `id-${++next}`, send: (entities) => sent.push(...entities) },
  );
  const data = () => sent.map((e) => e.data as { id: string; isFinal: boolean; channelId: number });
  return { publisher, data, advance: (ms: number) => (now += ms) };
}

describe('transcript publisher', () => {
  it('sends only finals unless partials are asked for', () => {
    const { publisher, data } = setup(false);
    publisher.publish(result('partial', 'a'));
    publisher.publish(result('final', 'a'));
    expect(data()).toEqual([expect.objectContaining({ id: 'id-1', isFinal: true })]);
    expect(publisher.finals).toBe(1);
  });

  it('gives partials and their final one id, a new utterance a new id, and throttles partials per channel', () => {
    const { publisher, data, advance } = setup(true);
    publisher.publish(result('partial', 'a'));
    advance(300);
    publisher.publish(result('partial', 'a')); // within the interval: held back
    publisher.publish(result('partial', 'x', 1)); // other channel: its own budget
    publisher.publish(result('final', 'a')); // a final is never held back
    advance(1_000);
    publisher.publish(result('partial', 'b'));
    expect(data().map((d) => [d.id, d.channelId, d.isFinal])).toEqual([
      ['id-1', 0, false],
      ['id-2', 1, false],
      ['id-1', 0, true],
      ['id-3', 0, false],
    ]);
  });

  it('the same result id on a new stream is a new utterance; empty text is not sent', () => {
    const { publisher, data } = setup(false);
    publisher.publish(result('final', 'r', 0, 1));
    publisher.publish(result('final', 'r', 0, 2));
    publisher.publish(result('final', 'r', 0, 3, '  '));
    expect(data().map((d) => d.id)).toEqual(['id-1', 'id-2']);
  });
});
