import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPacedSender, type TextClass } from '../../../runtime/src/audio/paced-sender.js';
import { FakeClock } from '../../support/fake-clock.js';
import { checkGenesysRates } from '../../../runtime/tools/support/genesys-rate-checker.js';
import { RecordingSink, leadsAfterEachSend, message, patternBytes } from './paced-sender-harness.js';

type Command =
  | { readonly kind: 'audio'; readonly bytes: number }
  | { readonly kind: 'endOfPrompt' }
  | { readonly kind: 'text'; readonly cls: TextClass; readonly count: number }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'backOff'; readonly retryAfterMs: number }
  | { readonly kind: 'backpressure'; readonly ms: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('audio'), bytes: fc.integer({ min: 1, max: 12_000 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'endOfPrompt' }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('text'),
      cls: fc.constantFrom<TextClass>('text', 'text', 'pause', 'resume'),
      count: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 30 })),
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('advance'), ms: fc.integer({ min: 0, max: 2500 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('backOff'), retryAfterMs: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('backpressure'), ms: fc.integer({ min: 1, max: 1500 }) }) },
);

const optionsArb = fc
  .record({ packetBytes: fc.integer({ min: 2000, max: 12_000 }), extraLeadMs: fc.integer({ min: 0, max: 2000 }) })
  .map(({ packetBytes, extraLeadMs }) => ({
    packetBytes,
    maxLeadMs: packetBytes / 8 + extraLeadMs,
    highWaterMarkBytes: 50_000,
  }));

/**
 * Follows the audio stream by global byte offset: checks each packet continues it, tells whether a
 * packet ends a prompt, and fails any binary sent above the high-water mark.
 */
class StreamSink extends RecordingSink {
  enqueuedTotal = 0;
  sentOffset = 0;
  readonly promptEnds = new Set<number>();
  readonly endsPrompt: boolean[] = [];
  readonly expected: Uint8Array[] = [];
  private backpressureEpisodes = 0;

  constructor(
    clock: FakeClock,
    private readonly highWaterMarkBytes: number,
  ) {
    super(clock);
  }

  /** Fills the socket buffer above the high-water mark until every episode has ended. */
  startBackpressure(clock: FakeClock, ms: number): void {
    this.backpressureEpisodes++;
    this.bufferedBytes = this.highWaterMarkBytes + 1;
    clock.setTimer(ms, () => {
      if (--this.backpressureEpisodes === 0) this.bufferedBytes = 0;
    });
  }

  override sendBinary(bytes: Uint8Array): void {
    expect(this.bufferedBytes).toBeLessThanOrEqual(this.highWaterMarkBytes);
    this.expected.push(patternBytes(this.sentOffset, bytes.length));
    this.sentOffset += bytes.length;
    this.endsPrompt.push(this.promptEnds.has(this.sentOffset));
    super.sendBinary(bytes);
  }
}

describe('createPacedSender (property)', () => {
  it('keeps every Genesys limit, order and byte count under any mix of prompts, texts, cancels, 429s and backpressure', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(commandArb, { maxLength: 80 }), (options, commands) => {
        const clock = new FakeClock();
        const sink = new StreamSink(clock, options.highWaterMarkBytes);
        const sender = createPacedSender(sink, options, clock);
        const textsQueued: string[] = [];
        const quietWindows: { fromSend: number; untilMs: number }[] = [];
        let droppedTotal = 0;

        const run = (command: Command): void => {
          switch (command.kind) {
            case 'audio':
              sender.enqueueAudio(patternBytes(sink.enqueuedTotal, command.bytes));
              sink.enqueuedTotal += command.bytes;
              return;
            case 'endOfPrompt':
              sink.promptEnds.add(sink.enqueuedTotal);
              sender.endOfPrompt();
              return;
            case 'text':
              for (let i = 0; i < command.count; i++) {
                const text = message(command.cls === 'text' ? 'event' : command.cls, textsQueued.length);
                textsQueued.push(text);
                sender.sendText(text, command.cls);
              }
              return;
            case 'advance':
              clock.advance(command.ms);
              return;
            case 'cancel': {
              const { droppedBytes } = sender.cancelAudio();
              expect(droppedBytes).toBe(sink.enqueuedTotal - sink.sentOffset);
              droppedTotal += droppedBytes;
              // The stream continues after the dropped bytes.
              sink.sentOffset = sink.enqueuedTotal;
              return;
            }
            case 'backOff':
              quietWindows.push({ fromSend: sink.sent.length, untilMs: clock.now() + command.retryAfterMs });
              sender.backOff(command.retryAfterMs);
              return;
            case 'backpressure':
              sink.startBackpressure(clock, command.ms);
              return;
          }
        };

        for (const command of commands) {
          run(command);
          expect(sender.audioAheadMs).toBeLessThanOrEqual(options.maxLeadMs + 1e-6);
        }
        run({ kind: 'endOfPrompt' });
        for (let i = 0; i < 5000 && (sender.queuedAudioBytes > 0 || sink.texts.length < textsQueued.length); i++) {
          clock.advance(1000);
        }

        expect(checkGenesysRates(sink.records((i) => sink.endsPrompt[i]!))).toEqual([]);
        expect(sink.texts).toEqual(textsQueued);
        const delivered = sink.binaries.map((b) => b.bytes);
        expect(Buffer.concat(delivered).equals(Buffer.concat(sink.expected))).toBe(true);
        expect(delivered.reduce((n, b) => n + b.length, 0)).toBe(sink.enqueuedTotal - droppedTotal);
        expect(Math.max(0, ...leadsAfterEachSend(sink.binaries))).toBeLessThanOrEqual(options.maxLeadMs + 1e-6);
        for (const window of quietWindows) {
          expect(sink.sent.slice(window.fromSend).filter((s) => s.atMs < window.untilMs)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
