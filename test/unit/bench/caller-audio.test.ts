import { beforeAll, describe, expect, it } from 'vitest';
import { loadVadEngine } from '../../../runtime/src/audio/vad.js';
import { FRAME_BYTES } from '../../../runtime/tools/bench/bench-constants.js';
import { buildCallerAudio, toFrames, type CallerAudio } from '../../../runtime/tools/bench/caller-audio.js';

describe('the benchmark caller audio', () => {
  let audio: CallerAudio;
  beforeAll(async () => {
    audio = buildCallerAudio(await loadVadEngine());
  });

  it('ends every clip on the frame that closes the utterance at the recognizer', () => {
    expect(audio.clips.length).toBe(20);
    for (const clip of audio.clips) {
      expect(clip.frames.length).toBe(clip.closeFrame + 1);
      expect(clip.frames.every((frame) => frame.length === FRAME_BYTES)).toBe(true);
    }
  });

  it('lets the final transcript, not the VAD, start every bot turn (turn latency is then server work)', () => {
    expect(audio.finalStartsEveryTurn).toBe(true);
  });

  it('starts speech anywhere in the first frame, and the VAD detects it within two frames', () => {
    expect(new Set(audio.clips.map((clip) => clip.speechOffsetMs)).size).toBe(10);
    for (const clip of audio.clips) expect(clip.vadOnsetFrame).toBeLessThanOrEqual(1);
  });

  it('on the local endpoints, ends every clip where the VAD commits the partial transcript: the reply waits for no final', async () => {
    const local = buildCallerAudio(await loadVadEngine(), 'local-endpoints');
    expect(local.reply).toEqual({ recognizerMs: 0, synthesizerMs: 0 });
    expect(audio.reply.recognizerMs).toBeGreaterThan(0);
    for (const clip of local.clips) {
      expect(clip.closeFrame).toBe(clip.vadEndFrame);
      expect(clip.frames.length).toBe(clip.closeFrame + 1);
    }
  });

  it('cuts PCMU into whole 200 ms frames', () => {
    expect(toFrames(new Uint8Array(FRAME_BYTES * 2 + 5)).length).toBe(2);
  });
});
