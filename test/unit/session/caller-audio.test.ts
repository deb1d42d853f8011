import { describe, expect, it } from 'vitest';
import { mulawToPcm16, pcm16ToMulaw } from '../../../runtime/src/audio/codec.js';
import type { MediaFormat } from '../../../runtime/src/protocol/index.js';
import { createCallerAudioDecoder, createChannelDecoder, createInterleavedDecoder } from '../../../runtime/src/session/caller-audio.js';
import { speechLike, tone } from '../../../runtime/tools/support/audio-gen.js';

const media = (format: 'PCMU' | 'L16', channels: MediaFormat['channels']): MediaFormat => ({ type: 'audio', format, channels, rate: 8000 });

/** Interleaves two equal-length channels sample by sample. */
function interleave<T extends Int16Array | Uint8Array>(first: T, second: T, make: (n: number) => T): T {
  const out = make(first.length * 2);
  for (let i = 0; i < first.length; i++) {
    out[2 * i] = first[i]!;
    out[2 * i + 1] = second[i]!;
  }
  return out;
}

/** PCM16 samples as little-endian bytes, written byte by byte (independent of host order). */
function toLeBytes(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  samples.forEach((s, i) => {
    bytes[2 * i] = s & 0xff;
    bytes[2 * i + 1] = (s >> 8) & 0xff;
  });
  return bytes;
}

// Distinct signals per channel so picking the wrong one shows.
const caller = speechLike(200, { dbfs: -20, seed: 1 });
const agent = tone(200, { hz: 440, dbfs: -12 });
const callerPcmu = pcm16ToMulaw(caller);
const agentPcmu = pcm16ToMulaw(agent);

describe('createCallerAudioDecoder', () => {
  it('decodes PCMU mono exactly as mulawToPcm16 does', () => {
    const decode = createCallerAudioDecoder(media('PCMU', ['external']));

    expect(decode(callerPcmu)).toEqual(mulawToPcm16(callerPcmu));
  });

  it('picks the external channel of PCMU stereo when it comes first', () => {
    const decode = createCallerAudioDecoder(media('PCMU', ['external', 'internal']));

    const out = decode(interleave(callerPcmu, agentPcmu, (n) => new Uint8Array(n)));

    expect(out).toEqual(mulawToPcm16(callerPcmu));
  });

  it('picks the external channel of PCMU stereo when it comes second', () => {
    const decode = createCallerAudioDecoder(media('PCMU', ['internal', 'external']));

    const out = decode(interleave(agentPcmu, callerPcmu, (n) => new Uint8Array(n)));

    expect(out).toEqual(mulawToPcm16(callerPcmu));
  });

  it('reads L16 mono little-endian', () => {
    const decode = createCallerAudioDecoder(media('L16', ['external']));

    expect(decode(toLeBytes(caller))).toEqual(caller);
  });

  it('reads L16 mono from a frame that does not start at its buffer start', () => {
    const decode = createCallerAudioDecoder(media('L16', ['external']));
    const bytes = toLeBytes(caller);
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes, 1);

    expect(decode(padded.subarray(1))).toEqual(caller);
  });

  it('picks the external channel of L16 stereo in either channel order', () => {
    const externalFirst = createCallerAudioDecoder(media('L16', ['external', 'internal']));
    const externalSecond = createCallerAudioDecoder(media('L16', ['internal', 'external']));
    const make = (n: number): Int16Array => new Int16Array(n);

    expect(externalFirst(toLeBytes(interleave(caller, agent, make)))).toEqual(caller);
    expect(externalSecond(toLeBytes(interleave(agent, caller, make)))).toEqual(caller);
  });
});

describe('createChannelDecoder', () => {
  it('picks the internal (agent) channel of PCMU stereo', () => {
    const decode = createChannelDecoder(media('PCMU', ['external', 'internal']), 'internal');

    expect(decode(interleave(callerPcmu, agentPcmu, (n) => new Uint8Array(n)))).toEqual(mulawToPcm16(agentPcmu));
  });

  it('reuses one output buffer while frames keep their size, and resizes when they change', () => {
    const decode = createCallerAudioDecoder(media('PCMU', ['external']));

    const first = decode(callerPcmu);
    const second = decode(agentPcmu);
    const shorter = decode(callerPcmu.subarray(0, 80));

    expect(second).toBe(first);
    expect(second).toEqual(mulawToPcm16(agentPcmu));
    expect(shorter).toEqual(mulawToPcm16(callerPcmu.subarray(0, 80)));
  });
});

describe('createInterleavedDecoder', () => {
  it('decodes every channel of a PCMU stereo frame, interleaved in media order', () => {
    const decode = createInterleavedDecoder(media('PCMU', ['external', 'internal']));
    const frame = interleave(callerPcmu, agentPcmu, (n) => new Uint8Array(n));
    expect(decode(frame)).toEqual(interleave(mulawToPcm16(callerPcmu), mulawToPcm16(agentPcmu), (n) => new Int16Array(n)));
  });

  it('reads L16 stereo little-endian, interleaved as sent', () => {
    const decode = createInterleavedDecoder(media('L16', ['external', 'internal']));
    const both = interleave(caller, agent, (n) => new Int16Array(n));
    expect(decode(toLeBytes(both))).toEqual(both);
  });
});
