/**
 * WAV files of call recordings, written in the sample format the audio had on the wire: μ-law
 * (WAVE_FORMAT_MULAW, 8 bits) for PCMU calls, 16-bit little-endian PCM for L16 calls. The header is
 * written here rather than by `wavefile` because that library holds samples as JavaScript numbers
 * (8 bytes each): a 20-minute stereo recording would briefly take 150 MB instead of 19 MB.
 */

export type WavSampleFormat = 'mulaw' | 'pcm16';

/** Bytes one sample of one channel takes. */
export function bytesPerSample(format: WavSampleFormat): 1 | 2 {
  return format === 'mulaw' ? 1 : 2;
}

/** The value of one silent sample (μ-law 0xFF is zero; PCM16 zero is two 0x00 bytes). */
export function silenceByte(format: WavSampleFormat): number {
  return format === 'mulaw' ? 0xff : 0x00;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_MULAW = 7;

/**
 * The header of a WAV file of `frames` sample frames. Non-PCM formats carry an 18-byte `fmt ` chunk
 * and a `fact` chunk with the sample count (RIFF WAVE spec, Microsoft 1991); PCM the classic 44 bytes.
 */
export function wavHeader(format: WavSampleFormat, channels: number, sampleRate: number, frames: number): Uint8Array {
  const width = bytesPerSample(format);
  const dataBytes = frames * channels * width;
  const isPcm = format === 'pcm16';
  const fmtSize = isPcm ? 16 : 18;
  const factSize = isPcm ? 0 : 12;
  const headerBytes = 12 + 8 + fmtSize + factSize + 8;
  const out = new Uint8Array(headerBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i += 1) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, headerBytes - 8 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, isPcm ? WAVE_FORMAT_PCM : WAVE_FORMAT_MULAW, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * width, true);
  view.setUint16(32, channels * width, true);
  view.setUint16(34, width * 8, true);
  let at = 36;
  if (!isPcm) {
    view.setUint16(at, 0, true); // cbSize: no extra format bytes
    ascii(at + 2, 'fact');
    view.setUint32(at + 6, 4, true);
    view.setUint32(at + 10, frames, true);
    at += 14;
  }
  ascii(at, 'data');
  view.setUint32(at + 4, dataBytes, true);
  return out;
}

/**
 * A whole WAV file from one buffer per channel, each `frames × width` bytes in the file's sample
 * format (PCM16 little-endian); the channels are interleaved in the given order.
 */
export function encodeWav(format: WavSampleFormat, sampleRate: number, channels: readonly Uint8Array[]): Uint8Array {
  const width = bytesPerSample(format);
  const first = channels[0];
  if (first === undefined) throw new RangeError('a WAV needs at least one channel');
  const frames = first.byteLength / width;
  if (!Number.isInteger(frames) || channels.some((c) => c.byteLength !== first.byteLength)) {
    throw new RangeError('every channel must hold the same whole number of samples');
  }
  const header = wavHeader(format, channels.length, sampleRate, frames);
  const out = new Uint8Array(header.byteLength + first.byteLength * channels.length);
  out.set(header, 0);
  const stride = channels.length * width;
  const data = out.subarray(header.byteLength);
  // Tight typed-array loops: a 10-minute two-channel call is ~10 M bytes, interleaved in milliseconds.
  channels.forEach((channel, index) => {
    if (channels.length === 1) return data.set(channel);
    const offset = index * width;
    if (width === 1) {
      for (let f = 0, at = offset; f < frames; f += 1, at += stride) data[at] = channel[f] as number;
      return undefined;
    }
    for (let f = 0, at = offset; f < frames; f += 1, at += stride) {
      data[at] = channel[2 * f] as number;
      data[at + 1] = channel[2 * f + 1] as number;
    }
    return undefined;
  });
  return out;
}
