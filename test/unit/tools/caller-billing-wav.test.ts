import { describe, expect, it } from 'vitest';
import { pcmuToPcm16, readCallerWav } from '../../../runtime/tools/simulator/wav.js';

describe('the shipped caller recording (README quick start)', () => {
  it('is a short 8 kHz caller clip with speech in it', async () => {
    const pcmu = await readCallerWav(new URL('../../../runtime/tools/simulator/caller-billing.wav', import.meta.url).pathname);
    const seconds = pcmu.length / 8000;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(3);
    const pcm = pcmuToPcm16(pcmu);
    const peak = pcm.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
    expect(peak).toBeGreaterThan(4_000);
  });
});
