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

/** Connector ids are bot file names: letters, digits, `-` and `_`. */
const CONNECTOR_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Routes a request target (path plus optional query). Genesys appends the Connector ID to the base
 * URI, and whether it inserts a `/` is unconfirmed (protocol doc §1.1), so both `/audiohook/billing`
 * and `/audiohookbilling` select `billing`; a bare `/audiohook` or `/audiohook/` selects `default`.
 * The query string is ignored.
 */
export function routeRequest(target: string): Route {
  const path = target.split('?', 1)[0] ?? '';
  if (path === HEALTH_PATH) return { kind: 'health' };
  if (path === DATA_ACTION_PATH) return { kind: 'dataAction' };
  if (!path.startsWith(AUDIOHOOK_PREFIX)) return { kind: 'notFound' };
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
