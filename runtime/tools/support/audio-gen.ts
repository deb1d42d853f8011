/**
 * Deterministic test audio at 8 kHz mono PCM16: silence, line noise, tones and a speech-like signal
 * (glottal pulses through formant resonators, syllable-rate envelope). Levels are RMS in dBFS relative
 * to a full-scale square wave (|x| = 32768), so -50 dBFS noise has an RMS of about 104.
 */

/** Sample rate of every generator here. */
export const SAMPLE_RATE_HZ = 8000;

/** A seeded PRNG (mulberry32): same seed, same sequence, uniform in [0, 1). */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const samplesFor = (ms: number): number => Math.round((ms * SAMPLE_RATE_HZ) / 1000);

/** RMS amplitude (in sample units) of a level in dBFS. */
export function dbfsToRms(dbfs: number): number {
  return 32768 * 10 ** (dbfs / 20);
}

/** Level of `pcm` in dBFS (RMS); -Infinity for digital silence. */
export function rmsDbfs(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return 20 * Math.log10(Math.sqrt(sum / Math.max(1, pcm.length)) / 32768);
}

// Scales float samples to the RMS of `dbfs` and quantises with clipping.
function toPcm16(samples: Float64Array, dbfs: number): Int16Array {
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  const gain = rms === 0 ? 0 : dbfsToRms(dbfs) / rms;
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * gain)));
  return out;
}

/** `ms` of digital silence. */
export function silence(ms: number): Int16Array {
  return new Int16Array(samplesFor(ms));
}

/** Gaussian white noise (Box–Muller over the seeded PRNG). */
export function whiteNoise(ms: number, options: { dbfs?: number; seed?: number } = {}): Int16Array {
  const random = createPrng(options.seed ?? 1);
  const out = new Float64Array(samplesFor(ms));
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  }
  return toPcm16(out, options.dbfs ?? -50);
}

/** Pink (1/f) noise: white noise through Paul Kellet's economy filter. */
export function pinkNoise(ms: number, options: { dbfs?: number; seed?: number } = {}): Int16Array {
  const random = createPrng(options.seed ?? 1);
  const out = new Float64Array(samplesFor(ms));
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < out.length; i++) {
    const white = random() * 2 - 1;
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    out[i] = b0 + b1 + b2 + white * 0.1848;
  }
  return toPcm16(out, options.dbfs ?? -50);
}

/** A sine tone. */
export function tone(ms: number, options: { hz: number; dbfs?: number }): Int16Array {
  const out = new Float64Array(samplesFor(ms));
  for (let i = 0; i < out.length; i++) out[i] = Math.sin((2 * Math.PI * options.hz * i) / SAMPLE_RATE_HZ);
  return toPcm16(out, options.dbfs ?? -20);
}

/** Second-order resonator (Klatt): a formant at `hz` with bandwidth `bwHz`, filtering `x` in place. */
function resonate(x: Float64Array, hz: (i: number) => number, bwHz: number): void {
  const r = Math.exp((-Math.PI * bwHz) / SAMPLE_RATE_HZ);
  const c = -r * r;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const b = 2 * r * Math.cos((2 * Math.PI * hz(i)) / SAMPLE_RATE_HZ);
    const y = (1 - b - c) * x[i]! + b * y1 + c * y2;
    y2 = y1;
    y1 = y;
    x[i] = y;
  }
}

/**
 * A voiced, speech-like signal: a glottal pulse train whose pitch glides within 100–200 Hz, shaped by a
 * glottal low-pass and three formant resonators that move per syllable, with breath noise and a 4 Hz
 * syllable envelope. Not intelligible, but it has the spectral and temporal cues a VAD keys on.
 */
export function speechLike(ms: number, options: { dbfs?: number; seed?: number; syllableHz?: number } = {}): Int16Array {
  const random = createPrng(options.seed ?? 7);
  const n = samplesFor(ms);
  const syllableHz = options.syllableHz ?? 4;
  const x = new Float64Array(n);
  // Per-syllable vowel targets (F1, F2) so the spectrum keeps changing as in running speech.
  const vowels = [
    [730, 1090],
    [270, 2290],
    [530, 1840],
    [570, 840],
    [440, 1020],
    [660, 1720],
  ] as const;
  const syllableSamples = SAMPLE_RATE_HZ / syllableHz;
  const vowelAt = (i: number): readonly [number, number] =>
    vowels[Math.floor(i / syllableSamples + 0.5 * Math.sin(i / 9000)) % vowels.length]!;
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE_HZ;
    const f0 = 150 + 40 * Math.sin(2 * Math.PI * 0.7 * t) + 10 * Math.sin(2 * Math.PI * 3.1 * t);
    phase += f0 / SAMPLE_RATE_HZ;
    let pulse = 0;
    if (phase >= 1) {
      phase -= 1;
      pulse = 1 + 0.1 * (random() - 0.5); // shimmer
    }
    x[i] = pulse + 0.02 * (random() * 2 - 1);
  }
  // Glottal spectral tilt: two one-pole low-passes (about -12 dB/octave above a few hundred Hz).
  for (let pass = 0; pass < 2; pass++) {
    let y = 0;
    for (let i = 0; i < n; i++) {
      y = 0.9 * y + 0.1 * x[i]!;
      x[i] = y;
    }
  }
  resonate(x, (i) => vowelAt(i)[0], 90);
  resonate(x, (i) => vowelAt(i)[1], 110);
  resonate(x, () => 2500, 170);
  // Syllable envelope: raised cosine at syllableHz, floored so syllables are separate but not gated.
  for (let i = 0; i < n; i++) {
    const env = 0.5 - 0.5 * Math.cos((2 * Math.PI * syllableHz * i) / SAMPLE_RATE_HZ);
    x[i] = x[i]! * (0.05 + 0.95 * env);
  }
  return toPcm16(x, options.dbfs ?? -24);
}

/** Sample-wise sum of signals (the longest sets the length), clipped to 16 bits. */
export function mix(...signals: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(Math.max(0, ...signals.map((s) => s.length)));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const s of signals) sum += s[i] ?? 0;
    out[i] = Math.max(-32768, Math.min(32767, sum));
  }
  return out;
}

/** Signals one after another. */
export function concat(...signals: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(signals.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of signals) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}
