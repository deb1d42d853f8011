import { mulawToPcm16 } from '../audio/codec.js';
import type { MediaFormat } from '../protocol/index.js';

/**
 * Turns inbound binary frames into mono PCM16 of the caller (the `external` channel), the form VAD and
 * speech recognition take. Audio Connector sends PCMU mono; stereo (Monitor) and L16 are handled too.
 * L16 byte order is not documented; like the reference server we read it little-endian (§5.1).
 */
export function createCallerAudioDecoder(media: MediaFormat): (frame: Uint8Array) => Int16Array {
  return createChannelDecoder(media, 'external');
}

/**
 * Decodes one channel of a frame to PCM16: `external` is the caller, `internal` the Genesys side
 * (agent or IVR), present only on stereo AudioHook Monitor streams. A channel the media lacks falls
 * back to the first one.
 */
export function createChannelDecoder(media: MediaFormat, channel: 'external' | 'internal'): (frame: Uint8Array) => Int16Array {
  const channels = media.channels.length;
  const index = Math.max(0, media.channels.indexOf(channel));
  if (media.format === 'PCMU') {
    if (channels === 1) return (frame) => mulawToPcm16(frame);
    return (frame) => {
      const out = new Int16Array(frame.length / channels);
      const all = mulawToPcm16(frame);
      for (let i = 0; i < out.length; i++) out[i] = all[i * channels + index]!;
      return out;
    };
  }
  return (frame) => {
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const out = new Int16Array(frame.byteLength / 2 / channels);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16((i * channels + index) * 2, true);
    return out;
  };
}
