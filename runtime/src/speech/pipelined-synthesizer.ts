import { AsyncQueue } from '../shared/async-queue.js';
import type { SpeechSynthesizer, SynthesisRequest } from './ports.js';
import { splitSentences } from '../shared/sentence-splitter.js';

/** Options of {@link PipelinedSynthesizer}. */
export interface PipelineOptions {
  /**
   * Sentences shorter than this are merged with the next one: a very short sentence plays too
   * briefly to hide the next request's latency and would only cost request quota (Polly neural:
   * 8 TPS).
   * @default 24
   */
  readonly minSegmentChars?: number;
  /** Longest plain-text segment sent in one request. @default 1500 */
  readonly maxSegmentChars?: number;
  /** How many segments are synthesized ahead of the one playing (≥ 1). @default 1 */
  readonly lookahead?: number;
}

/**
 * A {@link SpeechSynthesizer} decorator that splits a reply into sentences and synthesizes segment
 * k+1 (up to `lookahead` ahead) while segment k streams out, yielding audio strictly in order.
 * A failure of a later segment surfaces only when playback reaches it. Aborting the signal, or the
 * consumer stopping early, aborts every segment still in progress.
 */
export class PipelinedSynthesizer implements SpeechSynthesizer {
  private readonly minChars: number;
  private readonly maxChars: number;
  private readonly lookahead: number;

  constructor(
    private readonly inner: SpeechSynthesizer,
    options: PipelineOptions = {},
  ) {
    this.minChars = options.minSegmentChars ?? 24;
    this.maxChars = options.maxSegmentChars ?? 1500;
    this.lookahead = options.lookahead ?? 1;
    if (!Number.isInteger(this.lookahead) || this.lookahead < 1) throw new RangeError('lookahead must be an integer ≥ 1');
  }

  async *synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    const segments = splitSentences(request.text, {
      ssml: request.ssml,
      minChars: this.minChars,
      maxChars: this.maxChars,
    });
    if (segments.length <= 1) {
      yield* this.inner.synthesize(request, signal);
      return;
    }
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const running: (Prefetch | undefined)[] = [];
    try {
      for (let k = 0; k < segments.length; k++) {
        while (running.length < Math.min(segments.length, k + 1 + this.lookahead)) {
          const text = segments[running.length]!;
          running.push(new Prefetch(this.inner.synthesize({ ...request, text }, controller.signal)));
        }
        if (signal.aborted) return;
        yield* running[k]!;
        running[k] = undefined; // its audio is played: let it go
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }
}

/** Reads a synthesis eagerly into memory so it is ready (or under way) when its turn comes. */
class Prefetch implements AsyncIterable<Uint8Array> {
  private readonly queue = new AsyncQueue<Uint8Array>();

  constructor(source: AsyncIterable<Uint8Array>) {
    void this.pump(source);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.queue[Symbol.asyncIterator]();
  }

  private async pump(source: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of source) this.queue.push(chunk);
      this.queue.close();
    } catch (error) {
      this.queue.fail(error);
    }
  }
}
