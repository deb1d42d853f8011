/**
 * Every answer of the Data Action route that is not a reply: a stable code, its HTTP status and a
 * short message safe to show (never caller data, SDK text or secrets). The `ERR_DATA_ACTION_*`
 * codes are new; the others are already in shared/error-codes.ts and keep their meaning.
 */
export const DATA_ACTION_ERRORS = {
  ERR_HTTP_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  ERR_DATA_ACTION_UNAUTHORIZED: { status: 401, message: 'Unauthorized' },
  ERR_AUTH_KEYS_UNAVAILABLE: { status: 503, message: 'Authentication unavailable' },
  ERR_DATA_ACTION_BODY_TOO_LARGE: { status: 413, message: 'Request body too large' },
  ERR_DATA_ACTION_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type must be application/json' },
  ERR_DATA_ACTION_INVALID_JSON: { status: 400, message: 'Request body is not a JSON object' },
  ERR_DATA_ACTION_INVALID_REQUEST: { status: 400, message: 'Invalid request' },
  ERR_DATA_ACTION_MESSAGE_TOO_LONG: { status: 400, message: 'Message too long' },
  ERR_DATA_ACTION_UNKNOWN_BOT: { status: 404, message: 'Unknown bot' },
  ERR_DATA_ACTION_CONNECTOR_MISMATCH: { status: 409, message: 'Conversation belongs to another bot' },
  ERR_DATA_ACTION_CONFLICT: { status: 409, message: 'Conversation changed concurrently; retry' },
  ERR_DATA_ACTION_STORE_UNAVAILABLE: { status: 503, message: 'Conversation store unavailable; retry later' },
  ERR_DATA_ACTION_BOT_FAILED: { status: 502, message: 'The bot failed to answer' },
  ERR_HTTP_INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { readonly status: number; readonly message: string }>;

/** One of the codes in {@link DATA_ACTION_ERRORS}. */
export type DataActionErrorCode = keyof typeof DATA_ACTION_ERRORS;

/** An expected failure of a Data Action request (Result error): the code, plus log-only detail. */
export interface DataActionProblem {
  readonly code: DataActionErrorCode;
  /** For logs only: never sent to the caller. */
  readonly detail?: string;
  /** The request field at fault, e.g. `variables.customerName`; sent, as it only names our own schema. */
  readonly path?: string;
  /** What the field should hold, from our own schema (never the caller's value); sent. */
  readonly expected?: string;
}

/** Builds a {@link DataActionProblem}. */
export function dataActionProblem(code: DataActionErrorCode, detail?: string, path?: string, expected?: string): DataActionProblem {
  return {
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(path === undefined ? {} : { path }),
    ...(expected === undefined ? {} : { expected }),
  };
}

/** Seconds a caller should wait before retrying after a 503 (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 2;

/** The JSON body of every error answer, as on the rest of the server: `{ error: { code, message } }`. */
export interface DataActionErrorBody {
  readonly error: { readonly code: DataActionErrorCode; readonly message: string; readonly path?: string; readonly expected?: string };
}

/** An HTTP answer, independent of the transport (node:http or API Gateway). */
export interface DataActionHttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** The HTTP answer of a problem: its status, `Retry-After` on 503, `Allow` on 405. */
export function toProblemResponse(problem: DataActionProblem): DataActionHttpResponse {
  const spec = DATA_ACTION_ERRORS[problem.code];
  const headers: Record<string, string> = {};
  if (spec.status === 503) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  if (spec.status === 405) headers.allow = 'POST';
  const body: DataActionErrorBody = {
    error: {
      code: problem.code,
      message: spec.message,
      ...(problem.path === undefined ? {} : { path: problem.path }),
      ...(problem.expected === undefined ? {} : { expected: problem.expected }),
    },
  };
  return { status: spec.status, headers, body };
}
