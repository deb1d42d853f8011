import type { FailureCategory } from './errors.js';

/**
 * Classifies an error thrown by an AWS SDK v3 client (or its transport) into a failure category by
 * its shape alone, so adapters map SDK failures without SDK types crossing a port: the service's own
 * exception names first, then the names every AWS service shares, then transport codes, HTTP status
 * and the SDK's fault side.
 */

/** Exception names shared by AWS services (auth, throttling, transport). */
const COMMON_AWS_ERRORS: Readonly<Record<string, FailureCategory>> = {
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  InvalidSignatureException: 'auth',
  SignatureDoesNotMatch: 'auth',
  IncompleteSignature: 'auth',
  MissingAuthenticationToken: 'auth',
  InvalidClientTokenId: 'auth',
  ExpiredToken: 'auth',
  ExpiredTokenException: 'auth',
  CredentialsProviderError: 'auth',
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  TooManyRequestsException: 'throttled',
  RequestLimitExceeded: 'throttled',
  TimeoutError: 'unavailable',
  RequestTimeout: 'unavailable',
  RequestTimeoutException: 'unavailable',
  AbortError: 'unavailable',
  ValidationException: 'invalidRequest',
};

/** Node socket and HTTP/2 error codes that mean the connection, not the request, failed. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
]);

interface AwsErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $retryable?: { readonly throttling?: unknown };
}

/**
 * Classifies a thrown SDK (or transport) error: the service's own exception names first, then the
 * names every AWS service shares, then transport codes, HTTP status and the SDK's fault side.
 */
export function classifyAwsError(
  error: unknown,
  serviceErrors: Readonly<Record<string, FailureCategory>>,
): FailureCategory {
  if (typeof error !== 'object' || error === null) return 'internal';
  const shape = error as AwsErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : '';
  const byName = (Object.hasOwn(serviceErrors, name) ? serviceErrors[name] : undefined) ?? (Object.hasOwn(COMMON_AWS_ERRORS, name) ? COMMON_AWS_ERRORS[name] : undefined);
  if (byName !== undefined) return byName;
  if (shape.$retryable?.throttling === true) return 'throttled';
  if (typeof shape.code === 'string' && NETWORK_ERROR_CODES.has(shape.code)) return 'unavailable';
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number') {
    if (status === 401 || status === 403) return 'auth';
    if (status === 429) return 'throttled';
    if (status >= 500) return 'unavailable';
    if (status >= 400) return 'invalidRequest';
  }
  if (shape.$fault === 'server') return 'unavailable';
  if (shape.$fault === 'client') return 'invalidRequest';
  return 'internal';
}

