import type { IncomingMessage } from 'node:http';
import type { AuthenticatedPeer, UpgradeRequest } from '../auth/ports.js';
import { delay, type Clock } from '../shared/clock.js';
import { ERROR_CODES, type ErrorCode } from '../shared/error-codes.js';
import type { Problem } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Result } from '../shared/result.js';
import { errorBody, type ErrorBody } from './http-response.js';
import { isWellFormedConnectorId, routeRequest } from './routes.js';

/** Everything the upgrade gate needs to decide; no sockets here. */
export interface UpgradeGateDeps {
  readonly authenticate: (request: UpgradeRequest) => Promise<Result<AuthenticatedPeer, Problem>>;
  readonly connectors: { has(connectorId: string): boolean };
  readonly clock: Clock;
  readonly logger: Logger;
  /** Every authentication failure is answered no sooner than this after the request arrived. */
  readonly authFailureDelayMs: number;
  readonly isDraining: () => boolean;
  readonly hasCapacity: () => boolean;
  /**
   * How long ago the request's connection was accepted, ms. Logged with a refusal: a signature that
   * was already old when its connection arrived was delayed before this server (network, SYN
   * retries), one that aged after it by this server.
   */
  readonly msSinceAccepted?: (req: IncomingMessage) => number | undefined;
}

export type UpgradeDecision =
  | { readonly accept: true; readonly peer: AuthenticatedPeer; readonly connectorId: string }
  | {
      readonly accept: false;
      readonly status: number;
      readonly body: ErrorBody;
      readonly headers: Readonly<Record<string, string>>;
    };

/** The one answer for every authentication failure, so a failure never says which check failed. */
const UNAUTHORIZED = errorBody('UNAUTHORIZED', 'Unauthorized');

/**
 * Decides an AudioHook upgrade before any session state exists: draining and capacity, path,
 * authentication (API key + HTTP message signature), then the connector id. Authentication runs
 * before the connector lookup so strangers cannot enumerate bots. Failures to authenticate wait
 * out a minimum delay so their timing says nothing about which check failed.
 */
export async function decideUpgrade(req: IncomingMessage, deps: UpgradeGateDeps): Promise<UpgradeDecision> {
  const startedAt = deps.clock.now();
  const sinceAcceptedMs = deps.msSinceAccepted?.(req);
  const url = req.url ?? '/';
  const route = routeRequest(url);
  if (route.kind !== 'audiohook') return refuse(deps, 'ERR_HTTP_NOT_FOUND', 'Not found');
  if (deps.isDraining()) return refuse(deps, 'ERR_SERVER_DRAINING', 'Server is shutting down', { 'Retry-After': '5' });
  if (!deps.hasCapacity()) return refuse(deps, 'ERR_SERVER_AT_CAPACITY', 'Server at capacity', { 'Retry-After': '5' });

  let auth: Result<AuthenticatedPeer, Problem>;
  try {
    auth = await deps.authenticate({ url, headers: req.headers });
  } catch (error) {
    deps.logger.error({ err: error }, 'authentication crashed');
    auth = { ok: false, error: { code: 'ERR_AUTH_KEYS_UNAVAILABLE', detail: 'authenticator threw' } };
  }
  if (!auth.ok) {
    const { code, detail } = auth.error;
    const wire = ERROR_CODES[code].wire;
    if (wire.kind === 'http' && wire.status === 503) {
      return refuse(deps, code, 'Authentication unavailable', { 'Retry-After': '5' });
    }
    const waitMs = startedAt + deps.authFailureDelayMs - deps.clock.now();
    if (waitMs > 0) await delay(deps.clock, waitMs);
    deps.logger.warn({ code, detail, sinceAcceptedMs }, 'upgrade unauthorized');
    return { accept: false, status: 401, body: UNAUTHORIZED, headers: {} };
  }
  if (!isWellFormedConnectorId(route.connectorId) || !deps.connectors.has(route.connectorId)) {
    return refuse(deps, 'ERR_UPGRADE_UNKNOWN_CONNECTOR', 'Unknown connector id', {}, { connectorId: route.connectorId.slice(0, 64) });
  }
  return { accept: true, peer: auth.value, connectorId: route.connectorId };
}

function refuse(
  deps: UpgradeGateDeps,
  code: ErrorCode,
  message: string,
  headers: Readonly<Record<string, string>> = {},
  fields: object = {},
): UpgradeDecision {
  const wire = ERROR_CODES[code].wire;
  const status = wire.kind === 'http' ? wire.status : 500;
  deps.logger.warn({ code, status, ...fields }, 'upgrade refused');
  return { accept: false, status, body: errorBody(code, message), headers };
}
