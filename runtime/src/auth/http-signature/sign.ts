import { serializeDictionary } from 'structured-headers';
import type { Dictionary, InnerList, Item, Parameters } from 'structured-headers';
import { REQUIRED_COMPONENTS, SIGNATURE_ALGORITHM, SIGNATURE_LABEL } from './constants.js';
import { canonicalizeFieldValue } from './header-value.js';
import { buildSignatureBase, hmacSha256 } from './signature-base.js';
import type { CoveredComponent } from './signature-base.js';

/** What Genesys signs when it opens an AudioHook connection. */
export interface SignRequestInput {
  /** Path plus query, e.g. `/audiohook/bot1`. */
  readonly requestTarget: string;
  /** Host, with the port only if it is not the default, as in the `Host` header. */
  readonly authority: string;
  readonly organizationId: string;
  readonly sessionId: string;
  readonly correlationId: string;
  /** The X-API-KEY header value; also the `keyid`. */
  readonly apiKey: string;
  /** The base64-decoded client secret (the HMAC key). */
  readonly clientSecret: Uint8Array;
  /** Unique per request; Genesys sends base64 of 18 random bytes. */
  readonly nonce: string;
  /** Unix seconds. */
  readonly createdSec: number;
  /** Unix seconds (an absolute time, not a lifetime). */
  readonly expiresSec: number;
}

/** The two header values to send, without the header names. */
export interface SignatureHeaders {
  /** Value of the `Signature` header, e.g. `sig1=:…:`. */
  readonly signature: string;
  /** Value of the `Signature-Input` header. */
  readonly signatureInput: string;
}

const bareItem = (value: string): Item => [value, new Map<string, never>()];

/**
 * Signs an upgrade request exactly as Genesys does (AudioHook §1.3): label `sig1`, the six components
 * in order, parameters keyid, nonce, alg, created, expires. For the simulator and tests.
 * Throws a RangeError for non-integer times; string inputs must be printable ASCII (header values).
 */
export function signRequest(input: SignRequestInput): SignatureHeaders {
  if (!Number.isSafeInteger(input.createdSec) || !Number.isSafeInteger(input.expiresSec)) {
    throw new RangeError('createdSec and expiresSec must be integers (Unix seconds)');
  }
  const values: Record<(typeof REQUIRED_COMPONENTS)[number], string> = {
    '@request-target': input.requestTarget,
    '@authority': input.authority,
    'audiohook-organization-id': input.organizationId,
    'audiohook-session-id': input.sessionId,
    'audiohook-correlation-id': input.correlationId,
    'x-api-key': input.apiKey,
  };
  const components: CoveredComponent[] = REQUIRED_COMPONENTS.map((name) => ({
    identifier: bareItem(name),
    value: canonicalizeFieldValue(values[name]),
  }));

  const params: Parameters = new Map<string, string | number>([
    ['keyid', input.apiKey],
    ['nonce', input.nonce],
    ['alg', SIGNATURE_ALGORITHM],
    ['created', input.createdSec],
    ['expires', input.expiresSec],
  ]);
  const signatureParams: InnerList = [components.map((c) => c.identifier), params];
  const mac = hmacSha256(input.clientSecret, buildSignatureBase(components, signatureParams));
  const signature: Dictionary = new Map([[SIGNATURE_LABEL, [mac, new Map()]]]);
  const signatureInput: Dictionary = new Map([[SIGNATURE_LABEL, signatureParams]]);
  return { signature: serializeDictionary(signature), signatureInput: serializeDictionary(signatureInput) };
}
