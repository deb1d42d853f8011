import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { withTimeout, type Cancel, type Clock } from '../shared/clock.js';
import type { FailureCategory } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { err, ok } from '../shared/result.js';
import type { Result } from '../shared/result.js';
import { parseApiKeyMap, placeholderApiKeys } from './api-key-map.js';
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
  /**
   * How long after a rotation (a new AWSCURRENT version) the keys of AWSPREVIOUS stay valid; 0 never
   * accepts them. Measured from the version's creation date when Secrets Manager reports it, else
   * from when this store first saw the version. Default 3 600 000 (1 h).
   */
  readonly previousVersionGraceMs?: number;
  /** Jitter source in [0, 1); the retry delay is scaled by 0.5 + 0.5 × random(). Default Math.random. */
  readonly random?: () => number;
}

type Stage = 'AWSCURRENT' | 'AWSPREVIOUS';
type KeyMap = ReadonlyMap<string, Uint8Array>;

/** A failed fetch, already translated from the SDK: safe to log, holds no secret. */
interface LoadFailure {
  readonly category: FailureCategory;
  /** SDK exception name or our own label; never a message (those may echo request data). */
  readonly errorName: string;
}

/** One version of the secret as read. */
interface StageValue {
  readonly secretString: string;
  /** Identifies the version: VersionId, or the text itself when the service names none. */
  readonly identity: string;
  readonly createdEpochMs?: number;
}

/** What one successful load yields. */
interface LoadedVersions {
  readonly current: KeyMap;
  readonly currentVersion: StageValue;
  readonly previous: KeyMap;
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

function checkedMs(name: string, value: number, min: 'positive' | 'nonNegative' = 'positive'): number {
  if (!Number.isFinite(value) || value < 0 || (min === 'positive' && value === 0)) {
    throw new TypeError(`${name} must be a ${min === 'positive' ? 'positive' : 'non-negative'} number of ms`);
  }
  return value;
}

/** Reads one version stage, giving up after `timeoutMs`. A missing AWSPREVIOUS is `undefined`, not a failure. */
async function readStage(
  options: Pick<SecretsManagerKeyStoreOptions, 'client' | 'secretId' | 'clock'>,
  stage: Stage,
  timeoutMs: number,
): Promise<Result<StageValue | undefined, LoadFailure>> {
  const controller = new AbortController();
  try {
    const command = new GetSecretValueCommand({ SecretId: options.secretId, VersionStage: stage });
    // aws-sdk-client-mock and hung sockets ignore abort alone, so the race makes the timeout certain.
    const output = await withTimeout(options.clock, timeoutMs, options.client.send(command, { abortSignal: controller.signal }), () => {
      controller.abort();
      throw new RequestTimeout('GetSecretValue timed out');
    });
    const secretString = output.SecretString;
    if (secretString === undefined) return err({ category: 'invalidRequest', errorName: 'NoSecretString' });
    const created = output.CreatedDate?.getTime();
    return ok({ secretString, identity: output.VersionId ?? secretString, ...(created === undefined ? {} : { createdEpochMs: created }) });
  } catch (error) {
    const failure = toLoadFailure(error);
    // A secret that was never rotated has no AWSPREVIOUS version: that is normal.
    if (stage === 'AWSPREVIOUS' && failure.errorName === 'ResourceNotFoundException') return ok(undefined);
    return err(failure);
  }
}

/**
 * A {@link KeyStore} backed by one Secrets Manager secret (aws-notes §3). Keys of AWSCURRENT are
 * valid; keys of AWSPREVIOUS only for a grace period after a rotation, so a key removed from the
 * secret stops working on a known schedule instead of at the next update. The stack's generated
 * placeholder entry is never valid. Cached and refreshed in the background; every fetch is
 * single-flight; a failed refresh keeps the last good keys; a failed first load leaves the store not
 * ready and retries with capped, jittered exponential backoff. SDK errors never leave the adapter.
 */
export function createSecretsManagerKeyStore(options: SecretsManagerKeyStoreOptions): KeyStore {
  return new SecretsManagerKeyStore(options);
}

class SecretsManagerKeyStore implements KeyStore {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly refreshMs: number;
  private readonly unknownKeyRefreshMinIntervalMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly requestTimeoutMs: number;
  private readonly graceMs: number;
  private readonly random: () => number;

  private current: KeyMap | undefined;
  private previous: KeyMap = new Map();
  /** Monotonic time until which `previous` is accepted. */
  private previousValidUntil = Number.NEGATIVE_INFINITY;
  private currentIdentity: string | undefined;
  private lastFailure: LoadFailure | undefined;
  private consecutiveFailures = 0;
  private lastFetchStartedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private cancelTimer: Cancel | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly options: SecretsManagerKeyStoreOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.refreshMs = checkedMs('refreshMs', options.refreshMs ?? 300_000);
    this.unknownKeyRefreshMinIntervalMs = checkedMs('unknownKeyRefreshMinIntervalMs', options.unknownKeyRefreshMinIntervalMs ?? 30_000);
    this.retryBaseMs = checkedMs('retryBaseMs', options.retryBaseMs ?? 1_000);
    this.retryMaxMs = Math.min(checkedMs('retryMaxMs', options.retryMaxMs ?? 60_000), this.refreshMs);
    this.requestTimeoutMs = checkedMs('requestTimeoutMs', options.requestTimeoutMs ?? 5_000);
    this.graceMs = checkedMs('previousVersionGraceMs', options.previousVersionGraceMs ?? 3_600_000, 'nonNegative');
    this.random = options.random ?? Math.random;
  }

  async lookup(apiKey: string): Promise<KeyLookup> {
    if (this.current === undefined && this.inFlight !== undefined) await this.inFlight;
    if (this.current === undefined) return { status: 'unavailable', reason: this.notReadyReason() };
    const cached = this.find(apiKey);
    if (cached !== undefined) return { status: 'found', clientSecret: cached };
    // A key added since the last fetch should work without waiting for the refresh interval.
    if (this.inFlight !== undefined) await this.inFlight;
    else if (!this.stopped && this.clock.now() - this.lastFetchStartedAt >= this.unknownKeyRefreshMinIntervalMs) await this.refresh();
    else return { status: 'unknown' };
    const fresh = this.find(apiKey);
    return fresh === undefined ? { status: 'unknown' } : { status: 'found', clientSecret: fresh };
  }

  readiness(): KeyStoreReadiness {
    return this.current === undefined ? { ready: false, reason: this.notReadyReason() } : { ready: true };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.refresh();
    this.scheduleNext();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private find(apiKey: string): Uint8Array | undefined {
    const current = this.current?.get(apiKey);
    if (current !== undefined) return current;
    return this.clock.now() < this.previousValidUntil ? this.previous.get(apiKey) : undefined;
  }

  /** Parses one version and drops placeholder entries (logged, never valid). */
  private parseVersion(stage: Stage, secretString: string): Result<KeyMap, LoadFailure> {
    const parsed = parseApiKeyMap(secretString);
    if (!parsed.ok) return err({ category: 'invalidRequest', errorName: parsed.error.code });
    const placeholders = placeholderApiKeys(parsed.value.keys(), { production: true });
    if (placeholders.length === 0) return ok(parsed.value);
    if (stage === 'AWSCURRENT') {
      this.logger.error(
        { stage, placeholderKeys: placeholders },
        'api key secret holds a placeholder entry, which is never accepted: put the Genesys keys into the secret (docs/deploy.md §5)',
      );
    }
    return ok(new Map([...parsed.value].filter(([key]) => !placeholders.includes(key))));
  }

  private async fetchVersions(): Promise<Result<LoadedVersions, LoadFailure>> {
    const [current, previous] = await Promise.all(
      (['AWSCURRENT', 'AWSPREVIOUS'] as const).map((stage) => readStage(this.options, stage, this.requestTimeoutMs)),
    );
    if (!current!.ok) return current!;
    // A failed AWSPREVIOUS read would drop keys that may still be in use mid-rotation: fail the refresh.
    if (!previous!.ok) return previous!;
    const currentVersion = current!.value;
    if (currentVersion === undefined) return err({ category: 'invalidRequest', errorName: 'NoCurrentVersion' });
    const currentKeys = this.parseVersion('AWSCURRENT', currentVersion.secretString);
    if (!currentKeys.ok) return currentKeys;
    let previousKeys: KeyMap = new Map();
    if (previous!.value !== undefined) {
      const parsed = this.parseVersion('AWSPREVIOUS', previous!.value.secretString);
      // The old version is only a courtesy during rotation; a broken one must not block the current.
      if (parsed.ok) previousKeys = parsed.value;
      else this.logger.warn({ stage: 'AWSPREVIOUS', code: parsed.error.errorName }, 'api key secret version ignored');
    }
    return ok({ current: currentKeys.value, currentVersion, previous: previousKeys });
  }

  /** Keeps the loaded maps; a new AWSCURRENT version (a rotation) starts the AWSPREVIOUS grace period. */
  private accept(loaded: LoadedVersions): void {
    const { currentVersion } = loaded;
    if (currentVersion.identity !== this.currentIdentity) {
      const now = this.clock.now();
      const ageMs = currentVersion.createdEpochMs === undefined ? 0 : Math.max(0, this.clock.epochMs() - currentVersion.createdEpochMs);
      this.previousValidUntil = now - ageMs + this.graceMs;
      if (this.currentIdentity !== undefined) {
        this.logger.info({ previousVersionGraceMs: this.graceMs }, 'api key secret rotated; previous version accepted for the grace period');
      }
      this.currentIdentity = currentVersion.identity;
    }
    const changed = this.current?.size !== loaded.current.size;
    this.current = loaded.current;
    this.previous = loaded.previous;
    if (changed) this.logger.info({ keyCount: loaded.current.size }, 'api keys loaded');
    else this.logger.debug({ keyCount: loaded.current.size }, 'api keys refreshed');
  }

  private async load(): Promise<void> {
    this.lastFetchStartedAt = this.clock.now();
    let outcome: Result<LoadedVersions, LoadFailure>;
    try {
      outcome = await this.fetchVersions();
    } catch (error) {
      outcome = err(toLoadFailure(error));
    }
    if (outcome.ok) {
      this.accept(outcome.value);
      this.consecutiveFailures = 0;
      this.lastFailure = undefined;
      return;
    }
    this.consecutiveFailures += 1;
    this.lastFailure = outcome.error;
    this.logger.warn(
      { ...outcome.error, attempt: this.consecutiveFailures, keptKeyCount: this.current?.size ?? 0 },
      this.current === undefined ? 'api keys load failed' : 'api keys refresh failed, keeping last good keys',
    );
  }

  /** Single-flight: concurrent callers share one fetch. Never rejects. */
  private refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    this.cancelTimer?.();
    const exponential = this.retryBaseMs * 2 ** Math.min(this.consecutiveFailures - 1, 30);
    const delayMs = this.consecutiveFailures === 0 ? this.refreshMs : Math.min(this.retryMaxMs, exponential) * (0.5 + 0.5 * this.random());
    this.cancelTimer = this.clock.setTimer(delayMs, () => {
      void this.refresh().then(() => this.scheduleNext());
    });
  }

  private notReadyReason(): string {
    const failure = this.lastFailure;
    return failure === undefined ? 'api keys not loaded yet' : `api keys not loaded: ${failure.category} (${failure.errorName})`;
  }
}
