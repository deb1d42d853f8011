/**
 * Caller-supplied maps (input variables, custom config, slots, webhook data, output variables)
 * have keys anyone can choose, including `constructor`, `toString` or `__proto__`. The DynamoDB
 * document marshaller decides a value's type from `value.constructor`, so a plain object with an
 * own `constructor` key fails to marshal (and a whole call lost its writes to it); assigning a
 * `__proto__` key to a plain object would change its prototype instead of storing a value.
 */

/** The one key never stored: as a property name it means the prototype, not data (docs/reliability.md). */
export const RESERVED_MAP_KEY = '__proto__';

/**
 * A JSON value made safe for the document marshaller: every object becomes a `Map` (marshalled as
 * an `M` attribute whatever its keys are), arrays are converted element by element, and
 * `__proto__` keys are dropped. Everything else is returned as it is.
 */
export function toSafeDocument(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSafeDocument);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof Set || value instanceof Map) {
    return value;
  }
  const map = new Map<string, unknown>();
  for (const [key, entry] of Object.entries(value)) {
    if (key !== RESERVED_MAP_KEY && entry !== undefined) map.set(key, toSafeDocument(entry));
  }
  return map;
}

