import { ServiceFailureException, ThrottlingException } from '@aws-sdk/client-polly';
import {
  BadRequestException,
  LimitExceededException,
  ServiceUnavailableException,
} from '@aws-sdk/client-transcribe-streaming';
import type { AppError } from '../../../../runtime/src/shared/errors.js';
import { toSpeechError } from '../../../../runtime/src/speech/aws-error-mapping.js';
import { POLLY_ERRORS } from '../../../../runtime/src/speech/polly/polly-errors.js';
import type {
  RecognizerOptions,
  RecognizerStream,
  SpeechRecognizer,
  SpeechSynthesizer,
  SynthesisRequest,
  TranscriptEvent,
} from '../../../../runtime/src/speech/ports.js';
import { toTranscribeError } from '../../../../runtime/src/speech/transcribe/transcribe-errors.js';

/**
 * Fault injection behind the speech ports. The errors are the AppErrors the real Transcribe and Polly
 * adapters produce, made by their own error mapping from the SDK's own exception classes, so the
 * call sees exactly what production would.
 */
const metadata = { $metadata: {} };

/** Transcribe failures as the recognizer adapter reports them. */
export const transcribeFaults = {
  /** The service drops the stream (HTTP/2 503). */
  serviceUnavailable: (): AppError =>
    toTranscribeError(new ServiceUnavailableException({ message: 'Service unavailable', ...metadata })),
  /** The stream hit the 4-hour maximum duration or the concurrency quota. */
  limitExceeded: (): AppError =>
    toTranscribeError(new LimitExceededException({ message: 'You have reached your limit of maximum session duration.', ...metadata })),
  /** The 15 s no-audio rule. */
  idleTimeout: (): AppError =>
    toTranscribeError(
      new BadRequestException({ message: 'Your request timed out because no new audio was received for 15 seconds.', ...metadata }),
    ),
} as const;

/** Polly failures as the synthesizer adapter reports them. */
export const pollyFaults = {
  throttled: (): AppError => toSpeechError('polly', new ThrottlingException({ message: 'Rate exceeded', ...metadata }), POLLY_ERRORS),
  serviceFailure: (): AppError =>
    toSpeechError('polly', new ServiceFailureException({ message: 'Internal failure', ...metadata }), POLLY_ERRORS),
} as const;

/**
 * A recognizer decorator that fails streams on command: `failLiveStreams` drops every open stream now
 * (mid-utterance, a limit reached); `failEveryStream` makes each new stream fail shortly after it opens
 * (a service that keeps failing). `startTimes` records when each stream was opened (performance.now()).
 */
export class FaultyRecognizer implements SpeechRecognizer {
  readonly startTimes: number[] = [];
  private readonly live = new Set<FaultyRecognizerStream>();
  private persistentFault: { readonly error: () => Error; readonly afterMs: number } | undefined;

  constructor(private readonly inner: SpeechRecognizer) {}

  start(options: RecognizerOptions, signal: AbortSignal): RecognizerStream {
    this.startTimes.push(performance.now());
    const stream: FaultyRecognizerStream = new FaultyRecognizerStream(this.inner, options, signal, () => this.live.delete(stream));
    this.live.add(stream);
    const fault = this.persistentFault;
    if (fault !== undefined) setTimeout(() => stream.fail(fault.error()), fault.afterMs);
    return stream;
  }

  /** Fails every open stream now; returns how many there were. */
  failLiveStreams(error: () => Error): number {
    const streams = [...this.live];
    for (const stream of streams) stream.fail(error());
    return streams.length;
  }

  /** From now on every new stream fails `afterMs` after it opens, until {@link heal}. */
  failEveryStream(error: () => Error, afterMs: number): void {
    this.persistentFault = { error, afterMs };
  }

  heal(): void {
    this.persistentFault = undefined;
  }

  /** Streams opened and not yet finished. */
  get liveStreams(): number {
    return this.live.size;
  }
}

class FaultyRecognizerStream implements RecognizerStream {
  readonly results: AsyncIterable<TranscriptEvent>;
  private readonly inner: RecognizerStream;
  private readonly teardown = new AbortController();
  private failure: Error | undefined;
  private rejectFault: (error: Error) => void = () => undefined;
  private readonly fault: Promise<never>;

  constructor(recognizer: SpeechRecognizer, options: RecognizerOptions, signal: AbortSignal, onDone: () => void) {
    this.fault = new Promise<never>((_resolve, reject) => {
      this.rejectFault = reject;
    });
    this.fault.catch(() => undefined);
    this.inner = recognizer.start(options, AbortSignal.any([signal, this.teardown.signal]));
    this.results = this.iterate(onDone);
  }

  write(pcm16: Int16Array): void {
    if (this.failure === undefined) this.inner.write(pcm16);
  }

  end(): void {
    this.inner.end();
  }

  /** The service failed this stream: iteration throws `error`, the underlying stream is torn down. */
  fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.rejectFault(error);
    this.teardown.abort();
  }

  private throwIfFailed(): void {
    const failure = this.failure;
    if (failure !== undefined) throw failure;
  }

  private async *iterate(onDone: () => void): AsyncGenerator<TranscriptEvent, void, undefined> {
    const iterator = this.inner.results[Symbol.asyncIterator]();
    try {
      for (;;) {
        this.throwIfFailed();
        const next = await Promise.race([this.fault, iterator.next()]);
        // A fault injected while the next result was already settled still wins.
        this.throwIfFailed();
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      this.teardown.abort();
      onDone();
    }
  }
}

/** What the synthesizer double does with one request. */
export type SynthesisFault = { readonly kind: 'error'; readonly error: () => Error } | { readonly kind: 'hang' };

/**
 * A synthesizer decorator that fails or hangs on command. `plan(request, index)` decides per request
 * (index counts every request from 0); `undefined` passes the request to the inner synthesizer.
 * A hanging request never yields and ends only when its signal aborts, like an unanswered HTTP call.
 */
export class FaultySynthesizer implements SpeechSynthesizer {
  readonly requests: { readonly text: string; readonly faulted: boolean }[] = [];
  plan: (request: SynthesisRequest, index: number) => SynthesisFault | undefined = () => undefined;
  private hanging = 0;

  constructor(private readonly inner: SpeechSynthesizer) {}

  /** Requests currently hanging (not yet aborted). */
  get hangingRequests(): number {
    return this.hanging;
  }

  async *synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    const fault = this.plan(request, this.requests.length);
    this.requests.push({ text: request.text, faulted: fault !== undefined });
    if (fault === undefined) {
      yield* this.inner.synthesize(request, signal);
      return;
    }
    // A real service answers after a network round trip, never synchronously.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (fault.kind === 'error') throw fault.error();
    this.hanging += 1;
    try {
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      this.hanging -= 1;
    }
  }
}
