import { serializeDictionary } from 'structured-headers';
import type { Dictionary, InnerList, Item, Parameters } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { buildSignatureBase, hmacSha256 } from '../../../../runtime/src/auth/http-signature/signature-base.js';
import { verifySignature } from '../../../../runtime/src/auth/http-signature/verify.js';
import type { VerifySignatureOptions } from '../../../../runtime/src/auth/http-signature/verify.js';
import type { Problem } from '../../../../runtime/src/shared/errors.js';
import type { Result } from '../../../../runtime/src/shared/result.js';
import {
  GENESYS_DOC_EXAMPLE,
  GENESYS_DOC_EXAMPLE_KEY,
  genesysDocExampleRequest,
} from '../../../fixtures/http-signature/genesys-doc-example.js';
import { signedUpgradeRequest, TEST_API_KEY, TEST_CLIENT_SECRET } from '../../../fixtures/http-signature/signed-request.js';
import type { TestUpgradeRequest } from '../../../fixtures/http-signature/signed-request.js';
import { FakeClock } from '../../../support/fake-clock.js';

const EPOCH_MS = Date.UTC(2026, 10, 21, 12, 0, 0);
const NOW_SEC = EPOCH_MS / 1000;
const REQUIRED = [
  '@request-target',
  '@authority',
  'audiohook-organization-id',
  'audiohook-session-id',
  'audiohook-correlation-id',
  'x-api-key',
];

const newClock = (epochMs = EPOCH_MS): FakeClock => new FakeClock({ epochMs });

function verify(
  request: TestUpgradeRequest,
  clock: FakeClock,
  /** `null` = the key is unknown. */
  clientSecret: Uint8Array | null = TEST_CLIENT_SECRET,
  options?: VerifySignatureOptions,
): Result<unknown, Problem> {
  const apiKey = request.headers['x-api-key'] as string;
  return verifySignature(request, { apiKey, clientSecret: clientSecret ?? undefined }, clock, options);
}

const codeOf = (result: Result<unknown, Problem>): string => (result.ok ? 'ok' : result.error.code);

function editHeader(request: TestUpgradeRequest, name: string, edit: (value: string) => string): TestUpgradeRequest {
  return { ...request, headers: { ...request.headers, [name]: edit(request.headers[name] as string) } };
}

function componentValue(name: string, request: TestUpgradeRequest): string {
  if (name === '@request-target') return request.url;
  if (name === '@authority') return request.headers['host'] as string;
  return (request.headers[name] as string | undefined) ?? '';
}

/** Re-signs `request` with the real secret but a chosen component list and parameters. */
function resign(
  request: TestUpgradeRequest,
  components: readonly (string | Item)[],
  params: ReadonlyArray<readonly [string, string | number]>,
  secret: Uint8Array = TEST_CLIENT_SECRET,
): TestUpgradeRequest {
  const identifiers: Item[] = components.map((c) => (typeof c === 'string' ? [c, new Map()] : c));
  const signatureParams: InnerList = [identifiers, new Map(params) as Parameters];
  const covered = identifiers.map((identifier) => ({ identifier, value: componentValue(identifier[0] as string, request) }));
  const mac = hmacSha256(secret, buildSignatureBase(covered, signatureParams));
  const signature: Dictionary = new Map([['sig1', [mac, new Map()]]]);
  const input: Dictionary = new Map([['sig1', signatureParams]]);
  return {
    ...request,
    headers: { ...request.headers, signature: serializeDictionary(signature), 'signature-input': serializeDictionary(input) },
  };
}

const defaultParams = (overrides: Record<string, string | number | undefined> = {}): [string, string | number][] =>
  Object.entries({
    keyid: TEST_API_KEY,
    nonce: 'bm9uY2Utb2YtZWlnaHRlZW4tYnl0',
    alg: 'hmac-sha256',
    created: NOW_SEC,
    expires: NOW_SEC + 30,
    ...overrides,
  }).filter((entry): entry is [string, string | number] => entry[1] !== undefined);

describe('verifySignature: the Genesys documentation example', () => {
  it('verifies the documented request at its created time', () => {
    const clock = newClock(GENESYS_DOC_EXAMPLE.createdSec * 1000);
    const result = verify(genesysDocExampleRequest(), clock, GENESYS_DOC_EXAMPLE_KEY);
    expect(result).toEqual({
      ok: true,
      value: {
        kind: 'verified',
        nonce: GENESYS_DOC_EXAMPLE.nonce,
        validUntilEpochMs: GENESYS_DOC_EXAMPLE.createdSec * 1000 + 7_000,
      },
    });
  });

  it('rejects the documented request with the doc base swap (session and correlation ids exchanged)', () => {
    const clock = newClock(GENESYS_DOC_EXAMPLE.createdSec * 1000);
    const request = genesysDocExampleRequest();
    const swapped = {
      ...request,
      headers: {
        ...request.headers,
        'audiohook-session-id': GENESYS_DOC_EXAMPLE.correlationId,
        'audiohook-correlation-id': GENESYS_DOC_EXAMPLE.sessionId,
      },
    };
    expect(codeOf(verify(swapped, clock, GENESYS_DOC_EXAMPLE_KEY))).toBe('ERR_AUTH_SIGNATURE_MISMATCH');
  });
});

describe('verifySignature: headers present or not', () => {
  it('reports an unsigned request when both signature headers are absent', () => {
    const clock = newClock();
    const { signature: _s, 'signature-input': _i, ...headers } = signedUpgradeRequest(clock).headers;
    expect(verify({ url: '/audiohook/bot1', headers }, clock)).toEqual({ ok: true, value: { kind: 'unsigned' } });
  });

  it('reports an unsigned request when both signature headers are empty', () => {
    const clock = newClock();
    const request = signedUpgradeRequest(clock);
    const empty = { ...request, headers: { ...request.headers, signature: '', 'signature-input': ' ' } };
    expect(verify(empty, clock)).toEqual({ ok: true, value: { kind: 'unsigned' } });
  });

  it.each(['signature', 'signature-input'])('rejects a request without %s when the other header is present', (missing) => {
    const clock = newClock();
    const request = signedUpgradeRequest(clock);
    const oneHeader = { ...request, headers: { ...request.headers, [missing]: undefined } };
    expect(codeOf(verify(oneHeader, clock))).toBe('ERR_AUTH_SIGNATURE_MALFORMED');
  });

  it('rejects a Signature whose label differs from the Signature-Input label', () => {
    const clock = newClock();
    const request = editHeader(signedUpgradeRequest(clock), 'signature', (v) => v.replace('sig1=', 'sig2='));
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_MALFORMED');
  });

  it.each([
    ['signature-input', 'an unterminated inner list', (v: string) => v.replace(');keyid', ';keyid')],
    ['signature-input', 'a member that is not an inner list', () => 'sig1="x"'],
    ['signature-input', 'a component that is not a string', (v: string) => v.replace('"@authority"', 'authority')],
    ['signature', 'a value that is not a byte sequence', () => 'sig1="c2ln"'],
    ['signature', 'unbalanced colons', (v: string) => v.slice(0, -1)],
    ['signature', 'invalid base64 inside the byte sequence', () => 'sig1=:$$$:'],
  ])('rejects a %s header with %s', (header, _what, edit) => {
    const clock = newClock();
    const request = editHeader(signedUpgradeRequest(clock), header, edit);
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_MALFORMED');
  });

  it('accepts Signature and Signature-Input split over repeated header lines', () => {
    const clock = newClock();
    const request = signedUpgradeRequest(clock);
    const split = {
      ...request,
      headers: {
        ...request.headers,
        signature: ['other=:AAAA:', request.headers['signature'] as string],
        'signature-input': [request.headers['signature-input'] as string],
      },
    };
    expect(codeOf(verify(split, clock))).toBe('ok');
  });
});

describe('verifySignature: tampering', () => {
  it.each([
    ['@request-target', (r: TestUpgradeRequest) => ({ ...r, url: `${r.url}?bot=2` }), 'ERR_AUTH_SIGNATURE_MISMATCH'],
    ['@authority', (r: TestUpgradeRequest) => editHeader(r, 'host', () => 'evil.example.com'), 'ERR_AUTH_SIGNATURE_MISMATCH'],
    [
      'audiohook-organization-id',
      (r: TestUpgradeRequest) => editHeader(r, 'audiohook-organization-id', () => '00000000-0000-0000-0000-000000000001'),
      'ERR_AUTH_SIGNATURE_MISMATCH',
    ],
    [
      'audiohook-session-id',
      (r: TestUpgradeRequest) => editHeader(r, 'audiohook-session-id', () => '00000000-0000-0000-0000-000000000002'),
      'ERR_AUTH_SIGNATURE_MISMATCH',
    ],
    [
      'audiohook-correlation-id',
      (r: TestUpgradeRequest) => editHeader(r, 'audiohook-correlation-id', () => '00000000-0000-0000-0000-000000000003'),
      'ERR_AUTH_SIGNATURE_MISMATCH',
    ],
    // keyid must equal X-API-KEY, so a changed header is caught before the HMAC.
    ['x-api-key', (r: TestUpgradeRequest) => editHeader(r, 'x-api-key', () => 'another-api-key'), 'ERR_AUTH_KEYID_MISMATCH'],
  ])('rejects a request whose %s was changed after signing', (_component, tamper, code) => {
    const clock = newClock();
    expect(codeOf(verify(tamper(signedUpgradeRequest(clock)), clock))).toBe(code);
  });

  it.each([
    ['keyid', (v: string) => v.replace(`keyid="${TEST_API_KEY}"`, 'keyid="another-api-key"'), 'ERR_AUTH_KEYID_MISMATCH'],
    ['nonce', (v: string) => v.replace(/nonce="[^"]*"/, 'nonce="QW5vdGhlck5vbmNlT2ZFbm91Z2g="'), 'ERR_AUTH_SIGNATURE_MISMATCH'],
    ['alg', (v: string) => v.replace('alg="hmac-sha256"', 'alg="hmac-sha512"'), 'ERR_AUTH_SIGNATURE_ALGORITHM'],
    ['created', (v: string) => v.replace(`created=${NOW_SEC}`, `created=${NOW_SEC - 1}`), 'ERR_AUTH_SIGNATURE_MISMATCH'],
    ['expires', (v: string) => v.replace(`expires=${NOW_SEC + 30}`, `expires=${NOW_SEC + 60}`), 'ERR_AUTH_SIGNATURE_MISMATCH'],
  ])('rejects a request whose %s parameter was changed after signing', (_param, edit, code) => {
    const clock = newClock();
    const request = editHeader(signedUpgradeRequest(clock), 'signature-input', edit);
    expect(codeOf(verify(request, clock))).toBe(code);
  });

  it('rejects a request whose component order was changed after signing', () => {
    const clock = newClock();
    const request = editHeader(signedUpgradeRequest(clock), 'signature-input', (v) =>
      v.replace('"@request-target" "@authority"', '"@authority" "@request-target"'),
    );
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_MISMATCH');
  });

  it('rejects a signature made with another secret', () => {
    const clock = newClock();
    const request = signedUpgradeRequest(clock, { clientSecret: new Uint8Array(32).fill(7) });
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_MISMATCH');
  });

  it('rejects a signature of the wrong length', () => {
    const clock = newClock();
    const request = editHeader(signedUpgradeRequest(clock), 'signature', () => 'sig1=:AAAA:');
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_MISMATCH');
  });

  it('verifies header values with surrounding whitespace against their trimmed form', () => {
    const clock = newClock();
    const request = editHeader(signedUpgradeRequest(clock), 'audiohook-session-id', (v) => ` ${v}  `);
    expect(codeOf(verify(request, clock))).toBe('ok');
  });
});

describe('verifySignature: parameters', () => {
  it.each(['keyid', 'alg', 'created', 'expires'])('rejects a validly signed request without %s', (param) => {
    const clock = newClock();
    const request = resign(signedUpgradeRequest(clock), REQUIRED, defaultParams({ [param]: undefined }));
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_PARAMS');
  });

  it('rejects a validly signed request with an unknown parameter', () => {
    const clock = newClock();
    const request = resign(signedUpgradeRequest(clock), REQUIRED, [...defaultParams(), ['tag', 'audiohook']]);
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_PARAMS');
  });

  it.each([
    ['created', 'a string', { created: 'yesterday' }],
    ['created', 'a decimal', { created: NOW_SEC + 0.5 }],
    ['expires', 'negative', { expires: -1 }],
    ['nonce', 'a number', { nonce: 12345 }],
    ['keyid', 'a number', { keyid: 42 }],
  ])('rejects a validly signed request whose %s is %s', (_param, _what, override) => {
    const clock = newClock();
    const request = resign(signedUpgradeRequest(clock), REQUIRED, defaultParams(override));
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_PARAMS');
  });

  it('rejects a validly signed request whose alg is not hmac-sha256', () => {
    const clock = newClock();
    const request = resign(signedUpgradeRequest(clock), REQUIRED, defaultParams({ alg: 'rsa-pss-sha512' }));
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_ALGORITHM');
  });

  it('rejects a validly signed request whose keyid differs from X-API-KEY', () => {
    const clock = newClock();
    const request = resign(signedUpgradeRequest(clock), REQUIRED, defaultParams({ keyid: 'someone-else' }));
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_KEYID_MISMATCH');
  });

  it('rejects a validly signed request without a nonce', () => {
    const clock = newClock();
    const request = resign(signedUpgradeRequest(clock), REQUIRED, defaultParams({ nonce: undefined }));
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_NONCE_INVALID');
  });

  it('rejects a nonce of 21 characters', () => {
    const clock = newClock();
    expect(codeOf(verify(signedUpgradeRequest(clock, { nonce: 'a'.repeat(21) }), clock))).toBe('ERR_AUTH_NONCE_INVALID');
  });

  it('accepts a nonce of 22 characters', () => {
    const clock = newClock();
    expect(codeOf(verify(signedUpgradeRequest(clock, { nonce: 'a'.repeat(22) }), clock))).toBe('ok');
  });
});

describe('verifySignature: time window (reference arithmetic, 3 s skew, 10 s maximum age)', () => {
  const at = (offsetMs: number): FakeClock => newClock(EPOCH_MS + offsetMs);
  const signedAtEpoch = (clock: FakeClock, lifetimeSec = 30): TestUpgradeRequest =>
    signedUpgradeRequest(clock, { createdSec: NOW_SEC, expiresSec: NOW_SEC + lifetimeSec });

  it('accepts a signature created exactly the clock skew ahead of now', () => {
    const clock = at(-3_000);
    expect(codeOf(verify(signedAtEpoch(clock), clock))).toBe('ok');
  });

  it('rejects a signature created more than the clock skew ahead of now', () => {
    const clock = at(-3_001);
    expect(codeOf(verify(signedAtEpoch(clock), clock))).toBe('ERR_AUTH_SIGNATURE_FUTURE');
  });

  it('accepts a signature whose age is the maximum age minus the skew', () => {
    const clock = at(7_000);
    expect(codeOf(verify(signedAtEpoch(clock), clock))).toBe('ok');
  });

  it('rejects a stale signature older than the maximum age minus the skew', () => {
    const clock = at(7_001);
    expect(codeOf(verify(signedAtEpoch(clock), clock))).toBe('ERR_AUTH_SIGNATURE_EXPIRED');
  });

  it('says how old a stale signature was and what it allows, so a refusal in the log explains itself', () => {
    const clock = at(7_001);
    expect(verify(signedAtEpoch(clock), clock)).toMatchObject({
      ok: false,
      error: { detail: 'older than the maximum signature age: 7001 ms old, 7000 ms allowed (10000 ms maximum age less 3000 ms clock skew)' },
    });
  });

  it('says by how much an expired signature missed its expires', () => {
    const clock = at(0);
    expect(verify(signedAtEpoch(clock, 2), clock)).toMatchObject({
      ok: false,
      error: { detail: 'expires has passed: 1000 ms before now plus the 3000 ms clock skew' },
    });
  });

  it('rejects a signature that expires within the clock skew', () => {
    const clock = at(0);
    expect(codeOf(verify(signedAtEpoch(clock, 2), clock))).toBe('ERR_AUTH_SIGNATURE_EXPIRED');
  });

  it('rejects a signature whose expires is before created', () => {
    const clock = at(0);
    expect(codeOf(verify(signedAtEpoch(clock, -5), clock))).toBe('ERR_AUTH_SIGNATURE_EXPIRED');
  });

  it('honours a wider configured skew and maximum age', () => {
    const clock = at(25_000);
    const options = { clockSkewMs: 5_000, maxSignatureAgeMs: 60_000 };
    expect(codeOf(verify(signedAtEpoch(clock, 60), clock, TEST_CLIENT_SECRET, options))).toBe('ok');
  });

  it('reports how long the signature stays acceptable: min(expires, created + max age) minus skew', () => {
    const clock = at(0);
    const result = verify(signedAtEpoch(clock, 5), clock);
    expect(result).toMatchObject({ ok: true, value: { validUntilEpochMs: EPOCH_MS + 5_000 - 3_000 } });
  });
});

describe('verifySignature: covered components', () => {
  it.each(REQUIRED)('rejects a validly signed request that does not cover %s', (left) => {
    const clock = newClock();
    const components = REQUIRED.filter((c) => c !== left);
    const request = resign(signedUpgradeRequest(clock), components, defaultParams());
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_COMPONENTS');
  });

  it('accepts a validly signed request covering one more header field', () => {
    const clock = newClock();
    const request = resign(signedUpgradeRequest(clock), [...REQUIRED, 'upgrade'], defaultParams());
    expect(codeOf(verify(request, clock))).toBe('ok');
  });

  it('rejects a covered header field the request does not carry', () => {
    const clock = newClock();
    const request = resign(signedUpgradeRequest(clock), [...REQUIRED, 'user-agent'], defaultParams());
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_COMPONENTS');
  });

  it.each([
    ['a duplicated component', [...REQUIRED, 'x-api-key']],
    ['an unsupported derived component', [...REQUIRED, '@method']],
    ['@signature-params as a component', [...REQUIRED, '@signature-params']],
    ['a component with parameters', [...REQUIRED.slice(0, 5), ['x-api-key', new Map([['sf', true]])] as Item]],
  ])('rejects a validly signed request with %s', (_what, components) => {
    const clock = newClock();
    const request = resign(signedUpgradeRequest(clock), components, defaultParams());
    expect(codeOf(verify(request, clock))).toBe('ERR_AUTH_SIGNATURE_COMPONENTS');
  });

  it('rejects a signature covering @authority when the request has no Host header', () => {
    const clock = newClock();
    const request = signedUpgradeRequest(clock);
    const hostless = { ...request, headers: { ...request.headers, host: undefined } };
    expect(codeOf(verify(hostless, clock))).toBe('ERR_AUTH_SIGNATURE_COMPONENTS');
  });
});

describe('verifySignature: keys', () => {
  it('rejects a correctly formed signature for an unknown key as unknown', () => {
    const clock = newClock();
    expect(codeOf(verify(signedUpgradeRequest(clock), clock, null))).toBe('ERR_AUTH_API_KEY_UNKNOWN');
  });

  it('verifies a signature made with an empty secret against an empty secret', () => {
    const clock = newClock();
    const empty = new Uint8Array(0);
    expect(codeOf(verify(signedUpgradeRequest(clock, { clientSecret: empty }), clock, empty))).toBe('ok');
  });

  it('never puts the API key, the nonce or the secret into a problem', () => {
    const clock = newClock();
    const nonce = 'U2VjcmV0LWxvb2tpbmctbm9uY2UtdmFsdWU=';
    const base = signedUpgradeRequest(clock, { nonce });
    const failures = [
      verify(editHeader(base, 'host', () => 'x'), clock),
      verify(editHeader(base, 'x-api-key', () => 'other'), clock),
      verify(base, clock, null),
      verify(editHeader(base, 'signature-input', (v) => `${v};extra=1`), clock),
    ];
    for (const failure of failures) {
      expect(failure.ok).toBe(false);
      const text = JSON.stringify(failure);
      for (const secret of [TEST_API_KEY, nonce, Buffer.from(TEST_CLIENT_SECRET).toString('base64')]) {
        expect(text).not.toContain(secret);
      }
    }
  });
});
