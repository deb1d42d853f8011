import { mulawChannelToPcm16, mulawToPcm16 } from '../audio/codec.js';
import type { MediaFormat } from '../protocol/index.js';

/**
 * Decodes one inbound frame to PCM16. The samples are valid until the next call: each decoder owns
 * one buffer and reuses it, because decoding runs on every frame of every call and the VAD and
 * recognizers copy what they keep.
 */
export type ChannelDecoder = (frame: Uint8Array) => Int16Array;

/**
 * Turns inbound binary frames into mono PCM16 of the caller (the `external` channel), the form VAD and
 * speech recognition take. Audio Connector sends PCMU mono; stereo (Monitor) and L16 are handled too.
 * L16 byte order is not documented; like the reference server we read it little-endian (§5.1).
 */
export function createCallerAudioDecoder(media: MediaFormat): ChannelDecoder {
  return createChannelDecoder(media, 'external');
}

/**
 * Decodes one channel of a frame to PCM16: `external` is the caller, `internal` the Genesys side
 * (agent or IVR), present only on stereo AudioHook Monitor streams. A channel the media lacks falls
 * back to the first one.
 */
export function createChannelDecoder(media: MediaFormat, channel: 'external' | 'internal'): ChannelDecoder {
  return createStridedDecoder(media.format, media.channels.length, Math.max(0, media.channels.indexOf(channel)));
}

/**
 * Decodes a whole frame, every channel, to interleaved PCM16 in the media's channel order: the form
 * a recognizer with channel identification takes (channel `i` of its results is `media.channels[i]`).
 */
export function createInterleavedDecoder(media: MediaFormat): ChannelDecoder {
  // Every sample in the order sent is one channel read with a stride of one.
  return createStridedDecoder(media.format, 1, 0);
}

/** Decodes every `stride`-th sample of a frame, starting at sample `index`. */
function createStridedDecoder(format: MediaFormat['format'], stride: number, index: number): ChannelDecoder {
  const bytesPerSample = format === 'PCMU' ? 1 : 2;
  let out = new Int16Array(0);
  // Frames keep one size for a whole call, so the buffer is allocated once in practice.
  const bufferFor = (frame: Uint8Array): Int16Array => {
    const samples = Math.floor(frame.byteLength / bytesPerSample / stride);
    if (out.length !== samples) out = new Int16Array(samples);
    return out;
  };
  if (format === 'PCMU') {
    if (stride === 1) return (frame) => mulawToPcm16(frame, bufferFor(frame));
    return (frame) => mulawChannelToPcm16(frame, stride, index, bufferFor(frame));
  }
  return (frame) => {
    const samples = bufferFor(frame);
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16((i * stride + index) * 2, true);
    return samples;
  };
}
