import type { DataActionKeys } from '../auth/data-action-keys.js';
import { delay } from '../shared/clock.js';
import { dataActionProblem, toProblemResponse, type DataActionHttpResponse, type DataActionProblem } from './data-action-errors.js';
import { parseDataActionRequest } from './parse-data-action-request.js';
import { runDataActionTurn, type DataActionTurnDeps } from './run-data-action-turn.js';

/** The outcome of reading a request body under the size limit. */
export type BodyRead = { readonly kind: 'ok'; readonly text: string } | { readonly kind: 'tooLarge' };

/** An HTTP request as both transports (node:http, API Gateway) can give it. */
export interface DataActionHttpRequest {
  readonly method: string;
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Reads the body under the size limit; called only once the caller is authenticated. */
  readonly readBody: () => Promise<BodyRead>;
}

/** Options of the route (a slice of Config). Durations in ms. */
export interface DataActionRouteOptions {
  /** Every authentication failure is answered no sooner than this after the request arrived. Default 0. */
  readonly authFailureDelayMs?: number;
  /** Log the caller's message at debug level (personal data; LOG_CALLER_DATA). Default false. */
  readonly logCallerData?: boolean;
}

/** Everything the route needs: the turn's dependencies plus the route's own keys (not AudioHook keys). */
export interface DataActionRouteDeps extends DataActionTurnDeps {
  readonly keys: Pick<DataActionKeys, 'lookup'>;
  readonly options?: DataActionRouteOptions;
}

/**
 * The Data Action route, independent of the transport: method, `X-API-KEY`, content type, body,
 * then one bot turn in the key's organization. Authentication comes first, so an unauthenticated caller learns nothing else
 * (not even which bots exist) and never gets its body read. Answers with the flat reply (200) or
 * `{error: {code, message}}`; one log line per request.
 */
export async function handleDataActionRequest(
  request: DataActionHttpRequest,
  deps: DataActionRouteDeps,
  signal: AbortSignal,
): Promise<DataActionHttpResponse> {
  const { clock, logger } = deps;
  const startedAt = clock.now();
  const answer = (response: DataActionHttpResponse, fields: object): DataActionHttpResponse => {
    logger.info({ status: response.status, ...fields, latencyMs: Math.round(clock.now() - startedAt) }, 'data action request');
    return response;
  };
  const fail = (problem: DataActionProblem, fields: object = {}): DataActionHttpResponse =>
    answer(toProblemResponse(problem), { code: problem.code, detail: problem.detail, path: problem.path, ...fields });

  if (request.method !== 'POST') return fail(dataActionProblem('ERR_HTTP_METHOD_NOT_ALLOWED', request.method));

  const apiKey = request.headers['x-api-key']?.trim() ?? '';
  const lookup = apiKey === '' ? undefined : await deps.keys.lookup(apiKey);
  if (lookup?.status === 'unavailable') return fail(dataActionProblem('ERR_AUTH_KEYS_UNAVAILABLE', lookup.reason));
  if (lookup?.status !== 'found') {
    // The same answer after the same minimum delay, whichever check failed (style §B.5).
    const waitMs = startedAt + (deps.options?.authFailureDelayMs ?? 0) - clock.now();
    if (waitMs > 0) await delay(clock, waitMs);
    const reason = lookup === undefined ? 'ERR_AUTH_API_KEY_MISSING' : 'ERR_AUTH_API_KEY_UNKNOWN';
    return fail(dataActionProblem('ERR_DATA_ACTION_UNAUTHORIZED', reason));
  }

  if (!isJsonContentType(request.headers['content-type'])) {
    return fail(dataActionProblem('ERR_DATA_ACTION_UNSUPPORTED_MEDIA_TYPE'));
  }
  const body = await request.readBody();
  if (body.kind === 'tooLarge') return fail(dataActionProblem('ERR_DATA_ACTION_BODY_TOO_LARGE'));
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    return fail(dataActionProblem('ERR_DATA_ACTION_INVALID_JSON', 'not JSON'));
  }
  const parsed = parseDataActionRequest(json);
  if (!parsed.ok) return fail(parsed.error);
  const turnRequest = parsed.value;
  if (deps.options?.logCallerData === true) {
    logger.debug({ sender: turnRequest.sender, message: turnRequest.message }, 'data action message');
  }

  // The key's organization owns what it starts and may only touch what it owns.
  const result = await runDataActionTurn(turnRequest, lookup.organizationId, deps, signal);
  const fields = { sender: turnRequest.sender, connectorId: turnRequest.connectorId };
  if (!result.ok) return fail(result.error, fields);
  const reply = result.value;
  return answer({ status: 200, headers: {}, body: reply }, { ...fields, turnCount: reply.turnCount, ended: reply.ended });
}

/**
 * Media types whose body is read as JSON: `application/json` and `+json` types (with parameters such
 * as `charset=utf-8`), and, because `curl -d` and some HTTP clients send JSON under them, no type or
 * `application/x-www-form-urlencoded`: the body must still parse as a JSON object. Anything else
 * (XML, multipart, text) is refused with 415.
 */
function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return true;
  const mediaType = value.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json') || mediaType === 'application/x-www-form-urlencoded' || mediaType === '';
}
