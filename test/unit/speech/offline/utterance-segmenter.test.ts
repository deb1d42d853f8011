import { beforeAll, describe, expect, it } from 'vitest';
import { loadVadEngine, type VadEngine } from '../../../../runtime/src/audio/vad.js';
import { resampleLinear } from '../../../../runtime/tools/local-aws/polly/synthesize-speech.js';
import { UtteranceSegmenter, type SegmentEvent } from '../../../../runtime/src/speech/offline/utterance-segmenter.js';
import { concat, silence, speechLike, tone } from '../../../../runtime/tools/support/audio-gen.js';

describe('utterance segmenter (local Transcribe, offline recognizer)', () => {
  let engine: VadEngine;
  beforeAll(async () => {
    engine = await loadVadEngine();
  });

  const segment = (pcm: Int16Array, sampleRateHz = 8000, chunk = 1600): SegmentEvent[] => {
    const segmenter = new UtteranceSegmenter(engine, { sampleRateHz, hangoverMs: 600 });
    const events: SegmentEvent[] = [];
    for (let at = 0; at < pcm.length; at += chunk) segmenter.write(pcm.subarray(at, at + chunk), (e) => events.push(e));
    segmenter.finish((e) => events.push(e));
    segmenter.close();
    return events;
  };

  it('finds each utterance once, with progress while speech goes on and an end after the hangover', () => {
    const events = segment(concat(silence(500), speechLike(1_200, { dbfs: -20, seed: 3 }), silence(1_000), speechLike(800, { dbfs: -20, seed: 4 }), silence(1_000)));
    const ends = events.filter((e) => e.type === 'end');
    expect(ends).toHaveLength(2);
    expect(ends[0]!.startMs).toBeGreaterThanOrEqual(400);
    expect(ends[0]!.startMs).toBeLessThanOrEqual(700);
    expect(ends[0]!.endMs).toBeGreaterThan(1_500);
    expect(ends[0]!.endMs).toBeLessThanOrEqual(1_800);
    expect(ends[1]!.startMs).toBeGreaterThan(2_500);
    const firstProgress = events.filter((e) => e.type === 'progress' && e.startMs === ends[0]!.startMs);
    expect(firstProgress.length).toBeGreaterThanOrEqual(2);
    expect(firstProgress.every((e) => e.endMs <= ends[0]!.endMs)).toBe(true);
  });

  it('ends an utterance cut off by the end of the audio, and finds none in silence', () => {
    expect(segment(concat(silence(300), speechLike(1_000, { dbfs: -20 }))).filter((e) => e.type === 'end')).toHaveLength(1);
    expect(segment(silence(3_000))).toEqual([]);
  });

  it('segments audio at a rate the VAD does not take (22050 Hz) after decimating it', () => {
    const pcm8k = concat(silence(300), speechLike(1_000, { dbfs: -20 }), silence(1_000));
    const pcm22k = resampleLinear(pcm8k, 8000, 22050);
    expect(segment(pcm22k, 22050, 4410).filter((e) => e.type === 'end')).toHaveLength(1);
  });

  it('resamples linearly to the requested length, keeping a tone\'s level', () => {
    const source = tone(1_000, { hz: 440, dbfs: -10 });
    const down = resampleLinear(source, 8000, 4000);
    expect(down.length).toBe(4000);
    const rms = (pcm: Int16Array): number => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / pcm.length);
    expect(rms(down) / rms(source)).toBeGreaterThan(0.8);
    expect(resampleLinear(source, 8000, 8000)).toBe(source);
  });
});
