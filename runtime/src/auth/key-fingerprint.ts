import { createHash } from 'node:crypto';

// Below this length a 4-character prefix would give away too much of the key.
const MIN_CHARS_FOR_PREFIX = 16;

/**
 * A non-secret, stable identifier of an API key for logs and metrics: the first 4 characters (only
 * for keys of 16+ characters) and the first 8 hex digits of its SHA-256, e.g. `SGVs-1f2e3d4c`.
 */
export function fingerprintApiKey(apiKey: string): string {
  const hash = createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 8);
  return apiKey.length >= MIN_CHARS_FOR_PREFIX ? `${apiKey.slice(0, 4)}-${hash}` : hash;
}
