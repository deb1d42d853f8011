import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { withTimeout, type Cancel, type Clock } from '../shared/clock.js';
import type { FailureCategory } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { err, ok } from '../shared/result.js';
import type { Result } from '../shared/result.js';
import { parseApiKeyMap } from './api-key-map.js';
import type { KeyLookup, KeyStore, KeyStoreReadiness } from './ports.js';

/** Options of {@link createSecretsManagerKeyStore}. Durations in ms. */
export interface SecretsManagerKeyStoreOptions {
  /** Built once by the composition root. */
  readonly client: SecretsManagerClient;
  /** Name or ARN of the secret holding the API key map JSON. */
  readonly secretId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Background refresh interval after a successful load. Default 300 000 (5 min). */
  readonly refreshMs?: number;
  /** An unknown key triggers a refresh only if the last fetch started at least this long ago. Default 30 000. */
  readonly unknownKeyRefreshMinIntervalMs?: number;
  /** First retry delay after a failed load, doubled per failure. Default 1 000. */
  readonly retryBaseMs?: number;
  /** Cap of the retry delay (also capped by `refreshMs`). Default 60 000. */
  readonly retryMaxMs?: number;
  /** A GetSecretValue call taking longer counts as failed. Default 5 000. */
  readonly requestTimeoutMs?: number;
  /** Jitter source in [0, 1); the retry delay is scaled by 0.5 + 0.5 × random(). Default Math.random. */
  readonly random?: () => number;
}

type Stage = 'AWSCURRENT' | 'AWSPREVIOUS';

/** A failed fetch, already translated from the SDK: safe to log, holds no secret. */
interface LoadFailure {
  readonly category: FailureCategory;
  /** SDK exception name or our own label; never a message (those may echo request data). */
  readonly errorName: string;
}

class RequestTimeout extends Error {
  override readonly name = 'RequestTimeout';
}

// A Map, not an object literal: error names are data, and 'constructor' must not hit the prototype.
const CATEGORY_BY_ERROR_NAME: ReadonlyMap<string, FailureCategory> = new Map([
  ['AccessDeniedException', 'auth'],
  ['DecryptionFailure', 'auth'],
  ['UnrecognizedClientException', 'auth'],
  ['InvalidSignatureException', 'auth'],
  ['ExpiredTokenException', 'auth'],
  ['CredentialsProviderError', 'auth'],
  ['ThrottlingException', 'throttled'],
  ['TooManyRequestsException', 'throttled'],
  ['ResourceNotFoundException', 'invalidRequest'],
  ['InvalidParameterException', 'invalidRequest'],
  ['InvalidRequestException', 'invalidRequest'],
  ['ValidationException', 'invalidRequest'],
]);

function toLoadFailure(error: unknown): LoadFailure {
  const errorName = error instanceof Error ? error.name : 'NonErrorThrown';
  // Anything unrecognised (network errors, 5xx, timeouts) is treated as passing unavailability.
  return { category: CATEGORY_BY_ERROR_NAME.get(errorName) ?? 'unavailable', errorName };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number of ms`);
  return value;
}

/**
 * A {@link KeyStore} backed by one Secrets Manager secret (aws-notes §3). Keys of AWSCURRENT and
 * AWSPREVIOUS are merged (current wins), so a rotation never locks Genesys out. Cached and refreshed
 * in the background; every fetch is single-flight; a failed refresh keeps the last good keys; a
 * failed first load leaves the store not ready and retries with capped, jittered exponential backoff.
 * SDK errors are mapped here and never leave the adapter.
 */
export function createSecretsManagerKeyStore(options: SecretsManagerKeyStoreOptions): KeyStore {
  const { client, secretId, clock, logger } = options;
  const refreshMs = positive('refreshMs', options.refreshMs ?? 300_000);
  const unknownKeyRefreshMinIntervalMs = positive(
    'unknownKeyRefreshMinIntervalMs',
    options.unknownKeyRefreshMinIntervalMs ?? 30_000,
  );
  const retryBaseMs = positive('retryBaseMs', options.retryBaseMs ?? 1_000);
  const retryMaxMs = Math.min(positive('retryMaxMs', options.retryMaxMs ?? 60_000), refreshMs);
  const requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? 5_000);
  const random = options.random ?? Math.random;

  let keys: ReadonlyMap<string, Uint8Array> | undefined;
  let lastFailure: LoadFailure | undefined;
  let consecutiveFailures = 0;
  let lastFetchStartedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  let cancelTimer: Cancel | undefined;
  let started = false;
  let stopped = false;

  async function getStage(stage: Stage): Promise<Result<string | undefined, LoadFailure>> {
    const controller = new AbortController();
    try {
      const command = new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage });
      // aws-sdk-client-mock and hung sockets ignore abort alone, so the race makes the timeout certain.
      const output = await withTimeout(clock, requestTimeoutMs, client.send(command, { abortSignal: controller.signal }), () => {
        controller.abort();
        throw new RequestTimeout('GetSecretValue timed out');
      });
      if (output.SecretString === undefined) return err({ category: 'invalidRequest', errorName: 'NoSecretString' });
      return ok(output.SecretString);
    } catch (error) {
      const failure = toLoadFailure(error);
      // A secret that was never rotated has no AWSPREVIOUS version: that is normal.
      if (stage === 'AWSPREVIOUS' && failure.errorName === 'ResourceNotFoundException') return ok(undefined);
      return err(failure);
    }
  }

  async function fetchKeys(): Promise<Result<ReadonlyMap<string, Uint8Array>, LoadFailure>> {
    const [current, previous] = await Promise.all([getStage('AWSCURRENT'), getStage('AWSPREVIOUS')]);
    if (!current.ok) return current;
    // A failed AWSPREVIOUS read would drop keys that may still be in use mid-rotation: fail the refresh.
    if (!previous.ok) return previous;
    const currentKeys = parseApiKeyMap(current.value ?? '');
    if (!currentKeys.ok) return err({ category: 'invalidRequest', errorName: currentKeys.error.code });
    let previousKeys: ReadonlyMap<string, Uint8Array> = new Map();
    if (previous.value !== undefined) {
      const parsed = parseApiKeyMap(previous.value);
      // The old version is only a courtesy during rotation; a broken one must not block the current.
      if (parsed.ok) previousKeys = parsed.value;
      else {
        const { code, path } = parsed.error;
        logger.warn({ stage: 'AWSPREVIOUS', code, path }, 'api key secret version ignored');
      }
    }
    return ok(new Map([...previousKeys, ...currentKeys.value]));
  }

  async function load(): Promise<void> {
    lastFetchStartedAt = clock.now();
    let outcome: Result<ReadonlyMap<string, Uint8Array>, LoadFailure>;
    try {
      outcome = await fetchKeys();
    } catch (error) {
      outcome = err(toLoadFailure(error));
    }
    if (outcome.ok) {
      const changed = keys?.size !== outcome.value.size;
      keys = outcome.value;
      consecutiveFailures = 0;
      lastFailure = undefined;
      if (changed) logger.info({ keyCount: keys.size }, 'api keys loaded');
      else logger.debug({ keyCount: keys.size }, 'api keys refreshed');
      return;
    }
    consecutiveFailures += 1;
    lastFailure = outcome.error;
    logger.warn(
      { ...outcome.error, attempt: consecutiveFailures, keptKeyCount: keys?.size ?? 0 },
      keys === undefined ? 'api keys load failed' : 'api keys refresh failed, keeping last good keys',
    );
  }

  /** Single-flight: concurrent callers share one fetch. Never rejects. */
  function refresh(): Promise<void> {
    inFlight ??= load().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function retryDelayMs(): number {
    const exponential = retryBaseMs * 2 ** Math.min(consecutiveFailures - 1, 30);
    return Math.min(retryMaxMs, exponential) * (0.5 + 0.5 * random());
  }

  function scheduleNext(): void {
    if (stopped) return;
    cancelTimer?.();
    const delayMs = consecutiveFailures === 0 ? refreshMs : retryDelayMs();
    cancelTimer = clock.setTimer(delayMs, () => {
      void refresh().then(scheduleNext);
    });
  }

  function notReadyReason(): string {
    return lastFailure === undefined
      ? 'api keys not loaded yet'
      : `api keys not loaded: ${lastFailure.category} (${lastFailure.errorName})`;
  }

  return {
    async lookup(apiKey: string): Promise<KeyLookup> {
      if (keys === undefined && inFlight !== undefined) await inFlight;
      if (keys === undefined) return { status: 'unavailable', reason: notReadyReason() };
      const cached = keys.get(apiKey);
      if (cached !== undefined) return { status: 'found', clientSecret: cached };
      // A key added since the last fetch should work without waiting for the refresh interval.
      if (inFlight !== undefined) await inFlight;
      else if (!stopped && clock.now() - lastFetchStartedAt >= unknownKeyRefreshMinIntervalMs) await refresh();
      else return { status: 'unknown' };
      const fresh = keys.get(apiKey);
      return fresh === undefined ? { status: 'unknown' } : { status: 'found', clientSecret: fresh };
    },
    readiness(): KeyStoreReadiness {
      return keys === undefined ? { ready: false, reason: notReadyReason() } : { ready: true };
    },
    async start(): Promise<void> {
      if (started) return;
      started = true;
      await refresh();
      scheduleNext();
    },
    stop(): void {
      stopped = true;
      cancelTimer?.();
      cancelTimer = undefined;
    },
  };
}
