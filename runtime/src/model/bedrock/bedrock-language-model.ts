import { ConverseStreamCommand, type BedrockRuntimeClient, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { classifyAwsError } from '../../shared/aws-error-category.js';
import { delay, type Clock } from '../../shared/clock.js';
import { AppError, isRetryable, toError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { MODEL_DEPENDENCY, MODEL_ERROR_CODES } from '../model-errors.js';
import type { LanguageModel, ModelEvent, ModelRequest } from '../ports.js';
import { BEDROCK_ERRORS, fromStreamEvent, streamEventError, toConverseStreamInput } from './bedrock-mapping.js';

/** What the adapter needs besides the SDK client. */
export interface BedrockLanguageModelDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

/** First back-off between attempts; doubles each time, all inside the request's retry deadline. */
const RETRY_BACKOFF_MS = 200;

/**
 * The language model on Amazon Bedrock (ConverseStream). Throttling, outages and an attempt that
 * sends nothing within `timeouts.firstEventMs` are retried with back-off as long as the next attempt
 * starts before `timeouts.retryDeadlineMs`; once an event has been delivered nothing is retried (the
 * caller may already be hearing it). The SDK's own retries should be off (`maxAttempts: 1`) so this
 * deadline, not the SDK's back-off, bounds the caller's wait.
 */
export class BedrockLanguageModel implements LanguageModel {
  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly deps: BedrockLanguageModelDeps,
  ) {}

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    const { clock } = this.deps;
    const deadline = clock.now() + request.timeouts.retryDeadlineMs;
    const input = toConverseStreamInput(request);
    for (let attempt = 1; ; attempt++) {
      const attemptAbort = new AbortController();
      const attemptSignal = AbortSignal.any([signal, attemptAbort.signal]);
      let delivered = false;
      try {
        const events = this.attempt(input, attemptSignal, attemptAbort, request);
        for await (const event of events) {
          delivered = true;
          yield event;
        }
        return;
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        const failure = toModelError(error);
        const backoffMs = RETRY_BACKOFF_MS * 2 ** (attempt - 1);
        if (delivered || !isRetryable(failure.category) || clock.now() + backoffMs >= deadline) throw failure;
        this.deps.logger.warn({ attempt, code: failure.code, err: failure.message }, 'model request failed: retrying');
        await delay(clock, backoffMs, signal);
      } finally {
        attemptAbort.abort();
      }
    }
  }

  /** One ConverseStream call, each wait for the next event bounded by the clock. */
  private async *attempt(
    input: ReturnType<typeof toConverseStreamInput>,
    signal: AbortSignal,
    abort: AbortController,
    request: ModelRequest,
  ): AsyncGenerator<ModelEvent> {
    const { timeouts } = request;
    const output = await this.within(this.client.send(new ConverseStreamCommand(input), { abortSignal: signal }), timeouts.firstEventMs, abort);
    if (output.stream === undefined) throw new AppError(MODEL_ERROR_CODES.internal, 'model answered without a stream', { category: 'internal', dependency: MODEL_DEPENDENCY });
    const iterator = output.stream[Symbol.asyncIterator]();
    try {
      let first = true;
      for (;;) {
        const next: IteratorResult<ConverseStreamOutput> = await this.within(iterator.next(), first ? timeouts.firstEventMs : timeouts.idleMs, abort);
        first = false;
        if (next.done === true) return;
        const failure = streamEventError(next.value);
        if (failure !== undefined) throw Object.assign(new Error(failure.message), { name: failure.name });
        yield* fromStreamEvent(next.value);
      }
    } finally {
      // Ends the HTTP/2 stream when the consumer stops early or an error leaves the loop.
      void iterator.return?.().catch(() => undefined);
    }
  }

  /** `promise`, or a timeout AppError after `ms` (the attempt is aborted so the request stops). */
  private within<T>(promise: Promise<T>, ms: number, abort: AbortController): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cancel = this.deps.clock.setTimer(ms, () => {
        abort.abort();
        reject(new AppError(MODEL_ERROR_CODES.timeout, `model sent nothing within ${ms} ms`, { category: 'unavailable', dependency: MODEL_DEPENDENCY }));
      });
      promise.then(
        (value) => {
          cancel();
          resolve(value);
        },
        (error: unknown) => {
          cancel();
          reject(toError(error));
        },
      );
    });
  }
}

/** The AppError that crosses the port for an SDK or transport failure. */
export function toModelError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const cause = toError(error);
  const category = classifyAwsError(error, BEDROCK_ERRORS);
  return new AppError(MODEL_ERROR_CODES[category], `Bedrock failed: ${cause.name}`, { category, cause, dependency: MODEL_DEPENDENCY });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted', { cause: signal.reason });
}
