import type { Cancel, Clock } from '../shared/clock.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { ByteQueue } from './byte-queue.js';
import {
  PCMU_BYTES_PER_MS,
  resolvePacedSenderOptions,
  type PacedSenderOptions,
} from './paced-sender-options.js';
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
  const opts = resolvePacedSenderOptions(options);
  const { packetBytes, maxLeadMs, highWaterMarkBytes, backpressureRetryMs, limits } = opts;
  const bucket = (cls: keyof typeof limits): TokenBucket =>
    createTokenBucket({ capacity: limits[cls].burst, refillPerSecond: limits[cls].perSecond }, clock);
  const binaryBucket = bucket('binary');
  const textBucket = bucket('text');
  const pauseBucket = bucket('pause');
  const resumeBucket = bucket('resume');

  // Texts as two parallel arrays with a head index: no per-message wrapper object.
  let texts: string[] = [];
  let textClasses: TextClass[] = [];
  let textHead = 0;

  let audio = new ByteQueue();
  /** Queued bytes up to the last endOfPrompt(): only these may leave in a short packet. */
  let promptEndBytes = 0;
  let audioSinceEndOfPrompt = false;
  let drainPending = false;
  const drainListeners = new Set<() => void>();

  /**
   * Playback model: the peer plays what we send at 8 bytes/ms, starting when a packet arrives while it
   * is idle; `playEndMs` is when everything sent so far has been played.
   */
  let playEndMs = -Infinity;

  let closed = false;
  let pumping = false;
  let repump = false;
  let timerCancel: Cancel | undefined;
  let timerAtMs = Infinity;

  const classBucket = (cls: TextClass): TokenBucket | undefined =>
    cls === 'pause' ? pauseBucket : cls === 'resume' ? resumeBucket : undefined;

  const textWaitMs = (): number => {
    if (textHead === texts.length) return Infinity;
    const extra = classBucket(textClasses[textHead]!);
    return Math.max(textBucket.msUntilAvailable(), extra === undefined ? 0 : extra.msUntilAvailable());
  };

  const nextPacketBytes = (): number =>
    audio.length >= packetBytes ? packetBytes : promptEndBytes > 0 ? promptEndBytes : 0;

  const audioWaitMs = (nowMs: number, bytes: number): number => {
    if (bytes === 0) return Infinity;
    if (sink.bufferedBytes > highWaterMarkBytes) return backpressureRetryMs;
    // Sending this packet must leave at most maxLeadMs unplayed: deadline = playEnd + duration - maxLead.
    const leadWaitMs = playEndMs + bytes / PCMU_BYTES_PER_MS - maxLeadMs - nowMs;
    return Math.max(leadWaitMs > EPSILON_MS ? leadWaitMs : 0, binaryBucket.msUntilAvailable());
  };

  const sendTexts = (): void => {
    while (textHead < texts.length && textWaitMs() === 0) {
      const extra = classBucket(textClasses[textHead]!);
      textBucket.tryTake();
      extra?.tryTake();
      const text = texts[textHead]!;
      texts[textHead] = ''; // release the string now, not at the next compaction
      textHead++;
      if (textHead === texts.length) {
        texts.length = 0;
        textClasses.length = 0;
        textHead = 0;
      } else if (textHead >= 64 && textHead * 2 >= texts.length) {
        texts = texts.slice(textHead);
        textClasses = textClasses.slice(textHead);
        textHead = 0;
      }
      sink.sendText(text);
    }
  };

  const sendAudio = (nowMs: number): void => {
    for (let bytes = nextPacketBytes(); audioWaitMs(nowMs, bytes) === 0; bytes = nextPacketBytes()) {
      binaryBucket.tryTake();
      const packet = audio.take(bytes);
      promptEndBytes = Math.max(0, promptEndBytes - bytes);
      playEndMs = Math.max(playEndMs, nowMs) + bytes / PCMU_BYTES_PER_MS;
      sink.sendBinary(packet);
    }
  };

  const fireDrainedIfDone = (): void => {
    if (!drainPending || audio.length > 0 || audioSinceEndOfPrompt) return;
    drainPending = false;
    for (const listener of [...drainListeners]) {
      try {
        listener();
      } catch (error) {
        logger.error({ err: error }, 'audio drained listener threw');
      }
    }
  };

  const schedule = (nowMs: number): void => {
    const waitMs = Math.min(textWaitMs(), audioWaitMs(nowMs, nextPacketBytes()));
    if (waitMs === Infinity) return;
    const atMs = nowMs + waitMs;
    // An earlier timer re-plans when it fires; only replace a timer that is too late.
    if (timerCancel !== undefined && timerAtMs <= atMs + EPSILON_MS) return;
    timerCancel?.();
    timerAtMs = atMs;
    timerCancel = clock.setTimer(waitMs, onTimer);
  };

  // Sends everything that may go now, then sets one timer for the next thing that may go.
  const pump = (): void => {
    if (closed) return;
    if (pumping) {
      repump = true; // a drained listener called back in: the running loop picks it up
      return;
    }
    pumping = true;
    try {
      do {
        repump = false;
        const nowMs = clock.now();
        sendTexts();
        sendAudio(nowMs);
        fireDrainedIfDone();
      } while (repump && !closed);
      if (!closed) schedule(clock.now());
    } catch (error) {
      logger.error({ err: error }, 'paced sender failed; closing it');
      close();
    } finally {
      pumping = false;
    }
  };

  function onTimer(): void {
    timerCancel = undefined;
    timerAtMs = Infinity;
    pump();
  }

  function close(): void {
    if (closed) return;
    closed = true;
    timerCancel?.();
    timerCancel = undefined;
    texts = [];
    textClasses = [];
    textHead = 0;
    audio = new ByteQueue();
    promptEndBytes = 0;
    drainListeners.clear();
  }

  return {
    sendText(text, cls = 'text') {
      if (closed) return;
      texts.push(text);
      textClasses.push(cls);
      pump();
    },
    enqueueAudio(pcmu) {
      if (closed || pcmu.length === 0) return;
      audio.push(pcmu);
      audioSinceEndOfPrompt = true;
      pump();
    },
    endOfPrompt() {
      if (closed) return;
      promptEndBytes = audio.length;
      audioSinceEndOfPrompt = false;
      drainPending = true;
      pump();
    },
    cancelAudio() {
      if (closed) return { droppedBytes: 0 };
      const droppedBytes = audio.clear();
      promptEndBytes = 0;
      audioSinceEndOfPrompt = false;
      drainPending = false;
      pump(); // re-plan: a timer for dropped audio may be pending
      return { droppedBytes };
    },
    backOff(retryAfterMs) {
      if (closed) return;
      // A peer-supplied duration: a missing or negative one still empties the buckets.
      const pauseMs = Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
      const untilMs = clock.now() + pauseMs;
      for (const b of [binaryBucket, textBucket, pauseBucket, resumeBucket]) b.pauseUntil(untilMs);
      logger.debug({ retryAfterMs: pauseMs }, 'outbound paused after 429');
      // The pending timer is now early, which is harmless: it re-plans when it fires.
      pump();
    },
    get queuedTexts() {
      return texts.length - textHead;
    },
    get queuedAudioBytes() {
      return audio.length;
    },
    get audioAheadMs() {
      return Math.max(0, playEndMs - clock.now());
    },
    onAudioDrained(listener) {
      if (!closed) drainListeners.add(listener);
      return () => {
        drainListeners.delete(listener);
      };
    },
    close,
  };
}
