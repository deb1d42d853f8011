import type { KeyLookup, KeyStore } from './ports.js';

/**
 * A {@link KeyStore} over a fixed map (from AUDIOHOOK_API_KEYS or the development key pair). Always
 * ready; the map is copied, so later changes by the caller have no effect.
 */
export function createStaticKeyStore(keys: ReadonlyMap<string, Uint8Array>): KeyStore {
  const snapshot = new Map(keys);
  return {
    lookup(apiKey: string): Promise<KeyLookup> {
      const clientSecret = snapshot.get(apiKey);
      return Promise.resolve(clientSecret === undefined ? { status: 'unknown' } : { status: 'found', clientSecret });
    },
    readiness: () => ({ ready: true }),
    start: () => Promise.resolve(),
    stop: () => undefined,
  };
}
