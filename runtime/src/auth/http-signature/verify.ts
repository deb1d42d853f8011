import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Item } from 'structured-headers';
import type { Clock } from '../../shared/clock.js';
import { problem } from '../../shared/errors.js';
import type { Problem } from '../../shared/errors.js';
import type { ErrorCode } from '../../shared/error-codes.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import type { UpgradeRequest } from '../ports.js';
import {
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_MAX_SIGNATURE_AGE_MS,
  MIN_NONCE_CHARS,
  REQUIRED_COMPONENTS,
  SIGNATURE_ALGORITHM,
} from './constants.js';
import { readHeader } from './header-value.js';
import { parseSignatureHeaders } from './parse-signature.js';
import type { ParsedSignature } from './parse-signature.js';
import { buildSignatureBase, hmacSha256 } from './signature-base.js';
import type { CoveredComponent } from './signature-base.js';

/** Time limits of signature verification. */
export interface VerifySignatureOptions {
  /** Tolerated clock difference to the signer, ms. */
  readonly clockSkewMs: number;
  /** Maximum signature age from `created`, ms. */
  readonly maxSignatureAgeMs: number;
}

/** The reference server's limits: 3 s skew, 10 s maximum age. */
export const DEFAULT_VERIFY_SIGNATURE_OPTIONS: VerifySignatureOptions = Object.freeze({
  clockSkewMs: DEFAULT_CLOCK_SKEW_MS,
  maxSignatureAgeMs: DEFAULT_MAX_SIGNATURE_AGE_MS,
});

/** The key the request claims, as the key store resolved it. */
export interface VerificationKey {
  /** The X-API-KEY header value; `keyid` must equal it. */
  readonly apiKey: string;
  /**
   * The decoded client secret, or `undefined` for an unknown key: verification then still runs to
   * the HMAC with a random dummy key (so timing does not tell known keys from unknown ones) and fails
   * with ERR_AUTH_API_KEY_UNKNOWN.
   */
  readonly clientSecret: Uint8Array | undefined;
}

/** A successful verification: no signature at all, or a verified one. */
export type SignatureVerdict =
  | { readonly kind: 'unsigned' }
  | {
      readonly kind: 'verified';
      readonly nonce: string;
      /** Last epoch ms at which this signature still passes the time checks (replay-cache lifetime). */
      readonly validUntilEpochMs: number;
    };

const fail = (code: ErrorCode, detail: string, path = 'signature-input'): Result<never, Problem> =>
  err(problem(code, detail, path));

// draft-ietf-httpbis-message-signatures-11 §2.2: only the derived components Genesys covers.
function componentValue(name: string, request: UpgradeRequest): string | undefined {
  if (name === '@request-target') return request.url;
  if (name === '@authority') return readHeader(request.headers, 'host');
  if (name.startsWith('@') || name === 'signature' || name === 'signature-input') return undefined;
  return readHeader(request.headers, name);
}

/** Resolves every covered component (AudioHook §1.3 step 5); all six required ones must be there. */
function resolveComponents(components: readonly Item[], request: UpgradeRequest): Result<CoveredComponent[], Problem> {
  const covered: CoveredComponent[] = [];
  const seen = new Set<string>();
  for (const identifier of components) {
    // structured-headers' BareItem names the DOM-only BufferSource, so treat the value as unknown.
    const name: unknown = identifier[0];
    const params = identifier[1];
    // Component parameters (sf, bs, key, req) change the value's meaning; Genesys sends none.
    if (typeof name !== 'string' || params.size > 0 || seen.has(name)) {
      return fail('ERR_AUTH_SIGNATURE_COMPONENTS', 'component with parameters, duplicated or not a string');
    }
    const value = componentValue(name, request);
    if (value === undefined) return fail('ERR_AUTH_SIGNATURE_COMPONENTS', 'component not resolvable from the request');
    seen.add(name);
    covered.push({ identifier, value });
  }
  if (!REQUIRED_COMPONENTS.every((name) => seen.has(name))) {
    return fail('ERR_AUTH_SIGNATURE_COMPONENTS', 'a required component is not covered');
  }
  return ok(covered);
}

/**
 * Checks parameters and the time window (AudioHook §1.3 step 4, with the reference server's
 * arithmetic: `expires` must lie beyond now + skew, and `created + maxAge` too, so the usable age is
 * maxAge − skew). Returns the last epoch ms at which the signature passes these checks.
 */
function checkParams(
  signature: ParsedSignature,
  apiKey: string,
  nowMs: number,
  options: VerifySignatureOptions,
): Result<{ nonce: string; validUntilEpochMs: number }, Problem> {
  const { keyid, nonce, alg, created, expires } = signature.params;
  if (keyid === undefined || alg === undefined || created === undefined || expires === undefined) {
    return fail('ERR_AUTH_SIGNATURE_PARAMS', 'keyid, alg, created and expires are required');
  }
  if (alg !== SIGNATURE_ALGORITHM) return fail('ERR_AUTH_SIGNATURE_ALGORITHM', 'alg is not hmac-sha256');
  if (keyid !== apiKey) return fail('ERR_AUTH_KEYID_MISMATCH', 'keyid differs from X-API-KEY');
  if (nonce === undefined || nonce.length < MIN_NONCE_CHARS) {
    return fail('ERR_AUTH_NONCE_INVALID', `nonce missing or shorter than ${MIN_NONCE_CHARS} characters`);
  }
  const createdMs = created * 1000;
  const expiresMs = expires * 1000;
  const horizonMs = nowMs + options.clockSkewMs;
  if (createdMs > horizonMs) return fail('ERR_AUTH_SIGNATURE_FUTURE', 'created is in the future');
  // The details carry the numbers: a refusal in the log then tells clock skew from a slow path.
  if (expiresMs < horizonMs) {
    return fail('ERR_AUTH_SIGNATURE_EXPIRED', `expires has passed: ${horizonMs - expiresMs} ms before now plus the ${options.clockSkewMs} ms clock skew`);
  }
  if (createdMs + options.maxSignatureAgeMs < horizonMs) {
    const allowedMs = options.maxSignatureAgeMs - options.clockSkewMs;
    return fail(
      'ERR_AUTH_SIGNATURE_EXPIRED',
      `older than the maximum signature age: ${nowMs - createdMs} ms old, ${allowedMs} ms allowed (${options.maxSignatureAgeMs} ms maximum age less ${options.clockSkewMs} ms clock skew)`,
    );
  }
  const validUntilEpochMs = Math.min(expiresMs, createdMs + options.maxSignatureAgeMs) - options.clockSkewMs;
  return ok({ nonce, validUntilEpochMs });
}

/**
 * Verifies the HTTP message signature of an AudioHook upgrade request (AudioHook §1.3), in the order
 * of the reference server: parse both headers, parameters, algorithm, keyid, nonce, time window,
 * covered components, then HMAC-SHA256 over the signature base rebuilt from the parsed structures,
 * compared in constant time. Pure apart from the clock and a random dummy key for unknown keys; it
 * does not consult the replay cache.
 */
export function verifySignature(
  request: UpgradeRequest,
  key: VerificationKey,
  clock: Clock,
  options: VerifySignatureOptions = DEFAULT_VERIFY_SIGNATURE_OPTIONS,
): Result<SignatureVerdict, Problem> {
  const parsed = parseSignatureHeaders(request.headers);
  if (!parsed.ok) return parsed;
  if (parsed.value === undefined) return ok({ kind: 'unsigned' });
  const signature = parsed.value;

  const checked = checkParams(signature, key.apiKey, clock.epochMs(), options);
  if (!checked.ok) return checked;
  const components = resolveComponents(signature.components, request);
  if (!components.ok) return components;

  const base = buildSignatureBase(components.value, signature.signatureParams);
  const hmacKey = key.clientSecret ?? new Uint8Array(randomBytes(32));
  const expected = hmacSha256(hmacKey, base);
  // The length is the sender's choice and reveals nothing; timingSafeEqual needs equal lengths.
  const matches = signature.signature.length === expected.length && timingSafeEqual(signature.signature, expected);
  if (key.clientSecret === undefined) return fail('ERR_AUTH_API_KEY_UNKNOWN', 'API key not configured', 'x-api-key');
  if (!matches) return fail('ERR_AUTH_SIGNATURE_MISMATCH', 'HMAC does not match', 'signature');
  return ok({ kind: 'verified', ...checked.value });
}
