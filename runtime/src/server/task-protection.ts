import type { Cancel, Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/** Longest protection the ECS agent accepts (48 h). */
const MAX_EXPIRES_IN_MINUTES = 2_880;

/** Options of {@link createTaskProtection}. */
export interface TaskProtectionOptions {
  /**
   * Base URI of the ECS container agent (the `ECS_AGENT_URI` variable ECS injects into tasks).
   * Without it every call is a no-op, which is what local runs want.
   * @default undefined (no-op)
   */
  readonly agentUri?: string | undefined;
  /** Time source for renewals, retries and request timeouts. */
  readonly clock: Clock;
  /** Receives one `warn` per failed request and one `info` per confirmed change. */
  readonly logger: Logger;
  /**
   * HTTP client; tests may pass a spy.
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch;
  /**
   * How long one grant of protection lasts, 1–2880 minutes. A crashed or wedged task therefore
   * becomes eligible for scale-in again after this time at most.
   * @default 120
   */
  readonly expiresInMinutes?: number;
  /**
   * Wait before the first retry after a failed request; doubles per failure up to `maxRetryDelayMs`.
   * @default 1000
   */
  readonly retryDelayMs?: number;
  /**
   * Upper bound of the retry back-off.
   * @default 60000
   */
  readonly maxRetryDelayMs?: number;
  /**
   * A request that has not answered after this long is aborted and counts as failed.
   * @default 5000
   */
  readonly requestTimeoutMs?: number;
}

/** Holds ECS task scale-in protection while the task carries live calls. */
export interface TaskProtection {
  /**
   * Reports the current number of live sessions: above 0 the task is protected (and the protection
   * renewed before it expires), at 0 it is released. Never throws; requests run in the background.
   */
  update(activeSessions: number): void;
  /**
   * Stops renewing, waits for any request in flight and removes protection with one last request.
   * Resolves even if the agent cannot be reached; later `update` calls are ignored.
   */
  release(): Promise<void>;
}

/** What one PUT to the ECS agent needs. */
interface ProtectionRequest {
  readonly fetchFn: typeof globalThis.fetch;
  readonly url: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
  readonly expiresInMinutes: number;
}

/** Sends one protection state to the agent; true when it was accepted. Never rejects. */
async function putProtection(request: ProtectionRequest, enable: boolean): Promise<boolean> {
  const { fetchFn, url, clock, logger, requestTimeoutMs, expiresInMinutes } = request;
  const controller = new AbortController();
  const cancelTimeout = clock.setTimer(requestTimeoutMs, () => controller.abort(new Error('request timed out')));
  try {
    const body = enable ? { ProtectionEnabled: true, ExpiresInMinutes: expiresInMinutes } : { ProtectionEnabled: false };
    const response = await fetchFn(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const text = await response.text();
    // The agent reports refusals (e.g. a missing IAM permission) as a `failure` or `error` member.
    if (!response.ok || /"(failure|error)"\s*:\s*\{/.test(text)) {
      logger.warn({ status: response.status, protectionEnabled: enable }, 'task protection request refused');
      return false;
    }
    return true;
  } catch (error) {
    logger.warn({ err: toError(error).message, protectionEnabled: enable }, 'task protection request failed');
    return false;
  } finally {
    cancelTimeout();
  }
}

/**
 * Creates the task-protection controller. Requests are serialized: at most one PUT is in flight,
 * and state changes that arrive meanwhile are folded into the next request, so a burst of call
 * starts and ends costs one or two requests, not one per call.
 */
export function createTaskProtection(options: TaskProtectionOptions): TaskProtection {
  const expiresInMinutes = options.expiresInMinutes ?? 120;
  if (!Number.isInteger(expiresInMinutes) || expiresInMinutes < 1 || expiresInMinutes > MAX_EXPIRES_IN_MINUTES) {
    throw new RangeError(`expiresInMinutes must be an integer from 1 to ${MAX_EXPIRES_IN_MINUTES}`);
  }
  const { agentUri, clock, logger } = options;
  if (agentUri === undefined) {
    return { update: () => undefined, release: () => Promise.resolve() };
  }

  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = `${agentUri.replace(/\/+$/, '')}/task-protection/v1/state`;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  // Renew at half-life: a failing agent then gets many retries before the protection lapses.
  const renewAfterMs = (expiresInMinutes * 60_000) / 2;

  let wanted = false;
  // A fresh task is unprotected, so nothing needs to be sent until the first call arrives.
  let confirmed = false;
  let renewalDue = false;
  let released = false;
  let running: Promise<void> | undefined;
  let cancelRenewal: Cancel | undefined;
  let cancelRetry: Cancel | undefined;
  let failures = 0;

  const needsRequest = (): boolean => wanted !== confirmed || (wanted && renewalDue);

  const put = (enable: boolean): Promise<boolean> => putProtection({ fetchFn, url, clock, logger, requestTimeoutMs, expiresInMinutes }, enable);

  function scheduleRetry(): void {
    if (released) return;
    const waitMs = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** failures);
    failures += 1;
    cancelRetry = clock.setTimer(waitMs, () => {
      cancelRetry = undefined;
      kick();
    });
  }

  function scheduleRenewal(): void {
    cancelRenewal?.();
    cancelRenewal = clock.setTimer(renewAfterMs, () => {
      cancelRenewal = undefined;
      renewalDue = true;
      kick();
    });
  }

  async function drive(): Promise<void> {
    while (needsRequest()) {
      const enable = wanted;
      if (!(await put(enable))) {
        scheduleRetry();
        return;
      }
      failures = 0;
      renewalDue = false;
      if (enable !== confirmed) logger.info({ protectionEnabled: enable }, 'task protection changed');
      confirmed = enable;
      if (enable) {
        scheduleRenewal();
      } else {
        cancelRenewal?.();
        cancelRenewal = undefined;
      }
    }
  }

  function kick(): void {
    // One request at a time; a pending retry timer will pick up the newest wanted state.
    // After release, `release()` itself sends the last request.
    if (released || running !== undefined || cancelRetry !== undefined || !needsRequest()) return;
    running = drive().finally(() => {
      running = undefined;
      // An update may have landed between the loop's last check and this callback.
      kick();
    });
  }

  return {
    update(activeSessions) {
      if (released) return;
      wanted = activeSessions > 0;
      kick();
    },
    async release() {
      if (released) return;
      released = true;
      wanted = false;
      cancelRenewal?.();
      cancelRenewal = undefined;
      cancelRetry?.();
      cancelRetry = undefined;
      await running;
      // After a failed request the agent's state is uncertain, so ask to disable once more.
      if (confirmed || failures > 0) {
        if (await put(false)) confirmed = false;
      }
    },
  };
}
