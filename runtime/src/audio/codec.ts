import alawmulaw from 'alawmulaw';

// alawmulaw ships a UMD bundle whose named exports Node's ESM loader cannot see, so a named import
// works under vitest but throws at `npm start`; the default import (module.exports) works in both.
const { mulaw } = alawmulaw;

/**
 * G.711 μ-law ⇄ 16-bit PCM. The per-sample math is alawmulaw's; decoding goes through a 256-entry
 * table built from it once, because decoding runs on every inbound frame of every call.
 */
const MULAW_TO_PCM16: Int16Array = (() => {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = mulaw.decodeSample(code);
  return table;
})();

/** Decodes PCMU bytes to PCM16 samples (one sample per byte). */
export function mulawToPcm16(pcmu: Uint8Array, out: Int16Array = new Int16Array(pcmu.length)): Int16Array {
  if (out.length < pcmu.length) throw new RangeError('output buffer shorter than input');
  for (let i = 0; i < pcmu.length; i++) out[i] = MULAW_TO_PCM16[pcmu[i]!]!;
  return out;
}

/**
 * Decodes one channel of interleaved PCMU (`channels` bytes per sample frame, the wanted one at
 * `index`) into `out`, which must hold a sample per frame. For stereo AudioHook Monitor streams.
 */
export function mulawChannelToPcm16(pcmu: Uint8Array, channels: number, index: number, out: Int16Array): Int16Array {
  const frames = Math.floor(pcmu.length / channels);
  if (out.length < frames) throw new RangeError('output buffer shorter than input');
  for (let i = 0; i < frames; i++) out[i] = MULAW_TO_PCM16[pcmu[i * channels + index]!]!;
  return out;
}

/** Encodes PCM16 samples to PCMU bytes. */
export function pcm16ToMulaw(pcm16: Int16Array): Uint8Array {
  return mulaw.encode(pcm16);
}

/** μ-law code of digital silence (a zero sample). */
export const PCMU_SILENCE = 0xff;
