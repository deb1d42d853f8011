import type { Cancel, Clock } from '../shared/clock.js';
import type { RecognizerOptions, RecognizerStream, SpeechRecognizer, TranscriptEvent } from './ports.js';

/** Options of {@link RenewingRecognizer}; durations in ms. */
export interface RenewingRecognizerOptions {
  /** Age at which a service stream is renewed (Transcribe ends streams at 4 hours). */
  readonly renewAfterMs: number;
  /** Longest wait past `renewAfterMs` for a pause between utterances before renewing anyway. */
  readonly quietWaitMs: number;
  /** Most audio frames carried over while one stream finishes and the next opens. */
  readonly maxCarriedFrames?: number;
}

/**
 * Keeps one logical recognition stream alive past the service's stream duration limit. When a
 * service stream reaches `renewAfterMs`, it is renewed at the next pause between utterances (at the
 * latest `quietWaitMs` later): its input is ended gracefully, so the final result of anything in
 * progress still arrives, the audio written meanwhile is carried over, and a new service stream
 * continues with it. Result offsets stay relative to the start of the logical stream.
 */
export class RenewingRecognizer implements SpeechRecognizer {
  readonly languages?: ReadonlySet<string>;
  readonly channelIdentification?: boolean;

  constructor(
    private readonly inner: SpeechRecognizer,
    private readonly options: RenewingRecognizerOptions,
    private readonly clock: Clock,
  ) {
    if (inner.languages !== undefined) this.languages = inner.languages;
    if (inner.channelIdentification !== undefined) this.channelIdentification = inner.channelIdentification;
  }

  start(options: RecognizerOptions, signal: AbortSignal): RecognizerStream {
    return new RenewingStream(this.inner, options, signal, this.options, this.clock);
  }
}

class RenewingStream implements RecognizerStream {
  readonly results: AsyncIterable<TranscriptEvent>;
  private current: RecognizerStream;
  private currentStartedAt: number;
  private readonly startedAt: number;
  private carry: Int16Array[] | undefined;
  private ended = false;
  private renewDue = false;
  /** Channels with an utterance in progress (a partial not yet followed by its final). */
  private readonly speakingChannels = new Set<number>();
  private cancelTimers: Cancel[] = [];

  constructor(
    private readonly inner: SpeechRecognizer,
    private readonly options: RecognizerOptions,
    private readonly signal: AbortSignal,
    private readonly settings: RenewingRecognizerOptions,
    private readonly clock: Clock,
  ) {
    this.startedAt = clock.now();
    this.currentStartedAt = this.startedAt;
    this.current = inner.start(options, signal);
    this.armRenewal();
    signal.addEventListener('abort', () => this.stopTimers(), { once: true });
    this.results = this.run();
  }

  write(pcm16: Int16Array): void {
    if (this.ended) return;
    if (this.carry === undefined) this.current.write(pcm16);
    else if (this.carry.length < (this.settings.maxCarriedFrames ?? 500)) this.carry.push(pcm16.slice());
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopTimers();
    this.carry = undefined;
    this.current.end();
  }

  private async *run(): AsyncGenerator<TranscriptEvent, void, undefined> {
    try {
      for (;;) {
        const offsetMs = this.currentStartedAt - this.startedAt;
        for await (const event of this.current.results) {
          if (event.kind === 'partial') this.speakingChannels.add(event.channel ?? 0);
          else this.speakingChannels.delete(event.channel ?? 0);
          yield offsetMs === 0 ? event : { ...event, startMs: event.startMs + offsetMs, endMs: event.endMs + offsetMs };
          if (this.renewDue && !this.inUtterance) this.renew();
        }
        // The service stream ended on its own (or was ended by the caller): so does the logical one.
        if (this.ended || this.signal.aborted || this.carry === undefined) return;
        this.currentStartedAt = this.clock.now();
        this.current = this.inner.start(this.options, this.signal);
        const carried = this.carry;
        this.carry = undefined;
        for (const pcm of carried) this.current.write(pcm);
        this.armRenewal();
      }
    } finally {
      this.stopTimers();
    }
  }

  /** Whether any channel is mid-utterance: a renewal then waits for the pause. */
  private get inUtterance(): boolean {
    return this.speakingChannels.size > 0;
  }

  private armRenewal(): void {
    this.renewDue = false;
    this.speakingChannels.clear();
    this.cancelTimers.push(
      this.clock.setTimer(this.settings.renewAfterMs, () => {
        this.renewDue = true;
        if (!this.inUtterance) this.renew();
      }),
      this.clock.setTimer(this.settings.renewAfterMs + this.settings.quietWaitMs, () => this.renew()),
    );
  }

  /** Ends the current service stream's input gracefully; `run` opens the next one after its last result. */
  private renew(): void {
    if (this.ended || this.carry !== undefined || this.signal.aborted) return;
    this.stopTimers();
    this.renewDue = false;
    this.carry = [];
    this.current.end();
  }

  private stopTimers(): void {
    for (const cancel of this.cancelTimers) cancel();
    this.cancelTimers = [];
  }
}
