/**
 * The server's public routes: one list that both the server's router and the load balancer's
 * listener rules (lib/constructs/load-balancer.ts) are built from, so they cannot disagree.
 * Pure data and logic with no imports: lib/ imports this file.
 */

/** Where an HTTP request goes, decided from method and path alone. */
export type Route =
  | { readonly kind: 'health' }
  | { readonly kind: 'audiohook'; readonly connectorId: string }
  | { readonly kind: 'dataAction' }
  | { readonly kind: 'notFound' };

/** The AudioHook path prefix: Base Connection URI `wss://<host>/audiohook/` + Connector ID. */
export const AUDIOHOOK_PREFIX = '/audiohook';
export const HEALTH_PATH = '/health';
export const DATA_ACTION_PATH = '/webhooks/rest/webhook';

/**
 * Path patterns per route, in the load balancer's syntax (case-sensitive; `*` any characters, `?` one).
 * `/audiohook*` because Genesys may append the Connector ID without a slash (`/audiohookbilling`).
 * The internet reaches `audiohook` always, `dataAction` only where the stack says so, `health` never
 * (it is for the target group's health check).
 */
export const ROUTE_PATH_PATTERNS = Object.freeze({
  audiohook: Object.freeze([`${AUDIOHOOK_PREFIX}*`]),
  dataAction: Object.freeze([DATA_ACTION_PATH]),
  health: Object.freeze([HEALTH_PATH]),
} as const);

/** Connector ids are bot file names: letters, digits, `-` and `_`. */
const CONNECTOR_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A load-balancer path pattern as a regular expression (`*` any run of characters, `?` one character). */
export function pathPatternRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${source}$`, 's');
}

// Compiled once: routing runs on every request.
const compile = (patterns: readonly string[]): readonly RegExp[] => patterns.map(pathPatternRegExp);
const HEALTH = compile(ROUTE_PATH_PATTERNS.health);
const DATA_ACTION = compile(ROUTE_PATH_PATTERNS.dataAction);
const AUDIOHOOK = compile(ROUTE_PATH_PATTERNS.audiohook);
const matchesAny = (patterns: readonly RegExp[], path: string): boolean => patterns.some((p) => p.test(path));

/**
 * Routes a request target (path plus optional query). Genesys appends the Connector ID to the base
 * URI, and whether it inserts a `/` is unconfirmed (protocol doc §1.1), so both `/audiohook/billing`
 * and `/audiohookbilling` select `billing`; a bare `/audiohook` or `/audiohook/` selects `default`.
 * The query string is ignored.
 */
export function routeRequest(target: string): Route {
  const path = target.split('?', 1)[0] ?? '';
  if (matchesAny(HEALTH, path)) return { kind: 'health' };
  if (matchesAny(DATA_ACTION, path)) return { kind: 'dataAction' };
  if (!matchesAny(AUDIOHOOK, path)) return { kind: 'notFound' };
  let rest = path.slice(AUDIOHOOK_PREFIX.length);
  if (rest.startsWith('/')) rest = rest.slice(1);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  let connectorId: string;
  try {
    connectorId = rest === '' ? 'default' : decodeURIComponent(rest);
  } catch {
    return { kind: 'notFound' };
  }
  return { kind: 'audiohook', connectorId };
}

/** Whether a connector id has the shape of a bot name (anything else cannot name a bot file). */
export function isWellFormedConnectorId(connectorId: string): boolean {
  return CONNECTOR_ID.test(connectorId);
}
