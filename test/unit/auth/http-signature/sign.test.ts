import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../../../runtime/src/auth/http-signature/sign.js';
import { verifySignature } from '../../../../runtime/src/auth/http-signature/verify.js';
import { GENESYS_DOC_EXAMPLE, GENESYS_DOC_EXAMPLE_KEY } from '../../../fixtures/http-signature/genesys-doc-example.js';
import { signedUpgradeRequest, TEST_API_KEY, TEST_CLIENT_SECRET } from '../../../fixtures/http-signature/signed-request.js';
import { FakeClock } from '../../../support/fake-clock.js';

const docInput = { ...GENESYS_DOC_EXAMPLE, clientSecret: GENESYS_DOC_EXAMPLE_KEY };

describe('signRequest', () => {
  it('reproduces the Signature header of the Genesys documentation example', () => {
    expect(signRequest(docInput).signature).toBe(GENESYS_DOC_EXAMPLE.signature);
  });

  it('reproduces the Signature-Input header of the Genesys documentation example', () => {
    expect(signRequest(docInput).signatureInput).toBe(GENESYS_DOC_EXAMPLE.signatureInput);
  });

  it('trims component values as the signature base requires', () => {
    const padded = { ...docInput, authority: `  ${docInput.authority} `, sessionId: `${docInput.sessionId}\t` };
    expect(signRequest(padded).signature).toBe(GENESYS_DOC_EXAMPLE.signature);
  });

  it('refuses a created time that is not whole seconds', () => {
    expect(() => signRequest({ ...docInput, createdSec: 1641013200.5 })).toThrow(RangeError);
  });

  it('refuses an expires time that is not whole seconds', () => {
    expect(() => signRequest({ ...docInput, expiresSec: Number.NaN })).toThrow(RangeError);
  });

  it('produces signatures that the verifier accepts for any ids, nonce, target and secret', () => {
    const printable = fc.stringMatching(/^[!-~]{1,40}$/);
    fc.assert(
      fc.property(
        fc.record({
          requestTarget: printable.map((s) => `/${s}`),
          nonce: fc.stringMatching(/^[A-Za-z0-9+/]{22,44}$/),
          secret: fc.uint8Array({ minLength: 0, maxLength: 64 }),
          organizationId: fc.uuid(),
          sessionId: fc.uuid(),
          correlationId: fc.uuid(),
        }),
        ({ secret, ...overrides }) => {
          const clock = new FakeClock();
          const request = signedUpgradeRequest(clock, { ...overrides, clientSecret: secret });
          const result = verifySignature(request, { apiKey: TEST_API_KEY, clientSecret: secret }, clock);
          expect(result).toEqual({
            ok: true,
            value: { kind: 'verified', nonce: overrides.nonce, validUntilEpochMs: expect.any(Number) },
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('produces a different signature for a different secret', () => {
    const clock = new FakeClock();
    const a = signedUpgradeRequest(clock, { nonce: 'n'.repeat(24), sessionId: GENESYS_DOC_EXAMPLE.sessionId });
    const b = signedUpgradeRequest(clock, {
      nonce: 'n'.repeat(24),
      sessionId: GENESYS_DOC_EXAMPLE.sessionId,
      clientSecret: TEST_CLIENT_SECRET.map((byte) => byte ^ 1),
    });
    expect(a.headers['signature']).not.toBe(b.headers['signature']);
  });
});
