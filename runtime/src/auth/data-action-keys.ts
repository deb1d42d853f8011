import { problem, type Problem } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import type { KeyStore, KeyStoreReadiness } from './ports.js';

/**
 * Keys of the Data Action (REST) route: separate from AudioHook keys, and each bound to one Genesys
 * organization. Configured as JSON `{ "<key>": { "organizationId": "<uuid>" } }` (DATA_ACTION_API_KEYS,
 * or the secret named by DATA_ACTION_KEYS_SECRET_ID).
 */
export type DataActionKeyLookup =
  | { readonly status: 'found'; readonly organizationId: string }
  | { readonly status: 'unknown' }
  | { readonly status: 'unavailable'; readonly reason: string };

/** The key source the Data Action route authenticates with. `lookup` never rejects. */
export interface DataActionKeys {
  lookup(apiKey: string): Promise<DataActionKeyLookup>;
  readiness(): KeyStoreReadiness;
  start(): Promise<void>;
  stop(): void;
}

/** Public development key, bound to {@link DEVELOPMENT_ORGANIZATION_ID}; never accepted in production. */
export const DEVELOPMENT_DATA_ACTION_KEY = 'dev-data-action-key';
/** The organization the development Data Action key is bound to (the simulator's default too). */
export const DEVELOPMENT_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000001';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const API_KEY_CHARS = /^[\x21-\x7e]+$/;

/**
 * Parses the Data Action key map into key → organization id bytes (UTF-8), the value shape the
 * generic {@link KeyStore}s hold, so the Secrets Manager store (cache, refresh, rotation) is reused
 * as it is. Problem details name entries by position only, never a key.
 */
export function parseDataActionKeyMap(json: string): Result<ReadonlyMap<string, Uint8Array>, Problem> {
  const invalid = (detail: string, path?: string): Result<never, Problem> => err(problem('ERR_AUTH_KEY_MAP_INVALID', detail, path));
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return invalid('not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return invalid('not a JSON object');
  const keys = new Map<string, Uint8Array>();
  for (const [index, [apiKey, entry]] of Object.entries(parsed).entries()) {
    const path = `entries[${index}]`;
    if (!API_KEY_CHARS.test(apiKey)) return invalid('key is empty or not visible ASCII', path);
    const organizationId: unknown = typeof entry === 'object' && entry !== null ? (entry as { organizationId?: unknown }).organizationId : undefined;
    if (typeof organizationId !== 'string' || !UUID.test(organizationId)) {
      return invalid('value must be {"organizationId": "<Genesys organization UUID>"}', path);
    }
    keys.set(apiKey, new TextEncoder().encode(organizationId.toLowerCase()));
  }
  return ok(keys);
}

/** Reads a key store filled by {@link parseDataActionKeyMap} as Data Action keys. */
export function toDataActionKeys(store: KeyStore): DataActionKeys {
  const decoder = new TextDecoder();
  return {
    async lookup(apiKey) {
      const found = await store.lookup(apiKey).catch(() => ({ status: 'unavailable', reason: 'key store failed' }) as const);
      if (found.status !== 'found') return found;
      return { status: 'found', organizationId: decoder.decode(found.clientSecret) };
    },
    readiness: () => store.readiness(),
    start: () => store.start(),
    stop: () => store.stop(),
  };
}
