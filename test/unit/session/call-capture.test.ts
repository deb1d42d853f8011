import { describe, expect, it } from 'vitest';
import type { MediaFormat } from '../../../runtime/src/protocol/index.js';
import { createCallCapture, createRecordingBudget } from '../../../runtime/src/session/call-capture.js';
import { encodeWav } from '../../../runtime/src/audio/wav-encoding.js';
import { buildSidecar, recordingKeys } from '../../../runtime/src/session/recording-sidecar.js';

const MONO: MediaFormat = { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 };
const STEREO: MediaFormat = { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 };
const LIMITS = { maxDurationMs: 60_000, maxEntries: 100, maxLineChars: 50 };

/** A frame of `ms` milliseconds of one byte value per channel. */
function frame(ms: number, ...values: number[]): Uint8Array {
  const frames = ms * 8;
  const out = new Uint8Array(frames * values.length);
  for (let f = 0; f < frames; f += 1) values.forEach((v, c) => (out[f * values.length + c] = v));
  return out;
}

describe('call capture', () => {
  it('places caller frames at their stream positions, silence for discarded audio', () => {
    const capture = createCallCapture(MONO, false, LIMITS, createRecordingBudget(1e6));
    capture.callerAudio(frame(200, 1), 200);
    // 300 ms discarded by the client: the next frame ends at 700 ms.
    capture.callerAudio(frame(200, 2), 700);
    const done = capture.finish();
    expect(done.frames).toBe(700 * 8);
    const [ch] = done.channels();
    expect(ch?.[0]).toBe(1);
    expect(ch?.[200 * 8]).toBe(0xff);
    expect(ch?.[500 * 8]).toBe(2);
    expect(ch?.[700 * 8 - 1]).toBe(2);
  });

  it('splits stereo caller audio into one channel per party and adds the bot channel', () => {
    const capture = createCallCapture(STEREO, true, LIMITS, createRecordingBudget(1e6));
    capture.callerAudio(frame(100, 5, 6), 100);
    const done = capture.finish();
    expect(done.channelNames).toEqual(['external', 'internal', 'bot']);
    const [ext, int, bot] = done.channels();
    expect([ext?.[0], int?.[0], bot?.[0]]).toEqual([5, 6, 0xff]);
  });

  it('plays bot audio after what was sent before, never before the current position, and cuts it at barge-in', () => {
    const capture = createCallCapture(MONO, true, LIMITS, createRecordingBudget(1e6));
    capture.botAudio(frame(400, 9)); // greeting at 0..400 ms
    capture.callerAudio(frame(200, 1), 200);
    capture.botAudio(frame(400, 8)); // queued behind the greeting: 400..800 ms
    capture.callerAudio(frame(200, 1), 400);
    capture.callerAudio(frame(200, 1), 600);
    capture.bargeIn(); // at 600 ms: the rest of the prompt is flushed by Genesys
    capture.callerAudio(frame(400, 1), 1000);
    capture.botAudio(frame(100, 7)); // the next prompt starts now (1000 ms), not at 800 ms
    const done = capture.finish();
    const bot = done.channels()[1];
    expect(bot?.[0]).toBe(9);
    expect(bot?.[400 * 8]).toBe(8);
    expect(bot?.[600 * 8 - 1]).toBe(8);
    expect(bot?.[600 * 8]).toBe(0xff);
    expect(bot?.[1000 * 8]).toBe(7);
    expect(done.frames).toBe(1100 * 8);
  });

  it("ends at the client's close: bot audio sent ahead of the caller's timeline, never played, is not kept", () => {
    const capture = createCallCapture(MONO, true, LIMITS, createRecordingBudget(1e6));
    capture.callerAudio(frame(200, 1), 200);
    // The paced sender runs ahead of real time: this prompt would play from 200 to 600 ms.
    capture.botAudio(frame(400, 9));
    capture.callerAudio(frame(100, 1), 300);
    capture.message('in', 'close', 300);
    const done = capture.finish();
    expect(done.frames).toBe(300 * 8);
    const bot = done.channels()[1];
    expect(bot).toHaveLength(300 * 8);
    expect(bot?.[300 * 8 - 1]).toBe(9);
  });

  it('writes the same WAV in slices as the encoder makes from the channels, pausing between slices', async () => {
    const capture = createCallCapture(STEREO, true, { ...LIMITS, maxDurationMs: 120_000 }, createRecordingBudget(1e8));
    for (let i = 1; i <= 450; i += 1) {
      capture.callerAudio(frame(200, i % 250, 7), i * 200);
      if (i % 3 === 0) capture.botAudio(frame(300, 9));
      if (i === 200) capture.bargeIn();
    }
    const done = capture.finish();
    let pauses = 0;
    const sliced = await done.wav(() => {
      pauses += 1;
      return Promise.resolve();
    });
    expect(done.truncated).toEqual([]);
    expect(Buffer.from(sliced).equals(Buffer.from(encodeWav('mulaw', 8000, done.channels())))).toBe(true);
    expect(pauses).toBeGreaterThanOrEqual(10);
  });

  it('stops at the maximum duration and says so; the budget is returned by whoever stores the recording', () => {
    const budget = createRecordingBudget(1e6);
    const capture = createCallCapture(MONO, false, { ...LIMITS, maxDurationMs: 300 }, budget);
    capture.callerAudio(frame(200, 1), 200);
    capture.callerAudio(frame(200, 2), 400);
    capture.callerAudio(frame(200, 3), 600);
    const done = capture.finish();
    expect(done.frames).toBe(300 * 8);
    expect(done.truncated).toEqual(['maxDuration']);
    expect(budget.used).toBe(300 * 8);
    expect(done.reservedBytes).toBe(300 * 8);
  });

  it('stops when the process-wide buffer budget is spent', () => {
    const budget = createRecordingBudget(2000);
    const capture = createCallCapture(MONO, false, LIMITS, budget);
    capture.callerAudio(frame(200, 1), 200);
    capture.callerAudio(frame(200, 1), 400);
    const done = capture.finish();
    expect(done.truncated).toEqual(['bufferBudget']);
    expect(budget.used).toBe(1600);
    expect(done.frames).toBe(400 * 8);
  });

  it('keeps messages and lines at positions, bounded in count and length', () => {
    const capture = createCallCapture(MONO, true, { ...LIMITS, maxEntries: 3 }, createRecordingBudget(1e6));
    capture.message('in', 'open', 0);
    capture.callerAudio(frame(200, 1), 200);
    capture.message('out', 'event');
    capture.line('caller', 'x'.repeat(80));
    capture.line('bot', 'dropped');
    const done = capture.finish();
    expect(done.messages).toEqual([
      { direction: 'in', type: 'open', positionMs: 0 },
      { direction: 'out', type: 'event', positionMs: 200 },
    ]);
    expect(done.transcript).toEqual([{ speaker: 'caller', text: 'x'.repeat(50), positionMs: 200 }]);
    expect(done.truncated).toEqual(['maxEntries']);
  });
});

describe('recording sidecar', () => {
  const call = {
    conversationId: 'c0nv/../x',
    sessionId: 's1',
    connectorId: 'default',
    organizationId: 'org',
    participant: { id: 'p', ani: 'tel:+15551234', aniName: 'Ann', dnis: 'tel:+1800' },
    inputVariables: { a: '1' },
    startedAtMs: Date.UTC(2026, 11, 5, 10),
  };

  it('applies the participant data policy and reports the audio layout and truncation', () => {
    const capture = createCallCapture(MONO, true, { ...LIMITS, maxDurationMs: 100 }, createRecordingBudget(1e6));
    capture.callerAudio(frame(200, 1), 200);
    capture.outputVariables({ result: 'ok' });
    const sidecar = buildSidecar(call, capture.finish(), call.startedAtMs + 1000, { mode: 'drop' }, 'k.wav');
    expect(sidecar.participant).toEqual({});
    expect(sidecar.audio).toEqual({ key: 'k.wav', format: 'PCMU', sampleRate: 8000, channels: ['external', 'bot'], durationMs: 100 });
    expect(sidecar).toMatchObject({ truncated: true, truncatedReasons: ['maxDuration'], outputVariables: { result: 'ok' }, inputVariables: { a: '1' } });
    const hashed = buildSidecar(call, capture.finish(), call.startedAtMs, { mode: 'hash' }, 'k.wav');
    expect(hashed.participant.ani).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('names objects under the prefix by day, with client ids made safe', () => {
    expect(recordingKeys('recordings/', call)).toEqual({
      wav: 'recordings/2026/12/05/c0nv____x/s1.wav',
      sidecar: 'recordings/2026/12/05/c0nv____x/s1.json',
    });
  });
});
