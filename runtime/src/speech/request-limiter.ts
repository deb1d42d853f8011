import { createTokenBucket, type TokenBucket } from '../audio/token-bucket.js';
import type { Cancel, Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { SPEECH_ERROR_CODES } from './aws-error-mapping.js';
import type { SpeechSynthesizer, SynthesisRequest } from './ports.js';

/** Options of {@link RequestLimitedSynthesizer}. */
export interface RequestLimiterOptions {
  /** Requests per second started on average, process-wide. */
  readonly requestsPerSecond: number;
  /** Requests that may start at once after a quiet spell. */
  readonly burst: number;
  /**
   * Longest a request may wait for its turn. A request that would wait longer fails at once as
   * `throttled` (the call then falls back with `fallbackReason=capacity`) instead of queueing past
   * the point where a caller would still hear it in time.
   */
  readonly maxWaitMs: number;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/**
 * A process-wide request limiter in front of a synthesizer (Polly): requests start at most at
 * `requestsPerSecond` (bursts of `burst`), in arrival order; the rest wait their turn instead of
 * being sent and throttled by the service. Put it behind the prompt cache so cached prompts cost no
 * request. Aborting a waiting request removes it from the queue.
 */
export class RequestLimitedSynthesizer implements SpeechSynthesizer {
  private readonly bucket: TokenBucket;
  private readonly queue: Waiter[] = [];
  private cancelTimer: Cancel | undefined;

  constructor(
    private readonly inner: SpeechSynthesizer,
    private readonly options: RequestLimiterOptions,
    private readonly clock: Clock,
  ) {
    if (!(options.maxWaitMs >= 0)) throw new RangeError('maxWaitMs must be 0 or more');
    this.bucket = createTokenBucket({ capacity: options.burst, refillPerSecond: options.requestsPerSecond }, clock);
  }

  /** Requests waiting for their turn now. */
  get waiting(): number {
    return this.queue.length;
  }

  async *synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    if (request.text.trim() === '' || signal.aborted) return;
    try {
      await this.acquire(signal);
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    yield* this.inner.synthesize(request, signal);
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (this.queue.length === 0 && this.bucket.tryTake()) return Promise.resolve();
    // The queue ahead of this request drains at the sustained rate.
    const waitMs = this.bucket.msUntilAvailable(1) + (this.queue.length * 1000) / this.options.requestsPerSecond;
    if (waitMs > this.options.maxWaitMs) {
      return Promise.reject(
        new AppError(SPEECH_ERROR_CODES.throttled, 'synthesis request limit reached: queue full', { category: 'throttled' }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(new Error('aborted'));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.schedule();
    });
  }

  /** Starts queued requests as tokens arrive; one timer at a time, on the injected clock. */
  private schedule(): void {
    if (this.cancelTimer !== undefined) return;
    while (this.queue.length > 0 && this.bucket.tryTake()) {
      const waiter = this.queue.shift()!;
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    if (this.queue.length === 0) return;
    this.cancelTimer = this.clock.setTimer(Math.max(1, this.bucket.msUntilAvailable(1)), () => {
      this.cancelTimer = undefined;
      this.schedule();
    });
  }
}
