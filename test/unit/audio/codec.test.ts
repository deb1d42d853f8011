import { describe, expect, it } from 'vitest';
import { mulawToPcm16, pcm16ToMulaw, PCMU_SILENCE } from '../../../runtime/src/audio/codec.js';

describe('G.711 μ-law codec', () => {
  it('decodes the silence code to a zero sample', () => {
    expect(mulawToPcm16(Uint8Array.of(PCMU_SILENCE))).toEqual(Int16Array.of(0));
  });

  it('round-trips every code exactly', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const decoded = mulawToPcm16(codes);
    expect([...mulawToPcm16(pcm16ToMulaw(decoded))]).toEqual([...decoded]);
  });

  it('keeps the quantisation error within half a μ-law step', () => {
    const samples = Int16Array.from({ length: 2000 }, (_, i) => Math.round(30_000 * Math.sin(i / 7)));
    const back = mulawToPcm16(pcm16ToMulaw(samples));
    samples.forEach((s, i) => expect(Math.abs(back[i]! - s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) / 16)));
  });

  it('decodes into a caller buffer and rejects one that is too short', () => {
    const out = new Int16Array(4);
    expect(mulawToPcm16(Uint8Array.of(0xff, 0x7f), out)).toBe(out);
    expect(() => mulawToPcm16(Uint8Array.of(1, 2, 3), new Int16Array(2))).toThrow(RangeError);
  });
});
