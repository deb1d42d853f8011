import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { verifySignature } from '../../../../runtime/src/auth/http-signature/verify.js';
import { signedUpgradeRequest, TEST_API_KEY, TEST_CLIENT_SECRET } from '../../../fixtures/http-signature/signed-request.js';
import { FakeClock } from '../../../support/fake-clock.js';

// Spy on the real primitives (they keep working) to observe that the dummy-key path does the same work.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return {
    ...actual,
    createHmac: vi.fn(actual.createHmac),
    randomBytes: vi.fn(actual.randomBytes),
    timingSafeEqual: vi.fn(actual.timingSafeEqual),
  };
});

describe('verifySignature with an unknown API key', () => {
  beforeEach(() => {
    vi.mocked(crypto.createHmac).mockClear();
    vi.mocked(crypto.randomBytes).mockClear();
    vi.mocked(crypto.timingSafeEqual).mockClear();
  });

  /** Builds a signed request (which itself uses crypto), then verifies it as from an unknown key. */
  const verifyUnknown = (clock: FakeClock, dummyKey?: Uint8Array): string => {
    const request = signedUpgradeRequest(clock);
    vi.mocked(crypto.createHmac).mockClear();
    vi.mocked(crypto.randomBytes).mockClear();
    if (dummyKey !== undefined) vi.mocked(crypto.randomBytes).mockImplementationOnce(() => Buffer.from(dummyKey));
    const result = verifySignature(request, { apiKey: TEST_API_KEY, clientSecret: undefined }, clock);
    return result.ok ? 'ok' : result.error.code;
  };

  it('still computes an HMAC, keyed with 32 random bytes', () => {
    verifyUnknown(new FakeClock());
    expect(crypto.randomBytes).toHaveBeenCalledWith(32);
    expect(crypto.createHmac).toHaveBeenCalledTimes(1);
    const dummy = vi.mocked(crypto.randomBytes).mock.results[0]?.value as Buffer;
    expect(vi.mocked(crypto.createHmac).mock.calls[0]?.[1]).toEqual(new Uint8Array(dummy));
  });

  it('still compares the signature in constant time', () => {
    verifyUnknown(new FakeClock());
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(1);
  });

  it('fails as unknown even when the dummy key happens to produce a matching HMAC', () => {
    expect(verifyUnknown(new FakeClock(), TEST_CLIENT_SECRET)).toBe('ERR_AUTH_API_KEY_UNKNOWN');
    expect(vi.mocked(crypto.timingSafeEqual).mock.results[0]?.value).toBe(true);
  });

  it('draws no dummy key for a known API key', () => {
    const clock = new FakeClock();
    const request = signedUpgradeRequest(clock);
    vi.mocked(crypto.randomBytes).mockClear();
    verifySignature(request, { apiKey: TEST_API_KEY, clientSecret: TEST_CLIENT_SECRET }, clock);
    expect(crypto.randomBytes).not.toHaveBeenCalled();
  });
});
