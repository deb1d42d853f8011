import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { authenticateUpgrade } from '../../../runtime/src/auth/authenticate-upgrade.js';
import type { AuthenticateUpgradeDeps } from '../../../runtime/src/auth/authenticate-upgrade.js';
import { fingerprintApiKey } from '../../../runtime/src/auth/key-fingerprint.js';
import { createNonceReplayCache } from '../../../runtime/src/auth/nonce-replay-cache.js';
import type { KeyStore } from '../../../runtime/src/auth/ports.js';
import { createSecretsManagerKeyStore } from '../../../runtime/src/auth/secrets-manager-key-store.js';
import { createStaticKeyStore } from '../../../runtime/src/auth/static-key-store.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import type { Problem } from '../../../runtime/src/shared/errors.js';
import type { Result } from '../../../runtime/src/shared/result.js';
import {
  signedUpgradeRequest,
  TEST_API_KEY,
  TEST_CLIENT_SECRET,
  unsignedUpgradeRequest,
} from '../../fixtures/http-signature/signed-request.js';
import type { TestUpgradeRequest } from '../../fixtures/http-signature/signed-request.js';
import { FakeClock } from '../../support/fake-clock.js';

const OPEN_KEY = 'open-api-key-without-secret';

function setup(options?: AuthenticateUpgradeDeps['options']) {
  const clock = new FakeClock();
  const keys = createStaticKeyStore(
    new Map([
      [TEST_API_KEY, TEST_CLIENT_SECRET],
      [OPEN_KEY, new Uint8Array(0)],
    ]),
  );
  const deps: AuthenticateUpgradeDeps = { keys, replayCache: createNonceReplayCache({ clock }), clock, options };
  return { clock, deps };
}

const codeOf = (result: Result<unknown, Problem>): string => (result.ok ? 'ok' : result.error.code);

function withHeader(request: TestUpgradeRequest, name: string, value: string | string[] | undefined): TestUpgradeRequest {
  return { ...request, headers: { ...request.headers, [name]: value } };
}

describe('authenticateUpgrade: accepted requests', () => {
  it('accepts a request signed as Genesys signs it and describes the peer', async () => {
    const { clock, deps } = setup();
    const request = signedUpgradeRequest(clock);
    const result = await authenticateUpgrade(request, deps);
    expect(result).toEqual({
      ok: true,
      value: {
        keyFingerprint: fingerprintApiKey(TEST_API_KEY),
        organizationId: request.headers['audiohook-organization-id'],
        sessionId: request.headers['audiohook-session-id'],
        correlationId: request.headers['audiohook-correlation-id'],
        signed: true,
      },
    });
  });

  it('accepts an unsigned request for a key configured with an empty secret', async () => {
    const { clock, deps } = setup();
    const result = await authenticateUpgrade(unsignedUpgradeRequest(clock, { apiKey: OPEN_KEY }), deps);
    expect(result).toMatchObject({ ok: true, value: { signed: false } });
  });

  it('accepts a request signed with the empty secret of a key configured without one', async () => {
    const { clock, deps } = setup();
    const request = signedUpgradeRequest(clock, { apiKey: OPEN_KEY, clientSecret: new Uint8Array(0) });
    expect(await authenticateUpgrade(request, deps)).toMatchObject({ ok: true, value: { signed: true } });
  });

  it('accepts upper-case UUIDs in the Audiohook headers', async () => {
    const { clock, deps } = setup();
    const request = unsignedUpgradeRequest(clock, { apiKey: OPEN_KEY, sessionId: 'A1B2C3D4-0972-4844-938E-9060EEF73D05' });
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ok');
  });

  it('honours a configured maximum signature age', async () => {
    const { clock, deps } = setup({ maxSignatureAgeMs: 60_000 });
    const request = signedUpgradeRequest(clock);
    clock.advance(20_000);
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ok');
  });
});

describe('authenticateUpgrade: headers', () => {
  it.each([undefined, ''])('rejects a request whose X-API-KEY is %j', async (value) => {
    const { clock, deps } = setup();
    const request = withHeader(signedUpgradeRequest(clock), 'x-api-key', value);
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ERR_AUTH_API_KEY_MISSING');
  });

  it.each(['audiohook-organization-id', 'audiohook-session-id', 'audiohook-correlation-id'])(
    'rejects a request without %s',
    async (header) => {
      const { clock, deps } = setup();
      const result = await authenticateUpgrade(withHeader(signedUpgradeRequest(clock), header, undefined), deps);
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'ERR_AUTH_HEADERS_INVALID', path: header }) });
    },
  );

  it.each([
    ['not a UUID', 'session-1'],
    ['a UUID with extra text', '30b0e395-84d3-4570-ac13-9a62d8f514c0x'],
    ['a repeated header', ['30b0e395-84d3-4570-ac13-9a62d8f514c0', '30b0e395-84d3-4570-ac13-9a62d8f514c0']],
  ])('rejects an Audiohook-Session-Id that is %s', async (_what, value) => {
    const { clock, deps } = setup();
    const request = withHeader(signedUpgradeRequest(clock), 'audiohook-session-id', value);
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ERR_AUTH_HEADERS_INVALID');
  });
});

describe('authenticateUpgrade: keys', () => {
  it('rejects a signed request for an unknown key', async () => {
    const { clock, deps } = setup();
    const request = signedUpgradeRequest(clock, { apiKey: 'stranger-key' });
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ERR_AUTH_API_KEY_UNKNOWN');
  });

  it('rejects an unsigned request for an unknown key', async () => {
    const { clock, deps } = setup();
    const request = unsignedUpgradeRequest(clock, { apiKey: 'stranger-key' });
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ERR_AUTH_API_KEY_UNKNOWN');
  });

  it('rejects an unsigned request for a key configured with a secret', async () => {
    const { clock, deps } = setup();
    expect(codeOf(await authenticateUpgrade(unsignedUpgradeRequest(clock), deps))).toBe('ERR_AUTH_SIGNATURE_REQUIRED');
  });

  it('answers keys-unavailable while the key store has never loaded', async () => {
    const { clock, deps } = setup();
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('down'), { name: 'InternalServiceError' }));
    const keys = createSecretsManagerKeyStore({ client: new SecretsManagerClient({}), secretId: 's', clock, logger: silentLogger });
    await keys.start();
    const result = await authenticateUpgrade(signedUpgradeRequest(clock), { ...deps, keys });
    keys.stop();
    sm.restore();
    expect(codeOf(result)).toBe('ERR_AUTH_KEYS_UNAVAILABLE');
  });

  it('fails closed as keys-unavailable when a key store rejects despite its contract', async () => {
    const { clock, deps } = setup();
    const broken: KeyStore = { ...deps.keys, lookup: () => Promise.reject(new Error('bug')) };
    const result = await authenticateUpgrade(signedUpgradeRequest(clock), { ...deps, keys: broken });
    expect(codeOf(result)).toBe('ERR_AUTH_KEYS_UNAVAILABLE');
  });
});

describe('authenticateUpgrade: signatures and replay', () => {
  it('passes a signature failure through with its code', async () => {
    const { clock, deps } = setup();
    const request = withHeader(signedUpgradeRequest(clock), 'host', 'evil.example.com');
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ERR_AUTH_SIGNATURE_MISMATCH');
  });

  it('rejects the same signed request a second time as a replay', async () => {
    const { clock, deps } = setup();
    const request = signedUpgradeRequest(clock);
    await authenticateUpgrade(request, deps);
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ERR_AUTH_NONCE_REPLAYED');
  });

  it('does not record the nonce of a request whose signature failed', async () => {
    const { clock, deps } = setup();
    const request = signedUpgradeRequest(clock);
    await authenticateUpgrade(withHeader(request, 'host', 'evil.example.com'), deps);
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ok');
  });

  it('does not record the nonce of a request for an unknown key', async () => {
    const { clock, deps } = setup();
    const nonce = 'c2hhcmVkLW5vbmNlLXZhbHVlLTEy';
    await authenticateUpgrade(signedUpgradeRequest(clock, { apiKey: 'stranger-key', nonce }), deps);
    expect(codeOf(await authenticateUpgrade(signedUpgradeRequest(clock, { nonce }), deps))).toBe('ok');
  });

  it('refuses a replay until the signature itself has expired', async () => {
    const { clock, deps } = setup();
    const request = signedUpgradeRequest(clock);
    await authenticateUpgrade(request, deps);
    clock.advance(7_000);
    expect(codeOf(await authenticateUpgrade(request, deps))).toBe('ERR_AUTH_NONCE_REPLAYED');
  });

  it('keeps the API key, the secret and the nonce out of every problem', async () => {
    const { clock, deps } = setup();
    const nonce = 'bGVhay1jaGVjay1ub25jZS12YWx1ZQ==';
    const signed = signedUpgradeRequest(clock, { nonce });
    const failures = [
      await authenticateUpgrade(unsignedUpgradeRequest(clock), deps),
      await authenticateUpgrade(withHeader(signed, 'audiohook-session-id', 'x'), deps),
      await authenticateUpgrade(withHeader(signed, 'host', 'x'), deps),
      await authenticateUpgrade(signedUpgradeRequest(clock, { apiKey: 'stranger-key', nonce }), deps),
      await authenticateUpgrade(signed, deps).then(() => authenticateUpgrade(signed, deps)),
    ];
    const text = JSON.stringify(failures);
    expect(failures.every((f) => !f.ok)).toBe(true);
    for (const leak of [TEST_API_KEY, 'stranger-key', nonce, Buffer.from(TEST_CLIENT_SECRET).toString('base64')]) {
      expect(text).not.toContain(leak);
    }
  });
});

describe('authenticateUpgrade: options', () => {
  it.each([{ clockSkewMs: -1 }, { maxSignatureAgeMs: Number.NaN }])('refuses invalid options %j', async (options) => {
    const { clock, deps } = setup(options);
    await expect(authenticateUpgrade(signedUpgradeRequest(clock), deps)).rejects.toThrow(TypeError);
  });
});
