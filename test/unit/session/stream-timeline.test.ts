import { describe, expect, it } from 'vitest';
import { createStreamTimeline } from '../../../runtime/src/session/stream-timeline.js';

/** 200 ms frames at 8 kHz, as Genesys sends them. */
const FRAME = 1_600;

describe('stream timeline: recognizer stream time on the client timeline', () => {
  it('a stream opened mid-call starts where its first frame sat', () => {
    const timeline = createStreamTimeline();
    timeline.wrote(FRAME, 5_000);
    timeline.wrote(FRAME, 5_200);
    expect(timeline.streamMs).toBe(400);
    expect(timeline.toTimeline(0)).toBe(5_000);
    expect(timeline.toTimeline(300)).toBe(5_300);
  });

  it('a discarded gap moves every later stream time on by the discarded duration, earlier ones not', () => {
    const timeline = createStreamTimeline();
    for (let at = 0; at < 1_000; at += 200) timeline.wrote(FRAME, at);
    // 500 ms discarded: the next frame sits at 1.5 s although the stream heard 1 s.
    timeline.wrote(FRAME, 1_500);
    timeline.wrote(FRAME, 1_700);
    expect(timeline.toTimeline(800)).toBe(800);
    expect(timeline.toTimeline(1_000)).toBe(1_500);
    expect(timeline.toTimeline(1_250)).toBe(1_750);
  });

  it('contiguous frames with rounded positions add no gap', () => {
    const timeline = createStreamTimeline();
    timeline.wrote(160, 0);
    timeline.wrote(160, 20.4);
    timeline.wrote(160, 39.6);
    expect(timeline.toTimeline(60)).toBe(60);
  });

  it('before any audio, stream time is the timeline (never negative)', () => {
    const timeline = createStreamTimeline();
    expect(timeline.toTimeline(120)).toBe(120);
    expect(timeline.toTimeline(-5)).toBe(0);
    timeline.wrote(0, 7_000);
    expect(timeline.streamMs).toBe(0);
  });
});
