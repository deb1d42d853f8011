/**
 * The one registry of error codes. Each code says what the peer sees on the wire, so the two places
 * that map errors to the wire (server/upgrade.ts for HTTP, session/ for the protocol) never invent
 * their own answers. `docs/errors.md` lists exactly these codes (a unit test keeps them in sync).
 * A retired code is never reused.
 */
export type WireOutcome =
  /** Answered at the HTTP layer (upgrade refused or plain HTTP route). */
  | { readonly kind: 'http'; readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 426 | 429 | 431 | 500 | 502 | 503 }
  /** The session is ended with an AudioHook `disconnect`; `info` is short and safe to show. */
  | { readonly kind: 'disconnect'; readonly reason: 'error' | 'unauthorized'; readonly info: string }
  /** The WebSocket is closed (or dropped) without a protocol message. */
  | { readonly kind: 'socketClose' }
  /** Logged and counted; the session goes on. */
  | { readonly kind: 'none' };

export interface ErrorCodeSpec {
  readonly wire: WireOutcome;
  /** One line for docs/errors.md. */
  readonly description: string;
}

const http = (status: Extract<WireOutcome, { kind: 'http' }>['status']): WireOutcome => ({ kind: 'http', status });
const protocolError = (info: string): WireOutcome => ({ kind: 'disconnect', reason: 'error', info });
const socketClose: WireOutcome = { kind: 'socketClose' };
const none: WireOutcome = { kind: 'none' };

export const ERROR_CODES = {
  // HTTP routing
  ERR_HTTP_NOT_FOUND: { wire: http(404), description: 'No route for this method and path.' },
  ERR_HTTP_METHOD_NOT_ALLOWED: { wire: http(405), description: 'The path exists but not for this method.' },
  ERR_UPGRADE_UNKNOWN_CONNECTOR: {
    wire: http(404),
    description: 'The connector id in /audiohook/{connectorId} names no bot definition.',
  },
  ERR_UPGRADE_NOT_WEBSOCKET: { wire: http(400), description: 'An upgrade request that is not a valid WebSocket handshake.' },
  ERR_UPGRADE_REQUIRED: { wire: http(426), description: 'A plain HTTP request to the AudioHook path, which only takes WebSocket upgrades.' },
  ERR_HTTP_INTERNAL: { wire: http(500), description: 'A bug while answering an HTTP request; logged with the stack.' },
  ERR_SERVER_DRAINING: { wire: http(503), description: 'The server is shutting down and accepts no new sessions.' },
  ERR_SERVER_AT_CAPACITY: { wire: http(503), description: 'The task already carries its maximum number of sessions.' },
  ERR_SERVER_AT_CONNECTION_CAP: {
    wire: socketClose,
    description:
      'MAX_CONNECTIONS sockets are open: a new connection is closed at once (a few reserved ones answer only /health; anything else gets 503). Logged at most once per 10 s, counted in the ConnectionsRefused metric.',
  },

  // Authentication at upgrade: every one of these answers the same 401 after the same minimum delay.
  ERR_AUTH_API_KEY_MISSING: { wire: http(401), description: 'No X-API-KEY header.' },
  ERR_AUTH_API_KEY_UNKNOWN: { wire: http(401), description: 'The API key is not configured.' },
  ERR_AUTH_HEADERS_INVALID: {
    wire: http(401),
    description: 'An Audiohook-Organization-Id, -Session-Id or -Correlation-Id header is missing or not a UUID.',
  },
  ERR_AUTH_SIGNATURE_REQUIRED: {
    wire: http(401),
    description: 'The request is unsigned but the API key has a client secret.',
  },
  ERR_AUTH_SIGNATURE_MALFORMED: {
    wire: http(401),
    description: 'Signature or Signature-Input is not valid structured-field syntax, or one is missing.',
  },
  ERR_AUTH_SIGNATURE_PARAMS: {
    wire: http(401),
    description: 'A signature parameter is unknown, missing (keyid, nonce, alg, created, expires) or mistyped.',
  },
  ERR_AUTH_SIGNATURE_ALGORITHM: { wire: http(401), description: 'The signature algorithm is not hmac-sha256.' },
  ERR_AUTH_SIGNATURE_COMPONENTS: {
    wire: http(401),
    description: 'The signature does not cover all six required components.',
  },
  ERR_AUTH_KEYID_MISMATCH: { wire: http(401), description: 'The signature keyid differs from X-API-KEY.' },
  ERR_AUTH_SIGNATURE_FUTURE: { wire: http(401), description: 'The signature was created in the future (beyond clock skew).' },
  ERR_AUTH_SIGNATURE_EXPIRED: { wire: http(401), description: 'The signature has expired or is older than its maximum age.' },
  ERR_AUTH_NONCE_INVALID: { wire: http(401), description: 'The signature nonce is missing or too short.' },
  ERR_AUTH_NONCE_REPLAYED: {
    wire: http(401),
    description: 'The signature nonce was already used within its lifetime, on this task or (with a session table) on any task.',
  },
  ERR_AUTH_NONCE_STORE_UNAVAILABLE: {
    wire: none,
    description:
      'The shared nonce record (a conditional write to the session table, in one transaction with the nonces of other upgrades made within 20 ms; 300 ms budget, one attempt: a resent write could find its own nonce and refuse a genuine call) failed: the upgrade is accepted on this task’s replay cache alone; logged once a minute.',
  },
  ERR_AUTH_SIGNATURE_MISMATCH: { wire: http(401), description: 'The HMAC does not match the request.' },
  ERR_AUTH_KEYS_UNAVAILABLE: {
    wire: http(503),
    description: 'No API keys could be loaded yet (Secrets Manager unreachable at a cold start).',
  },
  ERR_AUTH_KEY_MAP_INVALID: {
    wire: none,
    description:
      'An API key map (AUDIOHOOK_API_KEYS or the Secrets Manager value) is not a JSON object of API key to base64 client secret.',
  },
  ERR_AUTH_ORGANIZATION_MISMATCH: {
    wire: { kind: 'disconnect', reason: 'unauthorized', info: 'Unauthorized' },
    description: 'open.parameters.organizationId differs from the Audiohook-Organization-Id header.',
  },

  // Protocol violations by the client: the session ends with disconnect(error).
  ERR_PROTOCOL_INVALID_JSON: { wire: protocolError('Invalid JSON'), description: 'A text frame that is not a JSON object.' },
  ERR_PROTOCOL_MESSAGE_TOO_LARGE: {
    wire: protocolError('Message too large'),
    description: 'A text message longer than 65535 characters.',
  },
  ERR_PROTOCOL_INVALID_MESSAGE: {
    wire: protocolError('Invalid message'),
    description: 'The envelope or the parameters of a client message do not match the protocol.',
  },
  ERR_PROTOCOL_SESSION_ID_MISMATCH: {
    wire: protocolError('Invalid session id'),
    description: 'A message id differs from the Audiohook-Session-Id header.',
  },
  ERR_PROTOCOL_SEQ_GAP: { wire: protocolError('Invalid seq'), description: 'A client seq that is not the previous one plus 1.' },
  ERR_PROTOCOL_SERVERSEQ_AHEAD: {
    wire: protocolError('Invalid serverseq'),
    description: 'A client serverseq greater than the last seq the server sent.',
  },
  ERR_PROTOCOL_UNEXPECTED_MESSAGE: {
    wire: protocolError('Unexpected message'),
    description: 'A client message that is not allowed in the session state (e.g. anything before open, a second open).',
  },
  ERR_PROTOCOL_UNEXPECTED_AUDIO: {
    wire: protocolError('Unexpected audio'),
    description: 'A binary frame before opened, or on a session that negotiated no media (a probe). Ignored after close.',
  },
  ERR_PROTOCOL_AUDIO_WHILE_PAUSED: {
    wire: none,
    description: 'A binary frame while the stream is paused: dropped and counted (frames can race a pause).',
  },
  ERR_PROTOCOL_PARTIAL_SAMPLE: {
    wire: protocolError('Invalid audio frame'),
    description: 'A binary frame whose length is not a whole number of samples for all channels.',
  },
  ERR_PROTOCOL_UNKNOWN_MESSAGE_TYPE: {
    wire: none,
    description: 'A well-formed client message of a type this server does not know: logged and ignored.',
  },
  ERR_PROTOCOL_INPUT_VARIABLE_NOT_STRING: {
    wire: none,
    description: 'An open whose inputVariables hold a value that is not a string: the value is turned into its JSON text and the call goes on.',
  },
  ERR_PROTOCOL_CLIENT_ERROR: { wire: none, description: 'The client reported an error message; the session goes on.' },
  ERR_PROTOCOL_OPEN_TIMEOUT: {
    wire: protocolError('Open timeout'),
    description: 'No open message arrived within the open timeout after the upgrade.',
  },
  ERR_PROTOCOL_CLOSE_TIMEOUT: {
    wire: socketClose,
    description: 'The client did not complete the close transaction in time; the socket is closed.',
  },
  ERR_PROTOCOL_IDLE_TIMEOUT: {
    wire: socketClose,
    description: 'Nothing arrived from the client for the idle timeout (vanished peer); the socket is closed.',
  },
  ERR_SOCKET_PAYLOAD_TOO_LARGE: {
    wire: socketClose,
    description: 'A WebSocket frame above the transport limit; closed with status 1009.',
  },

  // Speech dependencies (AppError codes thrown by the Transcribe/Polly/offline adapters; the call decides).
  ERR_SPEECH_AUTH: { wire: none, description: 'The speech service refused our credentials or permissions.' },
  ERR_SPEECH_THROTTLED: { wire: none, description: 'The speech service throttled us (rate or concurrency quota).' },
  ERR_SPEECH_UNAVAILABLE: {
    wire: none,
    description: 'The speech service failed or timed out (including Transcribe\'s 15 s no-audio rule); worth retrying.',
  },
  ERR_SPEECH_INVALID_REQUEST: { wire: none, description: 'The speech request was rejected (bad SSML, text too long, language).' },
  ERR_SPEECH_INTERNAL: { wire: none, description: 'An unexpected speech adapter failure.' },

  // Language model (AppError codes of the Bedrock adapter, dependency `bedrock`; the call falls back).
  ERR_MODEL_AUTH: { wire: none, description: 'Bedrock refused our credentials, or model access is not enabled for the model.' },
  ERR_MODEL_THROTTLED: { wire: none, description: 'Bedrock throttled the model call (tokens or requests per minute) beyond the retry deadline.' },
  ERR_MODEL_UNAVAILABLE: { wire: none, description: 'Bedrock or the model failed (model timeout, not ready, 5xx) beyond the retry deadline.' },
  ERR_MODEL_TIMEOUT: { wire: none, description: 'The model sent nothing within the first-event or idle timeout, after retries.' },
  ERR_MODEL_INVALID_REQUEST: { wire: none, description: 'Bedrock rejected the request (unknown model id, bad guardrail, invalid history).' },
  ERR_MODEL_INTERNAL: { wire: none, description: 'An unexpected language model adapter failure.' },

  // Data Action route (POST /webhooks/rest/webhook), local server and Lambda alike.
  ERR_DATA_ACTION_INVALID_JSON: { wire: http(400), description: 'The body is not JSON, or not a JSON object.' },
  ERR_DATA_ACTION_INVALID_REQUEST: { wire: http(400), description: 'A field is missing, mistyped, out of its limits or unknown.' },
  ERR_DATA_ACTION_MESSAGE_TOO_LONG: { wire: http(400), description: 'The message is longer than 2000 characters.' },
  ERR_DATA_ACTION_UNAUTHORIZED: {
    wire: http(401),
    description: 'X-API-KEY is missing, unknown, or an AudioHook key rather than a Data Action key (one answer for all, after the authentication delay).',
  },
  ERR_DATA_ACTION_UNKNOWN_BOT: { wire: http(404), description: 'No bot has the requested connector id.' },
  ERR_DATA_ACTION_CONNECTOR_MISMATCH: { wire: http(409), description: 'The conversation belongs to another bot.' },
  ERR_DATA_ACTION_CONFLICT: { wire: http(409), description: 'Another writer won the conversation twice in a row; retry.' },
  ERR_DATA_ACTION_CALL_LIVE: {
    wire: http(409),
    description: 'A voice call is live on this conversation (one writer per conversation); nothing was applied. Retry after the call.',
  },
  ERR_DATA_ACTION_UNKNOWN_CONVERSATION: {
    wire: http(404),
    description: "No conversation with this sender belongs to the key's organization (another organization's conversation answers the same).",
  },
  ERR_DATA_ACTION_BODY_TOO_LARGE: { wire: http(413), description: 'The body is larger than 64 KiB.' },
  ERR_DATA_ACTION_UNSUPPORTED_MEDIA_TYPE: {
    wire: http(415),
    description: 'The content type is not JSON (application/json, +json; none or form-encoded bodies are read as JSON).',
  },
  ERR_DATA_ACTION_BOT_FAILED: { wire: http(502), description: 'The bot turn failed (e.g. its webhook); the state is unchanged.' },
  ERR_DATA_ACTION_STORE_UNAVAILABLE: {
    wire: http(503),
    description: 'The session store is unreachable or throttled; sent with Retry-After, the turn is not applied.',
  },

  // Session store (AppError codes of the DynamoDB adapter; callers decide).
  ERR_STORE_CONFLICT: { wire: none, description: 'A conditional write lost to another writer (optimistic concurrency).' },
  ERR_STORE_AUTH: { wire: none, description: 'DynamoDB refused our credentials or permissions.' },
  ERR_STORE_THROTTLED: { wire: none, description: 'DynamoDB throttled the request.' },
  ERR_STORE_UNAVAILABLE: { wire: none, description: 'DynamoDB failed or timed out; retried by the write-behind queue.' },
  ERR_STORE_INVALID_REQUEST: { wire: none, description: 'DynamoDB rejected the request (a bug or a misconfigured table).' },
  ERR_STORE_INTERNAL: { wire: none, description: 'An unexpected session store failure.' },

  // Server-side endings
  ERR_SESSION_OUTBOUND_OVERFLOW: {
    wire: socketClose,
    description: 'The client made the server queue more than 64 text messages (e.g. a ping flood); closed with 1008.',
  },
  ERR_SESSION_INBOUND_RATE: {
    wire: protocolError('Too many messages'),
    description:
      'The client sent non-audio messages faster than INBOUND_MESSAGES_PER_SECOND (sustained, burst 5 s of it): the session is ended, later input ignored, the socket closed 1 s later.',
  },
  ERR_SESSION_AUDIO_TOO_FAST: {
    wire: protocolError('Audio faster than real time'),
    description:
      'Caller audio arrived faster than INBOUND_AUDIO_SPEED_LIMIT times real time (sustained, burst 5 s of audio): the session is ended as for ERR_SESSION_INBOUND_RATE.',
  },
  ERR_SESSION_SHUTDOWN: {
    wire: protocolError('Server shutting down'),
    description: 'The drain timeout passed while the session was live; it is ended with disconnect.',
  },
  ERR_SESSION_INTERNAL: {
    wire: protocolError('Internal error'),
    description: 'A bug or an unexpected exception in the session; the call is ended, other calls go on.',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function wireOutcome(code: ErrorCode): WireOutcome {
  return ERROR_CODES[code].wire;
}
