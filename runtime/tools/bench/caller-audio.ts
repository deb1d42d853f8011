import { mulawToPcm16, pcm16ToMulaw } from '../../src/audio/codec.js';
import { createSpeechOnsetDetector } from '../../src/audio/speech-onset-detector.js';
import type { VadEngine } from '../../src/audio/vad.js';
import type { Clock } from '../../src/shared/clock.js';
import { FakeSpeechRecognizer } from '../../src/speech/fake/fake-speech-recognizer.js';
import { concat, pinkNoise, speechLike } from '../support/audio-gen.js';
import { UtteranceSegmenter } from '../../src/speech/offline/utterance-segmenter.js';
import { BENCH_SPEECH, FRAME_BYTES, FRAME_MS, type BenchSpeechPath } from './bench-constants.js';

/**
 * The caller's audio, made once and shared by every simulated session: line noise between utterances
 * and utterance clips cut into 200 ms PCMU frames. Each clip starts its speech at a different offset
 * inside its first frame, because real speech does not start on a packet boundary. For each clip the
 * frame whose arrival makes the server's recognizer close the utterance, and the frames at which the
 * server's VAD detects speech start and end, are found by running the very same components on it.
 */

/** One utterance clip: frames from the first (partly noise) to the one that closes it at the recognizer. */
export interface UtteranceClip {
  readonly frames: readonly Uint8Array[];
  /** Where the speech starts within frame 0, in ms. */
  readonly speechOffsetMs: number;
  readonly speechMs: number;
  /**
   * Index of the last frame: the one whose arrival ends the caller's turn at the server (the fake
   * recognizer closing the utterance on the doubles path; the server's VAD committing the partial
   * transcript on the local-endpoints path).
   */
  readonly closeFrame: number;
  /** Index of the frame that completes the server's barge-in onset (VAD + onset smoothing). */
  readonly vadOnsetFrame: number | undefined;
  /** Index of the frame that completes the server's end-of-turn silence. */
  readonly vadEndFrame: number | undefined;
}

export interface CallerAudio {
  /** Line noise frames, to be cycled. */
  readonly noise: readonly Uint8Array[];
  readonly clips: readonly UtteranceClip[];
  /**
   * True when, for every clip, the server's VAD ends the turn no later than the recognizer's final
   * arrives, so the final transcript (not the VAD) starts the bot's turn and turn latency measures
   * server work alone.
   */
  readonly finalStartsEveryTurn: boolean;
  /** When the server can start the bot's turn, and what its reply then waits for (see {@link ReplyTiming}). */
  readonly reply: ReplyTiming;
}

/**
 * What the server's reply waits for after the clip's last frame arrives: the recognizer's final, then
 * the synthesizer's first audio. Turn latency is the reply's first audio minus both.
 *
 * - doubles: the fake recognizer gives finals only, `recognizerLatencyMs` after it closes the
 *   utterance, and every synthesis waits `synthesizerLatencyMs` (in front of the prompt cache).
 * - local-endpoints: the endpoint streams partials, so the server's VAD commits the turn on its own
 *   (turn-detector.ts) when the clip's last frame arrives, and the production prompt cache answers
 *   repeated prompts without Polly: the reference waits for nothing, and a cache miss's synthesis
 *   (the local Polly's first-byte delay) is part of the measured turn, as on a real task.
 */
export interface ReplyTiming {
  readonly recognizerMs: number;
  readonly synthesizerMs: number;
}

const SPEECH_MS = 1400;
// A quiet line. At -50 dBFS the server's VAD (mode 2) stays voiced for seconds after speech (see the
// micro-benchmark's vadRelease figures), which would make every turn wait on the VAD, not on the server.
const NOISE_DBFS = -60;

/**
 * Builds the shared caller audio; `vad` is the server's own VAD engine. `speech` says which
 * recognizer closes utterances: the fake's energy detector or the local Transcribe endpoint's VAD
 * segmenter (with the hangover the benchmark gives it).
 */
export function buildCallerAudio(vad: VadEngine, speechPath: BenchSpeechPath = 'doubles'): CallerAudio {
  const noisePcm = pinkNoise(4000, { dbfs: NOISE_DBFS, seed: 11 });
  const noise = toFrames(pcm16ToMulaw(noisePcm));
  const clips: UtteranceClip[] = [];
  for (const seed of [7, 8]) {
    const speech = speechLike(SPEECH_MS, { seed, dbfs: -24 });
    for (let offsetMs = 0; offsetMs < FRAME_MS; offsetMs += 20) {
      const pcm = concat(pinkNoise(offsetMs, { dbfs: NOISE_DBFS, seed: seed + offsetMs }), speech, pinkNoise(3000, { dbfs: NOISE_DBFS, seed: 3 }));
      const frames = toFrames(pcm16ToMulaw(pcm));
      const { onsetFrame, endFrame } = vadFrames(vad, noise, frames);
      const closeFrame = speechPath === 'doubles' ? recognizerCloseFrame(frames) : vadCommitFrame(vad, noise, frames, endFrame);
      clips.push({
        frames: frames.slice(0, closeFrame + 1),
        speechOffsetMs: offsetMs,
        speechMs: SPEECH_MS,
        closeFrame,
        vadOnsetFrame: onsetFrame,
        vadEndFrame: endFrame,
      });
    }
  }
  // The final comes recognizerLatencyMs after the close frame arrives; the VAD decides at a frame arrival.
  const latencyFrames = BENCH_SPEECH.recognizerLatencyMs / FRAME_MS;
  const finalStartsEveryTurn = speechPath === 'doubles' && clips.every((clip) => clip.vadEndFrame !== undefined && clip.vadEndFrame <= clip.closeFrame + latencyFrames);
  const reply: ReplyTiming =
    speechPath === 'doubles' ? { recognizerMs: BENCH_SPEECH.recognizerLatencyMs, synthesizerMs: BENCH_SPEECH.synthesizerLatencyMs } : { recognizerMs: 0, synthesizerMs: 0 };
  return { noise, clips, finalStartsEveryTurn, reply };
}

/** Splits PCMU into whole 200 ms frames (a partial tail is dropped). */
export function toFrames(pcmu: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let at = 0; at + FRAME_BYTES <= pcmu.length; at += FRAME_BYTES) frames.push(pcmu.slice(at, at + FRAME_BYTES));
  return frames;
}

/** Feeds frames to the server's fake recognizer, as the server would, until it closes the utterance. */
function recognizerCloseFrame(frames: readonly Uint8Array[]): number {
  let closedAt: number | undefined;
  let current = 0;
  const clock: Clock = {
    now: () => current * FRAME_MS,
    epochMs: () => current * FRAME_MS,
    setTimer: () => {
      closedAt ??= current;
      return () => undefined;
    },
  };
  const recognizer = new FakeSpeechRecognizer({
    clock,
    transcripts: () => BENCH_SPEECH.transcript,
    latencyMs: BENCH_SPEECH.recognizerLatencyMs,
    hangoverMs: BENCH_SPEECH.recognizerHangoverMs,
  });
  const stream = recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, new AbortController().signal);
  for (current = 0; current < frames.length && closedAt === undefined; current++) stream.write(mulawToPcm16(frames[current]!));
  if (closedAt === undefined) throw new Error('the fake recognizer never closed the benchmark utterance');
  return closedAt;
}

/**
 * The frame at which the server commits the turn on the local-endpoints path: its VAD's end of speech,
 * provided the local Transcribe segmenter has sent a partial by then (it has from its first 400 ms of
 * speech on) and has not closed the segment earlier with a final.
 */
function vadCommitFrame(engine: VadEngine, noise: readonly Uint8Array[], frames: readonly Uint8Array[], vadEndFrame: number | undefined): number {
  if (vadEndFrame === undefined) throw new Error("the server's VAD never ended the benchmark utterance");
  const segmenter = new UtteranceSegmenter(engine, { sampleRateHz: 8000, hangoverMs: BENCH_SPEECH.recognizerHangoverMs });
  let partialAt: number | undefined;
  let endedAt: number | undefined;
  try {
    for (const frame of noise.slice(0, 5)) segmenter.write(mulawToPcm16(frame), () => undefined);
    for (let index = 0; index <= vadEndFrame && endedAt === undefined; index++) {
      segmenter.write(mulawToPcm16(frames[index]!), (event) => {
        if (event.type === 'progress') partialAt ??= index;
        else endedAt ??= index;
      });
    }
  } finally {
    segmenter.close();
  }
  if (partialAt === undefined || partialAt >= vadEndFrame) throw new Error('the local Transcribe endpoint sent no partial before the VAD ended the benchmark utterance');
  // A final at or before the VAD's end commits the turn first: the reply then also waits for the final's latency.
  if (endedAt !== undefined && endedAt < vadEndFrame) throw new Error('the local Transcribe segmenter closed the benchmark utterance before the VAD ended it');
  return vadEndFrame;
}

/** Runs the server's VAD and onset smoothing (after a second of line noise) over the clip frames. */
function vadFrames(engine: VadEngine, noise: readonly Uint8Array[], frames: readonly Uint8Array[]): { onsetFrame?: number; endFrame?: number } {
  const detector = engine.createDetector({ frameMs: 20, mode: 2 });
  const onset = createSpeechOnsetDetector({
    frameMs: 20,
    onsetVoicedMs: BENCH_SPEECH.bargeInOnsetMs,
    hangoverMs: BENCH_SPEECH.endOfTurnSilenceMs,
  });
  for (const frame of noise.slice(0, 5)) detector.write(mulawToPcm16(frame), (voiced) => onset.push(voiced));
  const found: { onsetFrame?: number; endFrame?: number } = {};
  frames.forEach((frame, index) => {
    detector.write(mulawToPcm16(frame), (voiced) => {
      const transition = onset.push(voiced);
      if (transition?.type === 'speechStart') found.onsetFrame ??= index;
      if (transition?.type === 'speechEnd') found.endFrame ??= index;
    });
  });
  detector.close();
  return found;
}
