import { delay, type Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { RecognizerStream, SpeechRecognizer, TranscriptEvent } from '../speech/ports.js';
import type { CallMetrics } from './call-metrics.js';
import { createStreamTimeline, type StreamTimeline } from './stream-timeline.js';

/** A stream that ends by itself is reopened after this, never in a tight loop. */
const REOPEN_DELAY_MS = 100;
/** Back-off after a failure doubles from this, up to {@link MAX_BACKOFF_MS}. */
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1_000;
const FAILURE_WINDOW_MS = 60_000;
/** How long a finishing stream may take to return its last final result before it is torn down. */
const FINISH_TIMEOUT_MS = 5_000;
/** Most caller audio carried over to the next stream: 10 s of 20 ms frames. */
const MAX_CARRIED_FRAMES = 500;

/** Recognizer failures of one call within the last minute, shared by its listeners (caller, agent). */
export interface FailureWindow {
  /** Counts a failure now; returns how many fell within the window. */
  record(): number;
  /** Failures over the whole call. */
  readonly total: number;
}

export function createFailureWindow(clock: Clock): FailureWindow {
  return new MinuteFailureWindow(clock);
}

/** A class: one per call, and an object literal with a getter would be a dictionary-mode object. */
class MinuteFailureWindow implements FailureWindow {
  private readonly times: number[] = [];
  private count = 0;

  constructor(private readonly clock: Clock) {}

  record(): number {
    this.count += 1;
    const now = this.clock.now();
    const { times } = this;
    times.push(now);
    while (times.length > 0 && times[0]! < now - FAILURE_WINDOW_MS) times.shift();
    return times.length;
  }

  get total(): number {
    return this.count;
  }
}

export interface RecognizerLoopDeps {
  readonly recognizer: SpeechRecognizer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: CallMetrics;
  readonly failures: FailureWindow;
  readonly maxFailuresPerMinute: number;
  /** The call's language now; each new stream takes it. */
  readonly language: () => string;
  /** Aborted when the caller hangs up. */
  readonly callSignal: AbortSignal;
  /** Interleaved channels written to each stream (2: channel identification). Default 1. */
  readonly channels?: 1 | 2;
  /** Whether the call still hears the caller; no new stream opens once it does not (the call is ending). */
  readonly hearing: () => boolean;
  /** Every result of the open stream, in order, with the stream it came from. */
  onTranscript(event: TranscriptEvent, stream: StreamOrigin): void;
  /** A stream finished normally (input ended, its last final in): what is pending is a turn. */
  onStreamFinished?(): void;
  /** A stream closed (ended, failed or was restarted): results pending from it are void. */
  onStreamClosed(): void;
  /** More failures within a minute than allowed: recognition is given up. */
  onGaveUp(error: unknown): void;
}

/** Which stream a result came from: its number within the loop, and its map onto the client's timeline. */
export interface StreamOrigin {
  /** 1 for the loop's first stream, then counting up (result ids are unique only within a stream). */
  readonly generation: number;
  readonly timeline: StreamTimeline;
}

/**
 * Keeps one recognizer stream open for one listener (a channel of the call, or both channels of a
 * stereo call on a recognizer with channel identification) until `stop`: reopens it when it ends,
 * fails (with back-off, up to the failure limit) or is restarted for a new language, and holds it
 * closed while the client has paused the audio.
 */
export interface RecognizerLoop {
  /**
   * Caller audio for the open stream (dropped while none is open); `atMs`, the frame's start on the
   * client's timeline, places the stream's results on it (absent: stream time is taken as is).
   */
  write(pcm: Int16Array, atMs?: number): void;
  /**
   * Ends the stream's input gracefully (its last final result still arrives); none opens until
   * `resume`.
   */
  pause(): void;
  resume(): void;
  /**
   * Ends the stream's input gracefully, then opens a new one (in the call's language by then);
   * caller audio in between is carried over to it.
   */
  restart(): void;
  /**
   * As `pause`, and settles once the stream's last results have been reported (or it was torn
   * down): what the caller said up to now is transcribed before the call ends.
   */
  finish(): Promise<void>;
  /** Closes the stream for good. */
  stop(): void;
  /** Settles when the loop has stopped; rejects only on a fault of the loop itself. */
  readonly done: Promise<void>;
}

export function startRecognizerLoop(deps: RecognizerLoopDeps): RecognizerLoop {
  const { clock, callSignal } = deps;
  let stream: RecognizerStream | undefined;
  let streamAbort: AbortController | undefined;
  let paused = false;
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let carry: { readonly pcm: Int16Array; readonly atMs: number | undefined }[] | undefined;
  let cancelFinish: (() => void) | undefined;
  let origin: StreamOrigin = { generation: 0, timeline: createStreamTimeline() };
  const idle = createIdleSignal();
  /** `finish` was called: the call is closing. */
  let finishing = false;

  const running = (): boolean => !stopped && !callSignal.aborted && deps.hearing();
  const wake = (): void => {
    wakeUp?.();
    wakeUp = undefined;
  };
  callSignal.addEventListener('abort', wake, { once: true });

  /** Ends the open stream now; what it had not yet recognized is lost. */
  function closeStream(): void {
    stream?.end();
    streamAbort?.abort();
  }

  /**
   * Ends the open stream's input so the service returns the final result of the utterance in
   * progress; the loop reads it, then opens the next stream. A stream that never ends is torn down.
   */
  function finishStream(carryAudio: boolean): void {
    const open = stream;
    const abort = streamAbort;
    if (open === undefined) return;
    stream = undefined;
    if (carryAudio) carry = [];
    open.end();
    cancelFinish?.();
    cancelFinish = clock.setTimer(FINISH_TIMEOUT_MS, () => abort?.abort());
  }

  function untilResumed(): Promise<void> {
    return new Promise((resolve) => {
      wakeUp = resolve;
    });
  }

  async function run(): Promise<void> {
    while (running()) {
      // Finishing with audio carried for a stream not yet open: that audio is transcribed first.
      const drainCarried = finishing && carry !== undefined && carry.length > 0;
      if (paused && !drainCarried) {
        idle.set(true);
        await untilResumed();
        idle.set(false);
        continue;
      }
      const abort = new AbortController();
      streamAbort = abort;
      const open = openStream(deps, AbortSignal.any([abort.signal, callSignal]));
      stream = open;
      const from: StreamOrigin = { generation: origin.generation + 1, timeline: createStreamTimeline() };
      origin = from;
      for (const frame of carry ?? []) writeTo(open, from, frame.pcm, frame.atMs, deps.channels);
      carry = undefined;
      if (drainCarried) finishStream(false);
      try {
        for await (const event of open.results) deps.onTranscript(event, from);
        if (!abort.signal.aborted && !callSignal.aborted) deps.onStreamFinished?.();
        await delay(clock, REOPEN_DELAY_MS, callSignal).catch(() => undefined);
      } catch (error) {
        if (callSignal.aborted || abort.signal.aborted) continue;
        if ((await backOffAfterFailure(deps, error)) === 'gaveUp') return;
      } finally {
        if (stream === open) stream = undefined;
        cancelFinish?.();
        cancelFinish = undefined;
        deps.onStreamClosed();
      }
    }
  }

  const done = run().finally(() => {
    callSignal.removeEventListener('abort', wake);
    idle.set(true);
  });

  return {
    write(pcm, atMs) {
      if (stream !== undefined) writeTo(stream, origin, pcm, atMs, deps.channels);
      else if (carry !== undefined && carry.length < MAX_CARRIED_FRAMES) carry.push({ pcm: pcm.slice(), atMs });
    },
    pause() {
      paused = true;
      finishStream(false);
    },
    resume() {
      paused = false;
      // Audio that comes before the next stream is open (the loop may still be between streams) goes to it.
      if (stream === undefined && !stopped) carry ??= [];
      wake();
    },
    restart: () => finishStream(true),
    finish() {
      paused = true;
      finishing = true;
      finishStream(false);
      return idle.reached();
    },
    stop() {
      stopped = true;
      cancelFinish?.();
      carry = undefined;
      closeStream();
      wake();
    },
    done,
  };
}

/** Set while the loop waits, paused, with no stream (or has stopped): nothing more will be reported. */
function createIdleSignal() {
  let idle = false;
  let waiters: (() => void)[] = [];
  return {
    set(value: boolean): void {
      idle = value;
      if (!value) return;
      const settled = waiters;
      waiters = [];
      for (const resolve of settled) resolve();
    },
    reached(): Promise<void> {
      return idle ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

/** Counts a failed stream and waits out its back-off; past the per-minute limit the loop gives up. */
async function backOffAfterFailure(deps: RecognizerLoopDeps, error: unknown): Promise<'retry' | 'gaveUp'> {
  deps.metrics.recognizerFailure();
  const failures = deps.failures.record();
  deps.logger.warn({ err: toError(error).message, failures }, 'recognizer failed; restarting');
  if (failures > deps.maxFailuresPerMinute) {
    deps.onGaveUp(error);
    return 'gaveUp';
  }
  await delay(deps.clock, Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failures - 1)), deps.callSignal).catch(() => undefined);
  return 'retry';
}

/** A stream in the call's language now, 8 kHz, of one channel or two interleaved. */
function openStream(deps: RecognizerLoopDeps, signal: AbortSignal): RecognizerStream {
  const channels = deps.channels ?? 1;
  return deps.recognizer.start({ languageCode: deps.language(), sampleRateHz: 8000, ...(channels === 1 ? {} : { channels }) }, signal);
}

/** Writes a frame to a stream and places it on the stream's timeline (contiguous when its position is unknown). */
function writeTo(open: RecognizerStream, to: StreamOrigin, pcm: Int16Array, atMs: number | undefined, channels = 1): void {
  open.write(pcm);
  to.timeline.wrote(pcm.length / channels, atMs ?? to.timeline.streamMs);
}
