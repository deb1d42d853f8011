import type { Clock } from '../shared/clock.js';
import { problem } from '../shared/errors.js';
import type { Problem } from '../shared/errors.js';
import { err, ok } from '../shared/result.js';
import type { Result } from '../shared/result.js';
import { readHeader } from './http-signature/header-value.js';
import { DEFAULT_VERIFY_SIGNATURE_OPTIONS, verifySignature } from './http-signature/verify.js';
import type { VerifySignatureOptions } from './http-signature/verify.js';
import { fingerprintApiKey } from './key-fingerprint.js';
import type { NonceReplayCache } from './nonce-replay-cache.js';
import type { AuthenticatedPeer, KeyLookup, KeyStore, UpgradeRequest } from './ports.js';

/** What {@link authenticateUpgrade} needs; built once by the composition root. */
export interface AuthenticateUpgradeDeps {
  readonly keys: KeyStore;
  readonly replayCache: NonceReplayCache;
  /**
   * Nonces shared by every task (the session table), so a replay to another task is refused too.
   * `unavailable` (DynamoDB down or slower than its budget) is accepted on the local cache alone:
   * see the README ("Authentication at upgrade") for why.
   */
  readonly sharedNonces?: {
    recordOnce(nonce: string, expiresAtEpochMs: number): Promise<'recorded' | 'replayed' | 'unavailable'>;
  };
  /** Told when the shared nonce store could not answer (logged and counted by the caller). */
  readonly onSharedNoncesUnavailable?: () => void;
  readonly clock: Clock;
  /** Signature time limits; defaults to the reference server's 3 s skew and 10 s maximum age. */
  readonly options?: Partial<VerifySignatureOptions>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const AUDIOHOOK_ID_HEADERS = {
  organizationId: 'audiohook-organization-id',
  sessionId: 'audiohook-session-id',
  correlationId: 'audiohook-correlation-id',
} as const;

function resolveOptions(partial: Partial<VerifySignatureOptions> | undefined): VerifySignatureOptions {
  const merged = { ...DEFAULT_VERIFY_SIGNATURE_OPTIONS, ...partial };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number of ms`);
  }
  return merged;
}

function readAudiohookIds(request: UpgradeRequest): Result<Record<keyof typeof AUDIOHOOK_ID_HEADERS, string>, Problem> {
  const ids = { organizationId: '', sessionId: '', correlationId: '' };
  for (const field of Object.keys(AUDIOHOOK_ID_HEADERS) as (keyof typeof AUDIOHOOK_ID_HEADERS)[]) {
    const header = AUDIOHOOK_ID_HEADERS[field];
    const value = readHeader(request.headers, header);
    // A repeated header joins to "a, b" and fails here, which is what we want.
    if (value === undefined || !UUID.test(value)) {
      return err(problem('ERR_AUTH_HEADERS_INVALID', 'missing or not a UUID', header));
    }
    ids[field] = value;
  }
  return ok(ids);
}

/**
 * Authenticates an AudioHook WebSocket upgrade request (AudioHook §1.2–§1.3): X-API-KEY and the three
 * Audiohook-* UUID headers, the key store, then either an unsigned request (only for a key configured
 * with an empty secret) or a verified HTTP message signature whose nonce has not been seen.
 *
 * Every failure is a Problem with an ERR_AUTH_* code and a constant detail (never a secret or request
 * data). The caller answers all of them alike (401, or 503 for ERR_AUTH_KEYS_UNAVAILABLE) after its
 * minimum failure delay; this function never waits on the clock.
 */
export async function authenticateUpgrade(
  request: UpgradeRequest,
  deps: AuthenticateUpgradeDeps,
): Promise<Result<AuthenticatedPeer, Problem>> {
  const options = resolveOptions(deps.options);
  const apiKey = readHeader(request.headers, 'x-api-key');
  if (apiKey === undefined || apiKey === '') {
    return err(problem('ERR_AUTH_API_KEY_MISSING', 'no X-API-KEY header', 'x-api-key'));
  }
  const ids = readAudiohookIds(request);
  if (!ids.ok) return ids;

  // The port promises never to reject; if an implementation does, fail closed as "unavailable".
  const lookup = await deps.keys
    .lookup(apiKey)
    .catch((): KeyLookup => ({ status: 'unavailable', reason: 'key store failed' }));
  if (lookup.status === 'unavailable') return err(problem('ERR_AUTH_KEYS_UNAVAILABLE', lookup.reason));
  const clientSecret = lookup.status === 'found' ? lookup.clientSecret : undefined;

  const verdict = verifySignature(request, { apiKey, clientSecret }, deps.clock, options);
  if (!verdict.ok) return verdict;
  const peer = { keyFingerprint: fingerprintApiKey(apiKey), ...ids.value };

  if (verdict.value.kind === 'unsigned') {
    if (clientSecret === undefined) {
      return err(problem('ERR_AUTH_API_KEY_UNKNOWN', 'API key not configured', 'x-api-key'));
    }
    if (clientSecret.length > 0) {
      return err(problem('ERR_AUTH_SIGNATURE_REQUIRED', 'the API key has a client secret', 'signature'));
    }
    return ok({ ...peer, signed: false });
  }
  // Only now, with the HMAC verified, may the nonce take a slot in the bounded cache.
  if (!deps.replayCache.remember(verdict.value.nonce, verdict.value.validUntilEpochMs)) {
    return err(problem('ERR_AUTH_NONCE_REPLAYED', 'nonce already used, or replay cache full', 'signature-input'));
  }
  if (deps.sharedNonces !== undefined) {
    const shared = await deps.sharedNonces.recordOnce(verdict.value.nonce, verdict.value.validUntilEpochMs);
    if (shared === 'replayed') return err(problem('ERR_AUTH_NONCE_REPLAYED', 'nonce already used on another task', 'signature-input'));
    if (shared === 'unavailable') deps.onSharedNoncesUnavailable?.();
  }
  return ok({ ...peer, signed: true });
}
