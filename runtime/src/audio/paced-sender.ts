import { PCMU_BYTES_PER_MS } from '../protocol/constants.js';
import type { Cancel, Clock } from '../shared/clock.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { ByteQueue } from './byte-queue.js';
import { resolvePacedSenderOptions, type PacedSenderOptions, type ResolvedPacedSenderOptions } from './paced-sender-options.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

/**
 * The socket as the paced sender sees it (implemented over `ws` by server/). Methods must not throw;
 * if one does, the sender logs it at error and closes itself.
 */
export interface OutboundSink {
  sendText(text: string): void;
  /** The sender never touches `bytes` again after handing them over. */
  sendBinary(bytes: Uint8Array): void;
  /** Bytes the socket has queued but not yet written (`ws.bufferedAmount`). */
  readonly bufferedBytes: number;
}

/** Rate-limit class of a text message: `pause` and `resume` have their own budgets on top of `text`. */
export type TextClass = 'text' | 'pause' | 'resume';

/**
 * The one writer of a session's outbound messages. Texts and audio are two FIFOs, each in order; texts
 * go first when both may go and never wait for audio or socket backpressure. Single-threaded, owned by
 * the session; all waiting is on the injected clock.
 */
export interface PacedSender {
  /** Queues a text message; texts are never dropped or reordered and go out as tokens allow. */
  sendText(text: string, cls?: TextClass): void;
  /** Appends PCMU (8 kHz mono) to the audio queue without copying: do not modify `pcmu` afterwards. */
  enqueueAudio(pcmu: Uint8Array): void;
  /** Ends the prompt enqueued so far: its tail may go out as a packet shorter than `packetBytes`. */
  endOfPrompt(): void;
  /**
   * Drops all queued audio in O(1) (barge-in). Nothing is in flight: sends are synchronous. Does not
   * fire `onAudioDrained`, and the playback model keeps what was already sent (the peer may still be
   * playing it unless told to discard it), so the next prompt still respects `maxLeadMs`.
   */
  cancelAudio(): { droppedBytes: number };
  /**
   * Honours a client `error 429 {retryAfter}`: nothing at all is sent for `retryAfterMs`, then each
   * class restarts at its sustained rate. The 429 does not say which class tripped, so all pause.
   */
  backOff(retryAfterMs: number): void;
  /** Audio bytes queued and not yet sent. */
  readonly queuedAudioBytes: number;
  /** Text messages queued and not yet sent (they wait for rate tokens). */
  readonly queuedTexts: number;
  /** How far the audio sent so far runs ahead of real-time playback at the peer, in ms. */
  readonly audioAheadMs: number;
  /**
   * Calls `listener` each time all audio enqueued before an `endOfPrompt()` has been sent and nothing
   * has been enqueued since (the prompt is fully handed to the socket, not yet played). Returns an
   * unsubscribe function.
   */
  onAudioDrained(listener: () => void): () => void;
  /** Stops timers and drops the queues; later calls are ignored. */
  close(): void;
}

// Tolerance for float arithmetic on deadlines (ms).
const EPSILON_MS = 1e-6;

/**
 * Creates a {@link PacedSender} writing to `sink`. Options are merged over the defaults and validated
 * (TypeError/RangeError, see `resolvePacedSenderOptions`).
 */
export function createPacedSender(
  sink: OutboundSink,
  options: PacedSenderOptions,
  clock: Clock,
  logger: Logger = silentLogger,
): PacedSender {
  return new TokenPacedSender(sink, resolvePacedSenderOptions(options), clock, logger);
}

/**
 * A class rather than closures: every session holds one (listen-only calls too, for their texts), and
 * the closure-built sender with its four token buckets took about 7 KB of heap per session.
 */
class TokenPacedSender implements PacedSender {
  private readonly packetBytes: number;
  private readonly maxLeadMs: number;
  private readonly highWaterMarkBytes: number;
  private readonly backpressureRetryMs: number;
  private readonly binaryBucket: TokenBucket;
  private readonly textBucket: TokenBucket;
  private readonly pauseBucket: TokenBucket;
  private readonly resumeBucket: TokenBucket;

  // Texts as two parallel arrays with a head index: no per-message wrapper object.
  private texts: string[] = [];
  private textClasses: TextClass[] = [];
  private textHead = 0;

  private audio = new ByteQueue();
  /** Queued bytes up to the last endOfPrompt(): only these may leave in a short packet. */
  private promptEndBytes = 0;
  private audioSinceEndOfPrompt = false;
  private drainPending = false;
  private readonly drainListeners = new Set<() => void>();

  /**
   * Playback model: the peer plays what we send at 8 bytes/ms, starting when a packet arrives while it
   * is idle; `playEndMs` is when everything sent so far has been played.
   */
  private playEndMs = -Infinity;

  private closed = false;
  private pumping = false;
  private repump = false;
  private timerCancel: Cancel | undefined;
  private timerAtMs = Infinity;

  constructor(
    private readonly sink: OutboundSink,
    options: ResolvedPacedSenderOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    const { limits } = options;
    this.packetBytes = options.packetBytes;
    this.maxLeadMs = options.maxLeadMs;
    this.highWaterMarkBytes = options.highWaterMarkBytes;
    this.backpressureRetryMs = options.backpressureRetryMs;
    const bucket = (cls: keyof typeof limits): TokenBucket =>
      createTokenBucket({ capacity: limits[cls].burst, refillPerSecond: limits[cls].perSecond }, clock);
    this.binaryBucket = bucket('binary');
    this.textBucket = bucket('text');
    this.pauseBucket = bucket('pause');
    this.resumeBucket = bucket('resume');
  }

  sendText(text: string, cls: TextClass = 'text'): void {
    if (this.closed) return;
    this.texts.push(text);
    this.textClasses.push(cls);
    this.pump();
  }

  enqueueAudio(pcmu: Uint8Array): void {
    if (this.closed || pcmu.length === 0) return;
    this.audio.push(pcmu);
    this.audioSinceEndOfPrompt = true;
    this.pump();
  }

  endOfPrompt(): void {
    if (this.closed) return;
    this.promptEndBytes = this.audio.length;
    this.audioSinceEndOfPrompt = false;
    this.drainPending = true;
    this.pump();
  }

  cancelAudio(): { droppedBytes: number } {
    if (this.closed) return { droppedBytes: 0 };
    const droppedBytes = this.audio.clear();
    this.promptEndBytes = 0;
    this.audioSinceEndOfPrompt = false;
    this.drainPending = false;
    this.pump(); // re-plan: a timer for dropped audio may be pending
    return { droppedBytes };
  }

  backOff(retryAfterMs: number): void {
    if (this.closed) return;
    // A peer-supplied duration: a missing or negative one still empties the buckets.
    const pauseMs = Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
    const untilMs = this.clock.now() + pauseMs;
    for (const b of [this.binaryBucket, this.textBucket, this.pauseBucket, this.resumeBucket]) b.pauseUntil(untilMs);
    this.logger.debug({ retryAfterMs: pauseMs }, 'outbound paused after 429');
    // The pending timer is now early, which is harmless: it re-plans when it fires.
    this.pump();
  }

  get queuedTexts(): number {
    return this.texts.length - this.textHead;
  }

  get queuedAudioBytes(): number {
    return this.audio.length;
  }

  get audioAheadMs(): number {
    return Math.max(0, this.playEndMs - this.clock.now());
  }

  onAudioDrained(listener: () => void): () => void {
    if (!this.closed) this.drainListeners.add(listener);
    return () => {
      this.drainListeners.delete(listener);
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timerCancel?.();
    this.timerCancel = undefined;
    this.texts = [];
    this.textClasses = [];
    this.textHead = 0;
    this.audio = new ByteQueue();
    this.promptEndBytes = 0;
    this.drainListeners.clear();
  }

  private classBucket(cls: TextClass): TokenBucket | undefined {
    return cls === 'pause' ? this.pauseBucket : cls === 'resume' ? this.resumeBucket : undefined;
  }

  private textWaitMs(): number {
    if (this.textHead === this.texts.length) return Infinity;
    const extra = this.classBucket(this.textClasses[this.textHead]!);
    return Math.max(this.textBucket.msUntilAvailable(), extra === undefined ? 0 : extra.msUntilAvailable());
  }

  private nextPacketBytes(): number {
    const { audio, packetBytes, promptEndBytes } = this;
    return audio.length >= packetBytes ? packetBytes : promptEndBytes > 0 ? promptEndBytes : 0;
  }

  private audioWaitMs(nowMs: number, bytes: number): number {
    if (bytes === 0) return Infinity;
    if (this.sink.bufferedBytes > this.highWaterMarkBytes) return this.backpressureRetryMs;
    // Sending this packet must leave at most maxLeadMs unplayed: deadline = playEnd + duration - maxLead.
    const leadWaitMs = this.playEndMs + bytes / PCMU_BYTES_PER_MS - this.maxLeadMs - nowMs;
    return Math.max(leadWaitMs > EPSILON_MS ? leadWaitMs : 0, this.binaryBucket.msUntilAvailable());
  }

  private sendTexts(): void {
    while (this.textHead < this.texts.length && this.textWaitMs() === 0) {
      const extra = this.classBucket(this.textClasses[this.textHead]!);
      this.textBucket.tryTake();
      extra?.tryTake();
      const text = this.texts[this.textHead]!;
      this.texts[this.textHead] = ''; // release the string now, not at the next compaction
      this.textHead++;
      if (this.textHead === this.texts.length) {
        this.texts.length = 0;
        this.textClasses.length = 0;
        this.textHead = 0;
      } else if (this.textHead >= 64 && this.textHead * 2 >= this.texts.length) {
        this.texts = this.texts.slice(this.textHead);
        this.textClasses = this.textClasses.slice(this.textHead);
        this.textHead = 0;
      }
      this.sink.sendText(text);
    }
  }

  private sendAudio(nowMs: number): void {
    for (let bytes = this.nextPacketBytes(); this.audioWaitMs(nowMs, bytes) === 0; bytes = this.nextPacketBytes()) {
      this.binaryBucket.tryTake();
      const packet = this.audio.take(bytes);
      this.promptEndBytes = Math.max(0, this.promptEndBytes - bytes);
      this.playEndMs = Math.max(this.playEndMs, nowMs) + bytes / PCMU_BYTES_PER_MS;
      this.sink.sendBinary(packet);
    }
  }

  private fireDrainedIfDone(): void {
    if (!this.drainPending || this.audio.length > 0 || this.audioSinceEndOfPrompt) return;
    this.drainPending = false;
    for (const listener of [...this.drainListeners]) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error }, 'audio drained listener threw');
      }
    }
  }

  private schedule(nowMs: number): void {
    const waitMs = Math.min(this.textWaitMs(), this.audioWaitMs(nowMs, this.nextPacketBytes()));
    if (waitMs === Infinity) return;
    const atMs = nowMs + waitMs;
    // An earlier timer re-plans when it fires; only replace a timer that is too late.
    if (this.timerCancel !== undefined && this.timerAtMs <= atMs + EPSILON_MS) return;
    this.timerCancel?.();
    this.timerAtMs = atMs;
    this.timerCancel = this.clock.setTimer(waitMs, this.onTimer);
  }

  // Sends everything that may go now, then sets one timer for the next thing that may go.
  private pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.repump = true; // a drained listener called back in: the running loop picks it up
      return;
    }
    this.pumping = true;
    try {
      do {
        this.repump = false;
        const nowMs = this.clock.now();
        this.sendTexts();
        this.sendAudio(nowMs);
        this.fireDrainedIfDone();
      } while (this.repump && !this.closed);
      if (!this.closed) this.schedule(this.clock.now());
    } catch (error) {
      this.logger.error({ err: error }, 'paced sender failed; closing it');
      this.close();
    } finally {
      this.pumping = false;
    }
  }

  private readonly onTimer = (): void => {
    this.timerCancel = undefined;
    this.timerAtMs = Infinity;
    this.pump();
  };
}
