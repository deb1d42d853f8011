import { describe, expect, it, vi } from 'vitest';
import { createPacedSender, type PacedSender } from '../../../runtime/src/audio/paced-sender.js';
import type { PacedSenderOptions } from '../../../runtime/src/audio/paced-sender-options.js';
import type { Cancel } from '../../../runtime/src/shared/clock.js';
import type { Logger } from '../../../runtime/src/shared/logger.js';
import { FakeClock } from '../../support/fake-clock.js';
import { checkGenesysRates } from '../../../runtime/tools/support/genesys-rate-checker.js';
import { RecordingSink, leadsAfterEachSend, message, patternBytes } from './paced-sender-harness.js';

const START_MS = 1_000;

function setup(options: PacedSenderOptions = {}, clock = new FakeClock({ startMs: START_MS })) {
  const sink = new RecordingSink(clock);
  const sender = createPacedSender(sink, options, clock);
  return { clock, sink, sender };
}

const sendTexts = (sender: PacedSender, count: number, type = 'event'): void => {
  for (let i = 0; i < count; i++) sender.sendText(message(type, i), type === 'pause' || type === 'resume' ? type : 'text');
};

describe('createPacedSender: text', () => {
  it('sends a text at once when the budget allows', () => {
    const { sink, sender } = setup();
    sender.sendText(message('pong'));
    expect(sink.texts).toEqual([message('pong')]);
  });

  it('sends a burst of texts at once, then one per refill interval, in order and without loss', () => {
    const { clock, sink, sender } = setup();
    sendTexts(sender, 25);
    expect(sink.texts).toHaveLength(20);
    clock.advance(250);
    expect(sink.texts).toHaveLength(21);
    clock.advance(1000);
    expect(sink.texts).toEqual(Array.from({ length: 25 }, (_, i) => message('event', i)));
    expect(sink.sent.slice(20).map((s) => s.atMs - START_MS)).toEqual([250, 500, 750, 1000, 1250]);
  });

  it('limits pause messages to the pause budget', () => {
    const { clock, sink, sender } = setup();
    sendTexts(sender, 4, 'pause');
    expect(sink.texts).toHaveLength(3);
    clock.advance(625); // 1.6 pause tokens per second
    expect(sink.texts).toHaveLength(4);
  });

  it('charges pause messages to the text budget as well', () => {
    const { clock, sink, sender } = setup();
    sendTexts(sender, 20);
    sendTexts(sender, 1, 'pause');
    expect(sink.texts).toHaveLength(20);
    clock.advance(250);
    expect(sink.texts.at(-1)).toBe(message('pause', 0));
  });

  it('holds later texts behind a pause that waits for its budget rather than reorder them', () => {
    const { clock, sink, sender } = setup();
    sendTexts(sender, 4, 'pause');
    sender.sendText(message('event', 99));
    expect(sink.texts.at(-1)).toBe(message('pause', 2));
    clock.advance(625);
    expect(sink.texts.slice(-2)).toEqual([message('pause', 3), message('event', 99)]);
  });

  it('keeps to the true Genesys text limits for a long flood of mixed texts', () => {
    const { clock, sink, sender } = setup();
    for (let i = 0; i < 60; i++) sender.sendText(message(['event', 'pause', 'resume'][i % 3]!, i), (['text', 'pause', 'resume'] as const)[i % 3]);
    clock.advance(60_000);
    expect(sink.texts).toHaveLength(60);
    expect(checkGenesysRates(sink.records())).toEqual([]);
  });
});

describe('createPacedSender: audio', () => {
  it('sends audio in packets of packetBytes and holds back a shorter remainder', () => {
    const { sink, sender } = setup();
    sender.enqueueAudio(patternBytes(0, 7000));
    expect(sink.binaries.map((b) => b.bytes.length)).toEqual([3200, 3200]);
    expect(sender.queuedAudioBytes).toBe(600);
  });

  it('sends the remainder as a short final packet at endOfPrompt', () => {
    const { clock, sink, sender } = setup();
    sender.enqueueAudio(patternBytes(0, 7000));
    sender.endOfPrompt();
    clock.advance(5000);
    expect(sink.binaries.map((b) => b.bytes.length)).toEqual([3200, 3200, 600]);
    expect(sender.queuedAudioBytes).toBe(0);
  });

  it('fills a packet across the end of one prompt and the start of the next', () => {
    const { clock, sink, sender } = setup();
    sender.enqueueAudio(patternBytes(0, 1000));
    sender.endOfPrompt();
    sender.enqueueAudio(patternBytes(1000, 4000));
    clock.advance(5000);
    expect(sink.binaries.map((b) => b.bytes.length)).toEqual([1000, 3200]);
    expect(sender.queuedAudioBytes).toBe(800);
  });

  it('delivers the audio bytes unchanged and in order', () => {
    const { clock, sink, sender } = setup();
    for (let at = 0; at < 20_000; at += 1234) sender.enqueueAudio(patternBytes(at, Math.min(1234, 20_000 - at)));
    sender.endOfPrompt();
    clock.advance(10_000);
    const delivered = Buffer.concat(sink.binaries.map((b) => b.bytes));
    expect(delivered.equals(patternBytes(0, 20_000))).toBe(true);
  });

  it('sends a packet that lies inside one enqueued chunk as a view of it, without copying', () => {
    const { sink, sender } = setup();
    const chunk = patternBytes(0, 8000);
    sender.enqueueAudio(chunk);
    expect(sink.binaries[1]!.bytes.buffer).toBe(chunk.buffer);
  });

  it('sends up to maxLeadMs at once, then one packet per packet duration on exact deadlines', () => {
    const { clock, sink, sender } = setup({ packetBytes: 3200, maxLeadMs: 1000 });
    sender.enqueueAudio(patternBytes(0, 3200 * 8));
    clock.advance(10_000);
    expect(sink.binaries.map((b) => b.atMs - START_MS)).toEqual([0, 0, 200, 600, 1000, 1400, 1800, 2200]);
  });

  it('never runs more than maxLeadMs ahead of playback', () => {
    const { clock, sink, sender } = setup({ maxLeadMs: 1500 });
    sender.enqueueAudio(patternBytes(0, 80_000));
    sender.endOfPrompt();
    clock.advance(20_000);
    expect(Math.max(...leadsAfterEachSend(sink.binaries))).toBeLessThanOrEqual(1500);
  });

  it('reports how far sent audio runs ahead, decaying with playback', () => {
    const { clock, sender } = setup();
    sender.enqueueAudio(patternBytes(0, 6400));
    expect(sender.audioAheadMs).toBe(800);
    clock.advance(300);
    expect(sender.audioAheadMs).toBe(500);
    clock.advance(1000);
    expect(sender.audioAheadMs).toBe(0);
  });

  it('restarts the playback model after a gap', () => {
    const { clock, sink, sender } = setup();
    sender.enqueueAudio(patternBytes(0, 3200));
    clock.advance(5000);
    sender.enqueueAudio(patternBytes(3200, 9600));
    expect(sink.binaries.map((b) => b.atMs - START_MS)).toEqual([0, 5000, 5000]);
  });

  it('does not accumulate drift when timers fire late', () => {
    const clock = new JitteryClock({ startMs: START_MS });
    const { sink, sender } = setup({}, clock);
    sender.enqueueAudio(patternBytes(0, 3200 * 40));
    clock.advance(30_000);
    const late = sink.binaries.map((b, k) => b.atMs - START_MS - Math.max(0, 400 * k - 600));
    expect(Math.max(...late)).toBeLessThan(JitteryClock.MAX_LATE_MS);
  });

  it('keeps to the true Genesys binary limits for a long prompt', () => {
    const { clock, sink, sender } = setup();
    sender.enqueueAudio(patternBytes(0, 8000 * 120));
    sender.endOfPrompt();
    clock.advance(130_000);
    expect(sink.binaries).toHaveLength(300);
    expect(checkGenesysRates(sink.records((i) => i === 299))).toEqual([]);
  });
});

describe('createPacedSender: cancellation and drain', () => {
  it('drops all queued audio on cancel and reports how much', () => {
    const { clock, sink, sender } = setup();
    sender.enqueueAudio(patternBytes(0, 16_000));
    expect(sender.cancelAudio()).toEqual({ droppedBytes: 16_000 - 6400 });
    clock.advance(10_000);
    expect(sink.binaries).toHaveLength(2);
    expect(sender.queuedAudioBytes).toBe(0);
  });

  it('does not let an old end-of-prompt release a short packet of new audio after a cancel', () => {
    const { clock, sink, sender } = setup();
    sender.enqueueAudio(patternBytes(0, 20_000));
    sender.endOfPrompt();
    sender.cancelAudio();
    sender.enqueueAudio(patternBytes(0, 3000));
    clock.advance(5000);
    expect(sink.binaries.map((b) => b.bytes.length)).toEqual([3200, 3200]);
    expect(sender.queuedAudioBytes).toBe(3000);
  });

  it('fires onAudioDrained once the last packet of an ended prompt is sent', () => {
    const { clock, sink, sender } = setup();
    const drained = vi.fn(() => sink.binaries.length);
    sender.onAudioDrained(drained);
    sender.enqueueAudio(patternBytes(0, 16_000));
    sender.endOfPrompt();
    expect(drained).not.toHaveBeenCalled();
    clock.advance(5000);
    expect(drained).toHaveBeenCalledTimes(1);
    expect(drained.mock.results[0]!.value).toBe(5);
  });

  it('does not fire onAudioDrained when the queue empties before endOfPrompt', () => {
    const { clock, sender } = setup();
    const drained = vi.fn();
    sender.onAudioDrained(drained);
    sender.enqueueAudio(patternBytes(0, 6400));
    clock.advance(5000);
    expect(sender.queuedAudioBytes).toBe(0);
    expect(drained).not.toHaveBeenCalled();
  });

  it('fires onAudioDrained at endOfPrompt when everything was already sent', () => {
    const { sender } = setup();
    const drained = vi.fn();
    sender.onAudioDrained(drained);
    sender.endOfPrompt();
    expect(drained).toHaveBeenCalledTimes(1);
  });

  it('does not fire onAudioDrained for a cancelled prompt', () => {
    const { clock, sender } = setup();
    const drained = vi.fn();
    sender.onAudioDrained(drained);
    sender.enqueueAudio(patternBytes(0, 20_000));
    sender.endOfPrompt();
    sender.cancelAudio();
    clock.advance(5000);
    expect(drained).not.toHaveBeenCalled();
  });

  it('stops calling a listener after it unsubscribes', () => {
    const { sender } = setup();
    const drained = vi.fn();
    sender.onAudioDrained(drained)();
    sender.endOfPrompt();
    expect(drained).not.toHaveBeenCalled();
  });

  it('sends a text queued from inside a drained listener', () => {
    const { sink, sender } = setup();
    sender.onAudioDrained(() => sender.sendText(message('disconnect')));
    sender.enqueueAudio(patternBytes(0, 1000));
    sender.endOfPrompt();
    expect(sink.sent.map((s) => s.kind)).toEqual(['binary', 'text']);
  });
});

describe('createPacedSender: backpressure and back-off', () => {
  it('holds audio while the socket buffer is above the high-water mark and resumes when it drains', () => {
    const { clock, sink, sender } = setup({ highWaterMarkBytes: 10_000, backpressureRetryMs: 20 });
    sink.bufferedBytes = 10_001;
    sender.enqueueAudio(patternBytes(0, 3200));
    clock.advance(500);
    expect(sink.binaries).toHaveLength(0);
    sink.bufferedBytes = 0;
    clock.advance(20);
    expect(sink.binaries).toHaveLength(1);
  });

  it('still sends text while audio waits for the socket buffer to drain', () => {
    const { sink, sender } = setup({ highWaterMarkBytes: 0 });
    sink.bufferedBytes = 1;
    sender.enqueueAudio(patternBytes(0, 3200));
    sender.sendText(message('pong'));
    expect(sink.sent.map((s) => s.kind)).toEqual(['text']);
  });

  it('sends the text first when a text and a packet may both go', () => {
    const { clock, sink, sender } = setup();
    sink.bufferedBytes = 1e9;
    sender.enqueueAudio(patternBytes(0, 3200));
    sink.bufferedBytes = 0;
    sender.sendText(message('event'));
    clock.advance(100);
    expect(sink.sent.map((s) => s.kind)).toEqual(['text', 'binary']);
  });

  it('sends nothing at all for retryAfter after a 429', () => {
    const { clock, sink, sender } = setup();
    sender.backOff(2000);
    sender.sendText(message('pong'));
    sender.enqueueAudio(patternBytes(0, 6400));
    clock.advance(1999);
    expect(sink.sent).toHaveLength(0);
    clock.advance(2000);
    expect(sink.sent.map((s) => s.atMs - START_MS)).toEqual([2250, 2250, 2500]);
  });

  it('treats a negative or missing retryAfter as no pause', () => {
    const { clock, sink, sender } = setup();
    sender.backOff(Number.NaN);
    sender.backOff(-5);
    sender.sendText(message('pong'));
    clock.advance(250);
    expect(sink.texts).toHaveLength(1);
  });
});

describe('createPacedSender: lifecycle', () => {
  it('ignores everything after close and leaves no timer behind', () => {
    const { clock, sink, sender } = setup();
    sendTexts(sender, 30);
    sender.enqueueAudio(patternBytes(0, 30_000));
    sender.close();
    sender.sendText(message('late'));
    sender.enqueueAudio(patternBytes(0, 3200));
    clock.advance(10_000);
    expect(clock.pendingTimers).toBe(0);
    expect(sink.texts).toHaveLength(20);
  });

  it('closes itself and logs at error when the sink throws', () => {
    const clock = new FakeClock();
    const error = vi.fn();
    const logger: Logger = { trace: vi.fn(), debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error, child: () => logger };
    const sink = { sendText: () => { throw new Error('socket gone'); }, sendBinary: vi.fn(), bufferedBytes: 0 };
    const sender = createPacedSender(sink, {}, clock, logger);
    sender.sendText(message('pong'));
    sender.enqueueAudio(patternBytes(0, 3200));
    expect(error).toHaveBeenCalledTimes(1);
    expect(sink.sendBinary).not.toHaveBeenCalled();
  });

  it('validates its options when created', () => {
    const clock = new FakeClock();
    expect(() => createPacedSender(new RecordingSink(clock), { packetBytes: 1000 }, clock)).toThrow(RangeError);
  });
});

/** A FakeClock whose timers fire up to MAX_LATE_MS late, like a busy event loop. */
class JitteryClock extends FakeClock {
  static readonly MAX_LATE_MS = 15;
  private n = 0;

  override setTimer(ms: number, fn: () => void): Cancel {
    this.n = (this.n * 7 + 3) % 16;
    return super.setTimer(ms + (this.n * JitteryClock.MAX_LATE_MS) / 16, fn);
  }
}
