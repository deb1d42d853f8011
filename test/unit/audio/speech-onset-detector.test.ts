import { describe, expect, it } from 'vitest';
import {
  createSpeechOnsetDetector,
  type SpeechOnsetDetector,
  type SpeechTransition,
} from '../../../runtime/src/audio/speech-onset-detector.js';

/** Pushes a pattern of frames ('#' voiced, '.' not) and returns the transitions it caused. */
const feed = (detector: SpeechOnsetDetector, pattern: string): SpeechTransition[] =>
  [...pattern].flatMap((c) => {
    const t = detector.push(c === '#');
    return t === undefined ? [] : [t];
  });

// 20 ms frames: 15-frame window, 9 voiced frames for an onset, 35 silent frames to end.
const detector = (): SpeechOnsetDetector =>
  createSpeechOnsetDetector({ frameMs: 20, onsetWindowMs: 300, onsetVoicedMs: 180, hangoverMs: 700 });

describe('createSpeechOnsetDetector', () => {
  it('starts speech once onsetVoicedMs of the window is voiced', () => {
    const d = detector();
    expect(feed(d, '.....########')).toEqual([]);
    expect(feed(d, '#')).toEqual([{ type: 'speechStart', atMs: 280, onsetMs: 100 }]);
    expect(d.speaking).toBe(true);
  });

  it('dates the onset at the first voiced frame still in the window', () => {
    const d = detector();
    const transitions = feed(d, `#${'.'.repeat(20)}##.#######`);
    expect(transitions).toEqual([{ type: 'speechStart', atMs: 620, onsetMs: 420 }]);
  });

  it('ignores clicks shorter than onsetVoicedMs', () => {
    const d = detector();
    expect(feed(d, '....####.......###.........########.....'.repeat(5))).toEqual([]);
    expect(d.speaking).toBe(false);
  });

  it('ignores voicing too sparse to fill onsetVoicedMs of any window', () => {
    expect(feed(detector(), '#.'.repeat(200))).toEqual([]);
  });

  it('tolerates unvoiced frames inside the onset window', () => {
    expect(feed(detector(), '##.##.##.###').map((t) => t.type)).toEqual(['speechStart']);
  });

  it('ends speech after hangoverMs of unbroken non-speech', () => {
    const d = detector();
    feed(d, '#'.repeat(20));
    expect(feed(d, '.'.repeat(34))).toEqual([]);
    expect(feed(d, '.')).toEqual([{ type: 'speechEnd', atMs: 1100, lastVoicedMs: 400 }]);
    expect(d.speaking).toBe(false);
  });

  it('keeps speaking through a pause shorter than the hangover', () => {
    const d = detector();
    const transitions = feed(d, `${'#'.repeat(20)}${'.'.repeat(30)}${'#'.repeat(5)}${'.'.repeat(30)}`);
    expect(transitions.map((t) => t.type)).toEqual(['speechStart']);
  });

  it('requires a fresh onset after speech ends', () => {
    const d = createSpeechOnsetDetector({ frameMs: 20, onsetWindowMs: 300, onsetVoicedMs: 180, hangoverMs: 100 });
    const transitions = feed(d, `${'#'.repeat(15)}.....#####`);
    expect(transitions.map((t) => t.type)).toEqual(['speechStart', 'speechEnd']);
  });

  it('detects a second utterance after the first ended', () => {
    const d = detector();
    const transitions = feed(d, `${'#'.repeat(20)}${'.'.repeat(40)}${'#'.repeat(10)}`);
    expect(transitions.map((t) => t.type)).toEqual(['speechStart', 'speechEnd', 'speechStart']);
    expect(transitions[2]).toMatchObject({ onsetMs: 1200 });
  });

  it('rounds durations up to whole frames', () => {
    const d = createSpeechOnsetDetector({ frameMs: 30, onsetWindowMs: 100, onsetVoicedMs: 70, hangoverMs: 50 });
    expect(feed(d, '##')).toEqual([]);
    expect(feed(d, '#')).toEqual([{ type: 'speechStart', atMs: 90, onsetMs: 0 }]);
    expect(feed(d, '..')).toEqual([{ type: 'speechEnd', atMs: 150, lastVoicedMs: 90 }]);
  });

  it('tracks the stream position in ms', () => {
    const d = detector();
    feed(d, '.'.repeat(7));
    expect(d.positionMs).toBe(140);
  });

  it('returns to silence at position 0 on reset', () => {
    const d = detector();
    feed(d, '#'.repeat(20));
    d.reset();
    expect([d.speaking, d.positionMs]).toEqual([false, 0]);
    expect(feed(d, '########')).toEqual([]);
  });

  it('uses 300/180/700 ms when only frameMs is given', () => {
    const d = createSpeechOnsetDetector({ frameMs: 10 });
    expect(feed(d, '#'.repeat(17))).toEqual([]);
    expect(feed(d, '#')).toEqual([{ type: 'speechStart', atMs: 180, onsetMs: 0 }]);
    expect(feed(d, '.'.repeat(69))).toEqual([]);
    expect(feed(d, '.').map((t) => t.type)).toEqual(['speechEnd']);
  });

  it('rejects a non-number duration with TypeError', () => {
    expect(() => createSpeechOnsetDetector({ frameMs: '20' as unknown as number })).toThrow(TypeError);
  });

  it('rejects non-positive durations with RangeError', () => {
    expect(() => createSpeechOnsetDetector({ frameMs: 0 })).toThrow(RangeError);
    expect(() => createSpeechOnsetDetector({ frameMs: 20, hangoverMs: -1 })).toThrow(RangeError);
  });

  it('rejects onsetVoicedMs longer than the window with RangeError', () => {
    expect(() => createSpeechOnsetDetector({ frameMs: 20, onsetWindowMs: 100, onsetVoicedMs: 200 })).toThrow(RangeError);
  });
});
