import { delay, type Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { abortReason } from '../abort-reason.js';
import { BOT_ERROR_CODES } from '../bot-error-codes.js';

/** Where and how to call the webhook; the slice of a webhook definition the client needs. */
export interface WebhookClientOptions {
  readonly url: string;
  /** Sent with every request (e.g. Authorization). Never put into errors or logs. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBackoffMs: number;
}

/** What the client needs from its surroundings: time for timeouts and back-off, and HTTP. */
export interface WebhookClientDeps {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
}

/** Posts JSON to the webhook and returns the parsed JSON answer. */
export interface WebhookClient {
  /** Rejects with an AppError on failure, or with the signal's reason when `signal` aborts. */
  post(body: unknown, signal: AbortSignal): Promise<unknown>;
}

/** A bot answer is a few short messages; anything this large is a misconfigured endpoint. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

type Attempt = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly retry: boolean; readonly error: AppError };

/**
 * Creates the HTTP client of a webhook bot. Each attempt has its own timeout (on the injected
 * clock); network errors, 5xx and 429 are retried after an exponential back-off. A timeout is not
 * retried: the remote may already have processed the message (a second POST would advance its
 * conversation twice), and the caller has already waited the whole timeout in silence.
 */
export function createWebhookClient(options: WebhookClientOptions, deps: WebhookClientDeps): WebhookClient {
  const fetchImpl = deps.fetch;
  const headers = new Headers(options.headers);
  headers.set('content-type', 'application/json');
  if (!headers.has('accept')) headers.set('accept', 'application/json');

  async function attempt(payload: string, signal: AbortSignal): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    const cancelTimer = deps.clock.setTimer(options.timeoutMs, () => {
      timedOut = true;
      controller.abort();
    });
    const onAbort = (): void => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // Redirects are not followed: a redirected POST may turn into a GET and lose the message.
      const response = await fetchImpl(options.url, {
        method: 'POST',
        headers,
        body: payload,
        signal: controller.signal,
        redirect: 'manual',
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return statusFailure(response.status);
      }
      return { ok: true, body: parseJson(await readCapped(response)) };
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (error instanceof AppError) throw error;
      if (timedOut) {
        const message = `webhook bot did not answer within ${options.timeoutMs} ms`;
        return { ok: false, retry: false, error: new AppError(BOT_ERROR_CODES.timeout, message, { category: 'unavailable', cause: error }) };
      }
      const failure = new AppError(BOT_ERROR_CODES.unavailable, 'webhook bot unreachable', { category: 'unavailable', cause: error });
      return { ok: false, retry: true, error: failure };
    } finally {
      cancelTimer();
      signal.removeEventListener('abort', onAbort);
    }
  }

  return {
    async post(body, signal) {
      if (signal.aborted) throw abortReason(signal);
      const payload = JSON.stringify(body);
      for (let retriesDone = 0; ; retriesDone += 1) {
        const outcome = await attempt(payload, signal);
        if (outcome.ok) return outcome.body;
        if (!outcome.retry || retriesDone >= options.retries) throw outcome.error;
        const waitMs = options.retryBackoffMs * 2 ** retriesDone;
        if (waitMs > 0) await delay(deps.clock, waitMs, signal);
      }
    },
  };
}

function statusFailure(status: number): Attempt {
  const message = `webhook bot answered HTTP ${status}`;
  if (status === 429) return { ok: false, retry: true, error: new AppError(BOT_ERROR_CODES.throttled, message, { category: 'throttled' }) };
  if (status >= 500) return { ok: false, retry: true, error: new AppError(BOT_ERROR_CODES.unavailable, message, { category: 'unavailable' }) };
  // Credentials in the definition's headers are wrong: retrying cannot help, and ops must know it is auth.
  if (status === 401 || status === 403) return { ok: false, retry: false, error: new AppError(BOT_ERROR_CODES.auth, message, { category: 'auth' }) };
  return { ok: false, retry: false, error: new AppError(BOT_ERROR_CODES.invalidRequest, message, { category: 'invalidRequest' }) };
}

async function readCapped(response: Response): Promise<string> {
  // Node's typings leave the body's chunk type open; fetch bodies are bytes.
  const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (reader === undefined) return '';
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new AppError(BOT_ERROR_CODES.invalidResponse, `webhook bot answer exceeds ${MAX_RESPONSE_BYTES} bytes`, {
        category: 'invalidRequest',
      });
    }
    text += decoder.decode(value, { stream: true });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError(BOT_ERROR_CODES.invalidResponse, 'webhook bot answer is not JSON', { category: 'invalidRequest', cause: error });
  }
}
