import type { Clock } from '../shared/clock.js';

/**
 * Remembers signature nonces for as long as their signature could be accepted, so a captured upgrade
 * request cannot be replayed. Record a nonce only after its HMAC verified: then only holders of a
 * client secret can add entries, and strangers cannot fill the cache.
 */
export interface NonceReplayCache {
  /**
   * Records `nonce` until `expiresAtEpochMs` (wall-clock ms, as `Clock.epochMs()`). Returns false if
   * the nonce was already recorded and has not expired, or if the cache is full of live nonces.
   */
  remember(nonce: string, expiresAtEpochMs: number): boolean;
  /** Live-or-not-yet-evicted entries; for metrics. */
  readonly size: number;
}

/** Options of {@link createNonceReplayCache}. */
export interface NonceReplayCacheOptions {
  /** Time source; expiry is compared with `clock.epochMs()`, like the signature's own time checks. */
  readonly clock: Clock;
  /** Upper bound on stored nonces. Default 10 000 (under 2 MB). */
  readonly maxEntries?: number;
}

/** Default capacity: ~1 000 new sessions per second per task at the default 10 s signature age. */
export const DEFAULT_NONCE_CACHE_MAX_ENTRIES = 10_000;

/**
 * Creates a bounded in-memory replay cache for one process.
 *
 * When every slot holds a live nonce, new nonces are refused (fail closed) rather than evicting live
 * ones: evicting would reopen a replay window exactly when someone is flooding us, while refusing
 * only costs availability, and only a caller with a valid secret can fill the cache at all. Entries
 * live at most the signature's lifetime (seconds), so a full cache drains by itself.
 */
export function createNonceReplayCache(options: NonceReplayCacheOptions): NonceReplayCache {
  const maxEntries = options.maxEntries ?? DEFAULT_NONCE_CACHE_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('maxEntries must be a positive integer');
  }
  const { clock } = options;
  // Insertion order ≈ expiry order (lifetimes are similar), so the front holds the oldest entries.
  const expiries = new Map<string, number>();

  const evictExpiredFromFront = (nowMs: number): void => {
    for (const [nonce, expiresAt] of expiries) {
      if (expiresAt >= nowMs) break;
      expiries.delete(nonce);
    }
  };
  const evictAllExpired = (nowMs: number): void => {
    for (const [nonce, expiresAt] of expiries) if (expiresAt < nowMs) expiries.delete(nonce);
  };

  return {
    remember(nonce, expiresAtEpochMs) {
      const nowMs = clock.epochMs();
      evictExpiredFromFront(nowMs);
      const seenUntil = expiries.get(nonce);
      if (seenUntil !== undefined && seenUntil >= nowMs) return false;
      expiries.delete(nonce);
      // Already past its lifetime: the signature check refuses it anyway, nothing to remember.
      if (expiresAtEpochMs < nowMs) return true;
      if (expiries.size >= maxEntries) evictAllExpired(nowMs);
      if (expiries.size >= maxEntries) return false;
      expiries.set(nonce, expiresAtEpochMs);
      return true;
    },
    get size() {
      return expiries.size;
    },
  };
}
