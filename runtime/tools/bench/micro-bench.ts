import { mulawToPcm16, pcm16ToMulaw } from '../../src/audio/codec.js';
import type { VadEngine, VadMode } from '../../src/audio/vad.js';
import { concat, pinkNoise, speechLike } from '../support/audio-gen.js';

/**
 * Micro-benchmarks of the per-sample work every inbound frame costs: μ-law decoding (as the server
 * decodes each frame, into a fresh array), μ-law encoding (synthesizer output), and the WebRTC VAD
 * over 200 ms frames. Throughput is samples per second on one core (this process is pinned).
 */
export interface MicroResults {
  readonly mulawDecodeSamplesPerSecond: number;
  readonly mulawEncodeSamplesPerSecond: number;
  readonly vadSamplesPerSecond: number;
  /** Real-time caller streams one core could decode + classify, codec and VAD alone. */
  readonly realtimeStreamsPerCore: number;
  /**
   * How long the server's VAD keeps flagging line noise as speech after an utterance ends, in ms, by
   * noise level and VAD mode (the server uses mode 2). Decides how soon a caller's turn can end.
   */
  readonly vadReleaseAfterSpeechMs: readonly { readonly noiseDbfs: number; readonly mode: VadMode; readonly releaseMs: number }[];
}

/** Runs `body` (which handles `samples` samples) repeatedly for about `ms`; samples per second. */
function throughput(samples: number, ms: number, body: () => void): number {
  for (let i = 0; i < 200; i++) body(); // warm-up: let the JIT settle before timing
  let runs = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 100; i++) body();
    runs += 100;
    elapsed = performance.now() - started;
  }
  return Math.round((runs * samples * 1000) / elapsed);
}

export function runMicroBenchmarks(vad: VadEngine, msEach: number): MicroResults {
  const speech = speechLike(1000, { seed: 3 });
  const pcmu = pcm16ToMulaw(speech);
  const frame = pcmu.subarray(0, 1600);
  let sink = 0;
  const decode = throughput(frame.length, msEach, () => {
    sink += mulawToPcm16(frame)[100]!;
  });
  const pcmFrame = speech.subarray(0, 1600);
  const encode = throughput(pcmFrame.length, msEach, () => {
    sink += pcm16ToMulaw(pcmFrame)[100]!;
  });
  const detector = vad.createDetector({ frameMs: 20, mode: 2 });
  const vadRate = throughput(pcmFrame.length, msEach, () => {
    detector.write(pcmFrame, (voiced) => {
      sink += voiced ? 1 : 0;
    });
  });
  detector.close();
  if (sink === Number.MIN_SAFE_INTEGER) process.stdout.write(''); // keeps `sink` observable
  const perSampleSeconds = 1 / decode + 1 / vadRate;
  return {
    mulawDecodeSamplesPerSecond: decode,
    mulawEncodeSamplesPerSecond: encode,
    vadSamplesPerSecond: vadRate,
    realtimeStreamsPerCore: Math.floor(1 / (perSampleSeconds * 8000)),
    vadReleaseAfterSpeechMs: [-50, -60].flatMap((noiseDbfs) =>
      ([2, 3] as const).map((mode) => ({ noiseDbfs, mode, releaseMs: vadRelease(vad, noiseDbfs, mode) })),
    ),
  };
}

/** Voiced time the VAD reports after 1.4 s of speech followed by 3 s of pink noise at `noiseDbfs`. */
function vadRelease(vad: VadEngine, noiseDbfs: number, mode: VadMode): number {
  const speechMs = 1400;
  const leadMs = 1000;
  const pcm = concat(pinkNoise(leadMs, { dbfs: noiseDbfs, seed: 5 }), speechLike(speechMs, { seed: 7 }), pinkNoise(3000, { dbfs: noiseDbfs, seed: 3 }));
  const detector = vad.createDetector({ frameMs: 20, mode });
  const decisions = detector.process(mulawToPcm16(pcm16ToMulaw(pcm)));
  detector.close();
  const lastVoiced = decisions.lastIndexOf(true);
  return Math.max(0, (lastVoiced + 1) * 20 - (leadMs + speechMs));
}
