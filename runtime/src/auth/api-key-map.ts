import { GENERATED_PLACEHOLDER_KEY } from '../config/placeholder-keys.js';
import { problem } from '../shared/errors.js';
import type { Problem } from '../shared/errors.js';
import { err, ok } from '../shared/result.js';
import type { Result } from '../shared/result.js';

/**
 * API key of the development key pair, used locally when no key is configured outside production.
 * Public by design: anyone reading this repository knows it, so production never accepts it.
 */
export const DEVELOPMENT_API_KEY = 'dev-api-key';

/**
 * Base64 client secret of the development key pair (decodes to `audiohook-local-development-only`, 32
 * bytes). Pass it to the simulator as `--client-secret` to sign requests against a local server.
 */
export const DEVELOPMENT_CLIENT_SECRET_BASE64 = 'YXVkaW9ob29rLWxvY2FsLWRldmVsb3BtZW50LW9ubHk=';

// Standard alphabet, padded: what Genesys base64-decodes (AudioHook §1.3). Lenient decoders would
// turn a typo into a different key, and the failure would only show as signature mismatches.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// An API key travels in the X-API-KEY header and as the sf-string `keyid`; header values are trimmed,
// so only visible ASCII can ever match.
const API_KEY_CHARS = /^[\x21-\x7e]+$/;

const invalid = (detail: string, path?: string): Result<never, Problem> =>
  err(problem('ERR_AUTH_KEY_MAP_INVALID', detail, path));

/**
 * Parses the API key map `{ "<apiKey>": "<base64 client secret or empty string>" }` into decoded
 * secrets (an empty secret = unsigned requests allowed for that key). Problem details name the entry
 * by position only: they never contain key names or secret values.
 */
export function parseApiKeyMap(json: string): Result<ReadonlyMap<string, Uint8Array>, Problem> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // The SyntaxError message quotes the input, which holds secrets: never pass it on.
    return invalid('not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return invalid('not a JSON object');
  }
  const keys = new Map<string, Uint8Array>();
  for (const [index, [apiKey, secret]] of Object.entries(parsed).entries()) {
    const path = `entries[${index}]`;
    if (apiKey.length === 0) return invalid('empty API key', path);
    if (!API_KEY_CHARS.test(apiKey)) return invalid('API key is not visible ASCII', path);
    if (typeof secret !== 'string') return invalid('client secret is not a string', path);
    if (!BASE64.test(secret)) return invalid('client secret is not padded standard base64', path);
    keys.set(apiKey, new Uint8Array(Buffer.from(secret, 'base64')));
  }
  return ok(keys);
}

/**
 * The keys of `apiKeys` that stand in for real ones and must never authenticate: the entry a
 * stack-created secret starts with, and in production the public development key. Named for the
 * operator's message; these are published names, not secrets.
 */
export function placeholderApiKeys(apiKeys: Iterable<string>, options: { readonly production: boolean }): string[] {
  return [...apiKeys].filter((key) => key === GENERATED_PLACEHOLDER_KEY || (options.production && key === DEVELOPMENT_API_KEY));
}
