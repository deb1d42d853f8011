import { dataActionProblem, toProblemResponse, type DataActionHttpResponse } from '../data-action/data-action-errors.js';
import { handleDataActionRequest, type BodyRead, type DataActionRouteDeps } from '../data-action/handle-data-action-request.js';
import { DATA_ACTION_LIMITS } from '../data-action/parse-data-action-request.js';
import { toError } from '../shared/errors.js';
import type { ApiGatewayHttpEvent, ApiGatewayHttpResult, LambdaContextLike } from './api-gateway-types.js';

/** What the Lambda serves requests with, built once per cold start. */
export interface DataActionLambdaDeps extends DataActionRouteDeps {
  /** Largest body accepted. Default {@link DATA_ACTION_LIMITS.maxBodyBytes}. */
  readonly maxBodyBytes?: number;
}

/** The exported Lambda handler's type. */
export type DataActionLambdaHandler = (event: ApiGatewayHttpEvent, context?: LambdaContextLike) => Promise<ApiGatewayHttpResult>;

/** Time kept back from the Lambda timeout so an abandoned turn can still be answered. */
const DEADLINE_MARGIN_MS = 500;

/**
 * Builds the API Gateway (HTTP API, payload 2.0) handler of the Data Action route around the same
 * transport-free route the local server uses. `init` runs once, at the first invocation of a cold
 * start, and is retried on the next invocation if it failed (answering that one with 500).
 */
export function createDataActionLambda(init: () => Promise<DataActionLambdaDeps>): DataActionLambdaHandler {
  let ready: Promise<DataActionLambdaDeps> | undefined;
  return async (event, context) => {
    ready ??= init();
    let deps: DataActionLambdaDeps;
    try {
      deps = await ready;
    } catch {
      // init logs its own failure; the next invocation tries again (e.g. after a throttled secret read).
      ready = undefined;
      return toResult(toProblemResponse(dataActionProblem('ERR_HTTP_INTERNAL')));
    }
    const controller = new AbortController();
    const remainingMs = context?.getRemainingTimeInMillis?.();
    const cancelDeadline =
      remainingMs === undefined
        ? () => undefined
        : deps.clock.setTimer(Math.max(0, remainingMs - DEADLINE_MARGIN_MS), () => controller.abort(new Error('Lambda deadline')));
    try {
      const headers = lowerCaseHeaders(event.headers ?? {});
      const response = await handleDataActionRequest(
        { method: event.requestContext.http.method, headers, readBody: () => Promise.resolve(readBody(event, deps.maxBodyBytes)) },
        deps,
        controller.signal,
      );
      return toResult(response);
    } catch (error) {
      deps.logger.error({ err: toError(error) }, 'data action request failed');
      return toResult(toProblemResponse(dataActionProblem('ERR_HTTP_INTERNAL')));
    } finally {
      cancelDeadline();
    }
  };
}

function lowerCaseHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const lower: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

function readBody(event: ApiGatewayHttpEvent, maxBodyBytes = DATA_ACTION_LIMITS.maxBodyBytes): BodyRead {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return bytes.length > maxBodyBytes ? { kind: 'tooLarge' } : { kind: 'ok', text: bytes.toString('utf8') };
}

function toResult(response: DataActionHttpResponse): ApiGatewayHttpResult {
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...response.headers },
    body: JSON.stringify(response.body),
    isBase64Encoded: false,
  };
}
