import { describe, expect, it } from 'vitest';
import { concat, mix, pinkNoise, rmsDbfs, silence, speechLike, tone, whiteNoise } from '../../../runtime/tools/support/audio-gen.js';

describe('test audio generators', () => {
  it('produce 8 samples per ms', () => {
    expect([silence(250), whiteNoise(250), pinkNoise(250), tone(250, { hz: 440 }), speechLike(250)].map((s) => s.length)).toEqual([
      2000, 2000, 2000, 2000, 2000,
    ]);
  });

  it.each([
    ['white noise', -50, whiteNoise(2000, { dbfs: -50 })],
    ['pink noise', -45, pinkNoise(2000, { dbfs: -45 })],
    ['a tone', -20, tone(2000, { hz: 1000, dbfs: -20 })],
    ['speech-like audio', -26, speechLike(2000, { dbfs: -26 })],
  ] as const)('scale %s to the requested RMS level (%d dBFS)', (_name, dbfs, pcm) => {
    expect(rmsDbfs(pcm)).toBeCloseTo(dbfs, 0);
  });

  it('repeat exactly for the same seed and differ for another', () => {
    expect(whiteNoise(100, { seed: 5 })).toEqual(whiteNoise(100, { seed: 5 }));
    expect(whiteNoise(100, { seed: 5 })).not.toEqual(whiteNoise(100, { seed: 6 }));
  });

  it('give speech-like audio a syllable-rate envelope', () => {
    const pcm = speechLike(1000, { syllableHz: 4 });
    const level = (fromMs: number) => rmsDbfs(pcm.subarray(fromMs * 8, (fromMs + 20) * 8));
    // Envelope peaks at 125 ms, 375 ms…; troughs at 0, 250 ms…
    expect(level(115) - level(240)).toBeGreaterThan(15);
  });

  it('mix sample-wise with clipping and concatenate in order', () => {
    const loud = tone(10, { hz: 500, dbfs: -1 });
    const mixed = mix(loud, loud);
    expect(Math.max(...mixed)).toBe(32767);
    expect(concat(Int16Array.of(1, 2), Int16Array.of(3))).toEqual(Int16Array.of(1, 2, 3));
  });
});
