import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { GetSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretsManagerKeyStore } from '../../../runtime/src/auth/secrets-manager-key-store.js';
import type { SecretsManagerKeyStoreOptions } from '../../../runtime/src/auth/secrets-manager-key-store.js';
import type { KeyStore } from '../../../runtime/src/auth/ports.js';
import type { Logger } from '../../../runtime/src/shared/logger.js';
import { FakeClock } from '../../support/fake-clock.js';

const SECRET_A = 'c2VjcmV0LWEtdmFsdWU='; // "secret-a-value"
const SECRET_B = 'c2VjcmV0LWItdmFsdWU='; // "secret-b-value"
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

/** A GetSecretValue call that never answers. */
const HANG = { behaviour: 'hang' } as const;
/** A secret stored as SecretBinary instead of SecretString. */
const BINARY = { behaviour: 'binary' } as const;
/** What the fake secret holds per stage: JSON text, an error to throw, a behaviour, or absent. */
type StageValue = string | Error | typeof HANG | typeof BINARY | undefined;

interface LogLine {
  level: string;
  fields: object;
  msg: string;
}

function capturingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (fields: object, msg: string): void => {
      lines.push({ level, fields, msg });
    };
  const logger: Logger = {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

const sdkError = (name: string): Error => Object.assign(new Error(`${name} for arn:aws:secretsmanager:test`), { name });
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createSecretsManagerKeyStore', () => {
  const sm = mockClient(SecretsManagerClient);
  let stages: { current: StageValue; previous: StageValue };
  /** VersionId / CreatedDate the fake reports for AWSCURRENT (none by default, like some mocks). */
  let currentMeta: { VersionId?: string; CreatedDate?: Date };
  let clock: FakeClock;
  let logs: LogLine[];
  let store: KeyStore;

  const calls = (stage: 'AWSCURRENT' | 'AWSPREVIOUS' = 'AWSCURRENT'): number =>
    sm.commandCalls(GetSecretValueCommand, { VersionStage: stage }).length;

  const createStore = (options: Partial<SecretsManagerKeyStoreOptions> = {}): KeyStore => {
    store = createSecretsManagerKeyStore({
      client: new SecretsManagerClient({ region: 'eu-west-1' }),
      secretId: 'audiohook/api-keys',
      clock,
      logger: capturingLogger(logs),
      random: () => 1,
      ...options,
    });
    return store;
  };

  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await flush();
  };

  beforeEach(() => {
    sm.reset();
    clock = new FakeClock();
    logs = [];
    stages = { current: JSON.stringify({ 'key-a': SECRET_A }), previous: undefined };
    currentMeta = {};
    sm.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => {
      const value = input.VersionStage === 'AWSPREVIOUS' ? stages.previous : stages.current;
      if (value === HANG) return new Promise(() => undefined);
      if (value === BINARY) return Promise.resolve({ SecretBinary: new Uint8Array([1, 2, 3]) });
      if (value === undefined) {
        return Promise.reject(new ResourceNotFoundException({ message: 'no such version', $metadata: {} }));
      }
      if (value instanceof Error) return Promise.reject(value);
      return Promise.resolve({ SecretString: value, ...(input.VersionStage === 'AWSCURRENT' ? currentMeta : {}) });
    });
  });

  afterEach(() => {
    store.stop();
  });

  describe('loading', () => {
    it('is ready with the secret keys after start', async () => {
      await createStore().start();
      expect(store.readiness()).toEqual({ ready: true });
      await expect(store.lookup('key-a')).resolves.toEqual({ status: 'found', clientSecret: bytes(SECRET_A) });
    });

    it('reads both AWSCURRENT and AWSPREVIOUS of the configured secret', async () => {
      await createStore().start();
      expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual(
        expect.arrayContaining([
          { SecretId: 'audiohook/api-keys', VersionStage: 'AWSCURRENT' },
          { SecretId: 'audiohook/api-keys', VersionStage: 'AWSPREVIOUS' },
        ]),
      );
    });

    it('accepts keys of AWSPREVIOUS alongside those of AWSCURRENT', async () => {
      stages.previous = JSON.stringify({ 'key-old': SECRET_B });
      await createStore().start();
      await expect(store.lookup('key-old')).resolves.toEqual({ status: 'found', clientSecret: bytes(SECRET_B) });
    });

    it('prefers the AWSCURRENT secret when both versions hold the same key', async () => {
      stages.previous = JSON.stringify({ 'key-a': SECRET_B });
      await createStore().start();
      await expect(store.lookup('key-a')).resolves.toEqual({ status: 'found', clientSecret: bytes(SECRET_A) });
    });

    it('ignores an AWSPREVIOUS version that is not a valid key map, with a warning', async () => {
      stages.previous = 'not json';
      await createStore().start();
      expect(store.readiness()).toEqual({ ready: true });
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ code: 'ERR_AUTH_KEY_MAP_INVALID' }) }),
      );
    });

    it('fails the load when AWSPREVIOUS cannot be read for another reason than a missing version', async () => {
      stages.previous = sdkError('ThrottlingException');
      await createStore().start();
      expect(store.readiness()).toEqual({ ready: false, reason: expect.stringContaining('throttled') });
    });

    it('waits for the first load when a lookup arrives before start has finished', async () => {
      const starting = createStore().start();
      const lookup = store.lookup('key-a');
      await starting;
      await expect(lookup).resolves.toMatchObject({ status: 'found' });
    });
  });

  describe('cold-start failure', () => {
    beforeEach(() => {
      stages.current = sdkError('AccessDeniedException');
    });

    it('resolves start but is not ready, naming the failure category', async () => {
      await createStore().start();
      expect(store.readiness()).toEqual({ ready: false, reason: expect.stringContaining('auth (AccessDeniedException)') });
    });

    it('answers lookups with unavailable', async () => {
      await createStore().start();
      await expect(store.lookup('key-a')).resolves.toEqual({ status: 'unavailable', reason: expect.any(String) });
    });

    it('retries with exponentially growing delays', async () => {
      await createStore({ retryBaseMs: 1_000 }).start();
      const attemptsAt: number[] = [];
      for (let t = 1; t <= 7_000; t += 1) {
        const before = calls();
        await advance(1);
        if (calls() > before) attemptsAt.push(t);
      }
      expect(attemptsAt).toEqual([1_000, 3_000, 7_000]);
    });

    it('caps the retry delay at retryMaxMs', async () => {
      await createStore({ retryBaseMs: 1_000, retryMaxMs: 4_000 }).start();
      await advance(1_000 + 2_000 + 4_000); // attempts 2, 3, 4
      const before = calls();
      await advance(4_000);
      expect(calls()).toBe(before + 1);
    });

    it('shortens a retry delay by up to half through jitter', async () => {
      await createStore({ retryBaseMs: 1_000, random: () => 0 }).start();
      await advance(500);
      expect(calls()).toBe(2);
    });

    it('becomes ready once a retry succeeds', async () => {
      await createStore({ retryBaseMs: 1_000 }).start();
      stages.current = JSON.stringify({ 'key-a': SECRET_A });
      await advance(1_000);
      expect(store.readiness()).toEqual({ ready: true });
    });

    it('returns to the normal refresh interval after a successful retry', async () => {
      await createStore({ retryBaseMs: 1_000, refreshMs: 60_000 }).start();
      stages.current = JSON.stringify({ 'key-a': SECRET_A });
      await advance(1_000);
      await advance(59_999);
      expect(calls()).toBe(2);
    });

    it('gives up on a GetSecretValue call that hangs after requestTimeoutMs', async () => {
      stages.current = HANG;
      const starting = createStore({ requestTimeoutMs: 2_000 }).start();
      await advance(2_000);
      await starting;
      expect(store.readiness()).toEqual({ ready: false, reason: expect.stringContaining('RequestTimeout') });
    });

    it.each([
      ['a current version that is not a key map', '{"key-a": 42}', 'invalidRequest'],
      ['a secret stored as binary', BINARY, 'invalidRequest'],
    ])('is not ready with %s', async (_what, current, category) => {
      stages.current = current;
      await createStore().start();
      expect(store.readiness()).toEqual({ ready: false, reason: expect.stringContaining(category) });
    });
  });

  describe('background refresh', () => {
    it('refreshes every refreshMs and picks up new keys', async () => {
      await createStore({ refreshMs: 60_000 }).start();
      stages.current = JSON.stringify({ 'key-a': SECRET_A, 'key-b': SECRET_B });
      await advance(60_000);
      expect(calls()).toBe(2);
      await expect(store.lookup('key-b')).resolves.toMatchObject({ status: 'found' });
    });

    it('keeps accepting a rotated-out key while it is AWSPREVIOUS', async () => {
      await createStore({ refreshMs: 60_000 }).start();
      stages.previous = stages.current;
      stages.current = JSON.stringify({ 'key-new': SECRET_B });
      await advance(60_000);
      await expect(store.lookup('key-a')).resolves.toMatchObject({ status: 'found' });
    });

    it('stops accepting a rotated-out key once it is in neither version', async () => {
      await createStore({ refreshMs: 60_000 }).start();
      stages.current = JSON.stringify({ 'key-new': SECRET_B });
      await advance(60_000);
      await expect(store.lookup('key-a')).resolves.toEqual({ status: 'unknown' });
    });

    it('keeps the last good keys when a refresh fails', async () => {
      await createStore({ refreshMs: 60_000 }).start();
      stages.current = sdkError('InternalServiceError');
      await advance(60_000);
      expect(store.readiness()).toEqual({ ready: true });
      await expect(store.lookup('key-a')).resolves.toMatchObject({ status: 'found' });
    });

    it('logs a failed refresh as a warning with its category', async () => {
      await createStore({ refreshMs: 60_000 }).start();
      stages.current = sdkError('InternalServiceError');
      await advance(60_000);
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ category: 'unavailable', keptKeyCount: 1 }) }),
      );
    });

    it('never logs secret values, key names or SDK messages', async () => {
      stages.previous = 'not json {"key-a": "c2VjcmV0"}';
      await createStore({ refreshMs: 60_000 }).start();
      stages.current = sdkError('AccessDeniedException');
      await advance(60_000);
      const text = JSON.stringify(logs);
      for (const leak of [SECRET_A, 'key-a', 'c2VjcmV0', 'arn:aws']) expect(text).not.toContain(leak);
    });

    it('stops refreshing after stop', async () => {
      await createStore({ refreshMs: 60_000 }).start();
      store.stop();
      await advance(600_000);
      expect(calls()).toBe(1);
    });

    it('leaves no timer behind after stop', async () => {
      await createStore().start();
      store.stop();
      expect(clock.pendingTimers).toBe(0);
    });
  });

  describe('AWSPREVIOUS grace period after a rotation', () => {
    const HOUR = 3_600_000;
    const rotate = (): void => {
      stages.previous = stages.current;
      stages.current = JSON.stringify({ 'key-new': SECRET_B });
    };

    it('accepts a rotated-out key only until the grace period after the rotation was seen', async () => {
      await createStore({ refreshMs: 60_000, previousVersionGraceMs: HOUR }).start();
      rotate();
      await advance(60_000); // the refresh sees the rotation
      await advance(HOUR - 1);
      await expect(store.lookup('key-a')).resolves.toMatchObject({ status: 'found' });
      await advance(1);
      await expect(store.lookup('key-a')).resolves.toEqual({ status: 'unknown' });
      await expect(store.lookup('key-new')).resolves.toMatchObject({ status: 'found' });
    });

    it('keeps the grace period running across refreshes that see the same version', async () => {
      currentMeta = { VersionId: 'v1' };
      await createStore({ refreshMs: 60_000, previousVersionGraceMs: 120_000 }).start();
      rotate();
      currentMeta = { VersionId: 'v2' };
      await advance(60_000);
      await advance(120_000); // two more refreshes of v2 do not restart the grace period
      await expect(store.lookup('key-a')).resolves.toEqual({ status: 'unknown' });
    });

    it('measures the grace period from the version creation date on a cold start', async () => {
      // GIVEN a secret rotated 50 minutes before this task started
      rotate();
      currentMeta = { VersionId: 'v2', CreatedDate: new Date(clock.epochMs() - 50 * 60_000) };
      await createStore({ previousVersionGraceMs: HOUR }).start();
      // THEN the old key works for the remaining 10 minutes only
      await advance(10 * 60_000 - 1);
      await expect(store.lookup('key-a')).resolves.toMatchObject({ status: 'found' });
      await advance(1);
      await expect(store.lookup('key-a')).resolves.toEqual({ status: 'unknown' });
    });

    it('never accepts AWSPREVIOUS with a grace period of 0', async () => {
      stages.previous = JSON.stringify({ 'key-old': SECRET_B });
      await createStore({ previousVersionGraceMs: 0 }).start();
      await expect(store.lookup('key-old')).resolves.toEqual({ status: 'unknown' });
    });

    it('refuses a negative grace period', () => {
      expect(() => createStore({ previousVersionGraceMs: -1 })).toThrow(TypeError);
      createStore();
    });
  });

  describe('placeholder entries', () => {
    it('never accepts the generated placeholder key, but stays ready for the real keys', async () => {
      stages.current = JSON.stringify({ 'replace-me': 'Z2VuZXJhdGVkcmFuZG9tdmFsdWVvZjQ0Y2hhcmFjdGVycw==', 'key-a': SECRET_A });
      await createStore().start();
      expect(store.readiness()).toEqual({ ready: true });
      await expect(store.lookup('replace-me')).resolves.toEqual({ status: 'unknown' });
      await expect(store.lookup('key-a')).resolves.toMatchObject({ status: 'found' });
    });

    it('says at error level that the secret still holds the placeholder', async () => {
      stages.current = JSON.stringify({ 'replace-me': 'cmFuZG9t' });
      await createStore().start();
      expect(logs).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringContaining('placeholder') }));
    });

    it('never accepts the public development key from a secret', async () => {
      stages.current = JSON.stringify({ 'dev-api-key': 'YXVkaW9ob29rLWxvY2FsLWRldmVsb3BtZW50LW9ubHk=' });
      await createStore().start();
      await expect(store.lookup('dev-api-key')).resolves.toEqual({ status: 'unknown' });
    });
  });

  describe('unknown keys', () => {
    it('refreshes once for an unknown key when the last fetch is older than the minimum interval', async () => {
      await createStore({ unknownKeyRefreshMinIntervalMs: 30_000 }).start();
      stages.current = JSON.stringify({ 'key-a': SECRET_A, 'key-b': SECRET_B });
      await advance(30_000);
      await expect(store.lookup('key-b')).resolves.toEqual({ status: 'found', clientSecret: bytes(SECRET_B) });
    });

    it('answers unknown without a fetch within the minimum interval of the last fetch', async () => {
      await createStore({ unknownKeyRefreshMinIntervalMs: 30_000 }).start();
      await advance(29_999);
      await expect(store.lookup('key-x')).resolves.toEqual({ status: 'unknown' });
      expect(calls()).toBe(1);
    });

    it('forces at most one refresh per interval however many unknown keys arrive', async () => {
      await createStore({ unknownKeyRefreshMinIntervalMs: 30_000 }).start();
      await advance(30_000);
      await store.lookup('key-x');
      await store.lookup('key-y');
      await store.lookup('key-z');
      expect(calls()).toBe(2);
    });

    it('shares one fetch among concurrent lookups', async () => {
      await createStore({ unknownKeyRefreshMinIntervalMs: 30_000 }).start();
      await advance(30_000);
      await Promise.all([store.lookup('key-x'), store.lookup('key-y'), store.lookup('key-z')]);
      expect(calls()).toBe(2);
    });

    it('answers found for a known key without fetching', async () => {
      await createStore().start();
      await advance(600_000 - 1);
      const before = calls();
      await store.lookup('key-a');
      expect(calls()).toBe(before);
    });
  });

  describe('options', () => {
    it.each(['refreshMs', 'unknownKeyRefreshMinIntervalMs', 'retryBaseMs', 'retryMaxMs', 'requestTimeoutMs'])(
      'refuses a %s that is not a positive number',
      (name) => {
        expect(() => createStore({ [name]: 0 })).toThrow(TypeError);
        createStore(); // leave a valid store for afterEach
      },
    );
  });
});
