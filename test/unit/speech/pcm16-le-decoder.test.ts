import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pcm16LeDecoder } from '../../../runtime/src/speech/pcm16-le-decoder.js';
import { toLeBytes } from './speech-test-helpers.js';

describe('Pcm16LeDecoder', () => {
  it('decodes little-endian byte pairs to signed samples', () => {
    expect(new Pcm16LeDecoder().push(Uint8Array.of(0x02, 0x01, 0xfe, 0xff))).toEqual(Int16Array.of(0x0102, -2));
  });

  it('carries an odd trailing byte into the next chunk', () => {
    const decoder = new Pcm16LeDecoder();
    expect(decoder.push(Uint8Array.of(0x02, 0x01, 0xfe))).toEqual(Int16Array.of(0x0102));
    expect(decoder.hasPendingByte).toBe(true);
    expect(decoder.push(Uint8Array.of(0xff))).toEqual(Int16Array.of(-2));
  });

  it('decodes the same samples however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 64 }), fc.array(fc.nat(10)), (values, cuts) => {
        const samples = Int16Array.from(values);
        const bytes = toLeBytes(samples);
        const decoder = new Pcm16LeDecoder();
        const out: number[] = [];
        let from = 0;
        for (const cut of cuts) {
          const to = Math.min(bytes.length, from + cut);
          out.push(...decoder.push(bytes.subarray(from, to)));
          from = to;
        }
        out.push(...decoder.push(bytes.subarray(from)));
        expect(Int16Array.from(out)).toEqual(samples);
      }),
    );
  });
});
