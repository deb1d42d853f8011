import wavefile from 'wavefile';
import { describe, expect, it } from 'vitest';
import { encodeWav, wavHeader } from '../../../runtime/src/audio/wav-encoding.js';

describe('encodeWav', () => {
  it('writes a μ-law stereo WAV that wavefile reads back with the same layout and samples', () => {
    const left = Uint8Array.from([1, 2, 3, 4]);
    const right = Uint8Array.from([0xff, 0xfe, 0xfd, 0xfc]);
    const bytes = encodeWav('mulaw', 8000, [left, right]);

    const wav = new wavefile.WaveFile(bytes);
    const fmt = wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number };
    expect(fmt).toMatchObject({ audioFormat: 7, numChannels: 2, sampleRate: 8000, bitsPerSample: 8 });
    const data = (wav.data as { samples: Uint8Array }).samples;
    expect([...data]).toEqual([1, 0xff, 2, 0xfe, 3, 0xfd, 4, 0xfc]);
    expect((wav.fact as { dwSampleLength: number }).dwSampleLength).toBe(4);
  });

  it('writes 16-bit PCM little-endian samples unchanged, per channel', () => {
    const pcm = new Int16Array([100, -100, 32767]);
    const bytes = encodeWav('pcm16', 8000, [new Uint8Array(pcm.buffer)]);
    const wav = new wavefile.WaveFile(bytes);
    expect((wav.fmt as { audioFormat: number; bitsPerSample: number }).audioFormat).toBe(1);
    expect([...(wav.getSamples(false, Int16Array) as unknown as Int16Array)]).toEqual([100, -100, 32767]);
  });

  it('sizes the RIFF and data chunks from the sample count', () => {
    const header = wavHeader('mulaw', 2, 8000, 8000);
    const view = new DataView(header.buffer);
    expect(header.byteLength).toBe(58);
    expect(view.getUint32(4, true)).toBe(58 - 8 + 16000);
    expect(view.getUint32(54, true)).toBe(16000);
  });

  it('refuses channels of different lengths and an empty channel list', () => {
    expect(() => encodeWav('mulaw', 8000, [new Uint8Array(2), new Uint8Array(3)])).toThrow(RangeError);
    expect(() => encodeWav('mulaw', 8000, [])).toThrow(RangeError);
    expect(() => encodeWav('pcm16', 8000, [new Uint8Array(3)])).toThrow(RangeError);
  });
});
