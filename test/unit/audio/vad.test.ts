import { beforeAll, describe, expect, it } from 'vitest';
import { mulawToPcm16, pcm16ToMulaw } from '../../../runtime/src/audio/codec.js';
import { createSpeechOnsetDetector, type SpeechTransition } from '../../../runtime/src/audio/speech-onset-detector.js';
import {
  createVoiceActivityDetector,
  loadVadEngine,
  type VadEngine,
  type VoiceActivityDetector,
  type VoiceActivityDetectorOptions,
} from '../../../runtime/src/audio/vad.js';
import { concat, createPrng, mix, pinkNoise, silence, speechLike, whiteNoise } from '../../../runtime/tools/support/audio-gen.js';

/** What Genesys delivers: the signal through G.711 μ-law and back. */
const overTheLine = (pcm: Int16Array): Int16Array => mulawToPcm16(pcm16ToMulaw(pcm));

const voicedShare = (decisions: readonly boolean[]): number => decisions.filter(Boolean).length / decisions.length;

let engine: VadEngine;
beforeAll(async () => {
  engine = await loadVadEngine();
});

const detector = (options: VoiceActivityDetectorOptions = {}): VoiceActivityDetector => engine.createDetector(options);

/** Runs VAD and onset smoothing over `pcm` in 200 ms frames, as they arrive from Genesys. */
function transitions(pcm: Int16Array): SpeechTransition[] {
  const vad = detector();
  const onset = createSpeechOnsetDetector({ frameMs: vad.frameMs });
  const out: SpeechTransition[] = [];
  const onFrame = (voiced: boolean): void => {
    const t = onset.push(voiced);
    if (t !== undefined) out.push(t);
  };
  for (let i = 0; i < pcm.length; i += 1600) vad.write(pcm.subarray(i, i + 1600), onFrame);
  vad.close();
  return out;
}

describe('voice activity detector (WebRTC VAD in WASM)', () => {
  it('loads the WASM module once per process', async () => {
    expect(await loadVadEngine()).toBe(engine);
  });

  it('creates detectors through the async convenience factory', async () => {
    const vad = await createVoiceActivityDetector({ frameMs: 30 });
    expect([vad.sampleRateHz, vad.frameMs]).toEqual([8000, 30]);
    vad.close();
  });

  it('classifies a speech-like signal as speech', () => {
    const vad = detector();
    expect(voicedShare(vad.process(overTheLine(speechLike(3000, { dbfs: -26 }))))).toBeGreaterThan(0.9);
    vad.close();
  });

  it('classifies digital silence as non-speech', () => {
    const vad = detector();
    expect(voicedShare(vad.process(silence(3000)))).toBe(0);
    vad.close();
  });

  it.each([
    ['white', -50],
    ['pink', -50],
    ['white', -40],
  ] as const)('classifies %s line noise at %d dBFS as non-speech', (kind, dbfs) => {
    const vad = detector();
    const noise = (kind === 'white' ? whiteNoise : pinkNoise)(10_000, { dbfs, seed: 42 });
    expect(voicedShare(vad.process(overTheLine(noise)))).toBeLessThan(0.02);
    vad.close();
  });

  it('classifies one frame per frameMs of audio', () => {
    const vad = detector({ frameMs: 10 });
    expect(vad.process(silence(200))).toHaveLength(20);
    vad.close();
  });

  it('buffers samples short of a frame until the next write', () => {
    const vad = detector({ frameMs: 20 });
    const calls: boolean[] = [];
    expect(vad.write(silence(15), (v) => calls.push(v))).toBe(0);
    expect(vad.write(silence(15), (v) => calls.push(v))).toBe(1);
    expect(calls).toHaveLength(1);
    vad.close();
  });

  it('gives the same decisions whatever the write sizes', () => {
    const pcm = overTheLine(concat(pinkNoise(1000, { seed: 3 }), speechLike(1500, { dbfs: -30 }), pinkNoise(1000, { seed: 4 })));
    const whole = detector({ frameMs: 30 });
    const expected = whole.process(pcm);
    whole.close();
    const pieces = detector({ frameMs: 30 });
    const random = createPrng(9);
    const actual: boolean[] = [];
    for (let i = 0; i < pcm.length; ) {
      const n = 1 + Math.floor(random() * 700);
      pieces.write(pcm.subarray(i, i + n), (v) => actual.push(v));
      i += n;
    }
    pieces.close();
    expect(actual).toEqual(expected);
  });

  it('keeps the state of interleaved detectors separate', () => {
    const speech = overTheLine(speechLike(2000, { dbfs: -28, seed: 5 }));
    const noise = overTheLine(whiteNoise(2000, { seed: 6 }));
    const alone = [speech, noise].map((pcm) => {
      const vad = detector();
      const d = vad.process(pcm);
      vad.close();
      return d;
    });
    const [a, b] = [detector(), detector()];
    const together: [boolean[], boolean[]] = [[], []];
    for (let i = 0; i < 16_000; i += 1600) {
      a.write(speech.subarray(i, i + 1600), (v) => together[0].push(v));
      b.write(noise.subarray(i, i + 1600), (v) => together[1].push(v));
    }
    a.close();
    b.close();
    expect(together).toEqual(alone);
  });

  it('forgets buffered samples on reset', () => {
    const vad = detector({ frameMs: 20 });
    vad.write(silence(15), () => undefined);
    vad.reset();
    expect(vad.write(silence(15), () => undefined)).toBe(0);
    vad.close();
  });

  it('does nothing after close, and close is idempotent', () => {
    const vad = detector();
    vad.close();
    vad.close();
    const calls: boolean[] = [];
    expect(vad.write(silence(200), (v) => calls.push(v))).toBe(0);
    expect(calls).toEqual([]);
  });

  it('stops at once when an onFrame callback closes the detector', () => {
    const vad = detector();
    let frames = 0;
    vad.write(silence(200), () => {
      frames++;
      vad.close();
    });
    expect(frames).toBe(1);
  });

  it('supports thousands of concurrent detectors, freed on close', () => {
    const many = Array.from({ length: 3000 }, () => detector());
    const decisions = many.map((vad) => vad.process(silence(20))[0]);
    for (const vad of many) vad.close();
    expect(decisions.every((d) => d === false)).toBe(true);
  });

  it('runs at 16 kHz when asked', () => {
    const vad = detector({ sampleRateHz: 16000, frameMs: 10 });
    expect(vad.process(new Int16Array(1600))).toHaveLength(10);
    vad.close();
  });

  it('rejects an unsupported frame length, rate or mode with RangeError', () => {
    expect(() => detector({ frameMs: 25 as 20 })).toThrow(RangeError);
    expect(() => detector({ sampleRateHz: 11025 as 8000 })).toThrow(RangeError);
    expect(() => detector({ mode: 4 as 3 })).toThrow(RangeError);
  });

  it('rejects a non-number option with TypeError', () => {
    expect(() => detector({ mode: '2' as unknown as 2 })).toThrow(TypeError);
  });
});

describe('voice activity detector with onset smoothing', () => {
  const SPEECH_START_MS = 3000;
  const SPEECH_END_MS = 5000;
  const call = (seed: number, noise: typeof whiteNoise, speechDbfs: number, noiseDbfs: number): Int16Array =>
    overTheLine(
      mix(
        noise(8000, { dbfs: noiseDbfs, seed }),
        concat(silence(SPEECH_START_MS), speechLike(SPEECH_END_MS - SPEECH_START_MS, { dbfs: speechDbfs, seed }), silence(3000)),
      ),
    );

  it.each([
    [1, 'white', -26, -50],
    [2, 'pink', -26, -50],
    [3, 'white', -35, -45],
    [4, 'pink', -30, -40],
  ] as const)('detects speech in line noise within 300 ms of its start (seed %d, %s noise, speech %d dBFS, noise %d dBFS)', (seed, kind, speechDbfs, noiseDbfs) => {
    const [start] = transitions(call(seed, kind === 'white' ? whiteNoise : pinkNoise, speechDbfs, noiseDbfs));
    expect(start?.type).toBe('speechStart');
    expect(start!.atMs).toBeGreaterThan(SPEECH_START_MS);
    expect(start!.atMs).toBeLessThanOrEqual(SPEECH_START_MS + 300);
  });

  it('dates the onset within 100 ms of the true speech start', () => {
    const [start] = transitions(call(5, pinkNoise, -28, -50));
    expect(start).toMatchObject({ type: 'speechStart' });
    expect(Math.abs((start as { onsetMs: number }).onsetMs - SPEECH_START_MS)).toBeLessThanOrEqual(100);
  });

  it('ends speech one hangover after the speech stops', () => {
    const events = transitions(call(6, whiteNoise, -26, -50));
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
    const end = events[1] as { atMs: number; lastVoicedMs: number };
    expect(end.lastVoicedMs).toBeGreaterThanOrEqual(SPEECH_END_MS - 100);
    expect(end.lastVoicedMs).toBeLessThanOrEqual(SPEECH_END_MS + 200);
    expect(end.atMs - end.lastVoicedMs).toBe(700);
  });

  it.each([
    ['white', -50],
    ['pink', -50],
    ['white', -40],
  ] as const)('raises no onset in 30 s of %s line noise at %d dBFS', (kind, dbfs) => {
    const noise = kind === 'white' ? whiteNoise : pinkNoise;
    const events = [1, 2, 3].flatMap((seed) => transitions(overTheLine(noise(30_000, { dbfs, seed }))));
    expect(events).toEqual([]);
  });
});
