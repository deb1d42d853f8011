import { describe, expect, it } from 'vitest';
import { mulawToPcm16, pcm16ToMulaw } from '../../../runtime/src/audio/codec.js';
import type { MediaFormat } from '../../../runtime/src/protocol/index.js';
import { createCallerAudioDecoder, createChannelDecoder } from '../../../runtime/src/session/caller-audio.js';

const MONO: MediaFormat = { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 };
const STEREO: MediaFormat = { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 };

describe('caller audio decoding', () => {
  it('decodes mono PCMU to the same samples as the codec', () => {
    const pcmu = pcm16ToMulaw(Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 5))));
    expect([...createCallerAudioDecoder(MONO)(pcmu)]).toEqual([...mulawToPcm16(pcmu)]);
  });

  it('picks each channel of interleaved stereo PCMU, in the offered order', () => {
    const caller = pcm16ToMulaw(Int16Array.of(1000, -2000, 3000));
    const agent = pcm16ToMulaw(Int16Array.of(-500, 700, -900));
    const interleaved = Uint8Array.of(caller[0]!, agent[0]!, caller[1]!, agent[1]!, caller[2]!, agent[2]!);
    expect([...createChannelDecoder(STEREO, 'external')(interleaved)]).toEqual([...mulawToPcm16(caller)]);
    expect([...createChannelDecoder(STEREO, 'internal')(interleaved)]).toEqual([...mulawToPcm16(agent)]);
    const swapped: MediaFormat = { ...STEREO, channels: ['internal', 'external'] };
    expect([...createChannelDecoder(swapped, 'external')(interleaved)]).toEqual([...mulawToPcm16(agent)]);
  });

  it('reads L16 little-endian', () => {
    const l16: MediaFormat = { ...MONO, format: 'L16' };
    const bytes = Uint8Array.of(0x34, 0x12, 0xff, 0xff);
    expect([...createCallerAudioDecoder(l16)(bytes)]).toEqual([0x1234, -1]);
  });

  it('reuses one buffer while frames keep their size, and resizes when they change', () => {
    const decode = createCallerAudioDecoder(MONO);
    const first = decode(new Uint8Array(1600).fill(0xff));
    const second = decode(new Uint8Array(1600).fill(0x7f));
    expect(second).toBe(first);
    expect(second.length).toBe(1600);
    const shorter = decode(new Uint8Array(800).fill(0xff));
    expect(shorter.length).toBe(800);
    expect([...shorter].every((sample) => sample === 0)).toBe(true);
  });
});
