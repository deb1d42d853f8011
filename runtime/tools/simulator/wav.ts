import { readFile, writeFile } from 'node:fs/promises';
import wavefile from 'wavefile';
import { mulawToPcm16, pcm16ToMulaw } from '../../src/audio/codec.js';

const { WaveFile } = wavefile;

/**
 * Reads a WAV file as 8 kHz mono PCMU, the caller audio Genesys sends. Accepts μ-law (format 7) or
 * 16-bit PCM at 8 kHz mono; other rates are resampled, so any speech WAV works as caller audio.
 */
export async function readCallerWav(path: string): Promise<Uint8Array> {
  const wav = new WaveFile(await readFile(path));
  const fmt = wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number };
  if (fmt.numChannels !== 1) throw new Error(`${path}: caller audio must be mono (has ${fmt.numChannels} channels)`);
  if (fmt.audioFormat === 7) wav.fromMuLaw();
  if (wav.bitDepth !== '16') wav.toBitDepth('16');
  if (fmt.sampleRate !== 8000) wav.toSampleRate(8000);
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
  return pcm16ToMulaw(samples);
}

/** Builds a μ-law 8 kHz mono WAV file from PCMU bytes (what the bot sent). */
export function toMulawWav(pcmu: Uint8Array): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(1, 8000, '8m', pcmu);
  return wav.toBuffer();
}

/** Writes PCMU bytes as a μ-law WAV file. */
export async function writeMulawWav(path: string, pcmu: Uint8Array): Promise<void> {
  await writeFile(path, toMulawWav(pcmu));
}

/** Decodes PCMU to PCM16 (for measuring what was recorded). */
export function pcmuToPcm16(pcmu: Uint8Array): Int16Array {
  return mulawToPcm16(pcmu);
}
