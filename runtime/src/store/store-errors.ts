import { AppError, toError, type FailureCategory } from '../shared/errors.js';
import { STORE_CONFLICT } from './ports.js';

/**
 * Codes of the AppErrors the session stores throw, one per failure category plus the lost race.
 * The orchestrator branches on `category` (retry or not); logs group on `code`.
 */
export const STORE_ERROR_CODES = {
  auth: 'ERR_STORE_AUTH',
  throttled: 'ERR_STORE_THROTTLED',
  unavailable: 'ERR_STORE_UNAVAILABLE',
  invalidRequest: 'ERR_STORE_INVALID_REQUEST',
  internal: 'ERR_STORE_INTERNAL',
  conflict: STORE_CONFLICT,
} as const satisfies Record<FailureCategory | 'conflict', string>;

/** One of the {@link STORE_ERROR_CODES}. */
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[keyof typeof STORE_ERROR_CODES];

// A Map, not an object literal: exception names are data, and 'constructor' must not hit the prototype.
const CATEGORY_BY_NAME: ReadonlyMap<string, FailureCategory> = new Map([
  ['AccessDeniedException', 'auth'],
  ['UnrecognizedClientException', 'auth'],
  ['InvalidSignatureException', 'auth'],
  ['ExpiredTokenException', 'auth'],
  ['MissingAuthenticationTokenException', 'auth'],
  ['CredentialsProviderError', 'auth'],
  ['ProvisionedThroughputExceededException', 'throttled'],
  ['RequestLimitExceeded', 'throttled'],
  ['ThrottlingException', 'throttled'],
  ['LimitExceededException', 'throttled'],
  // A missing table is usually one that is still being created (or a table name typo, which the logs show).
  ['ResourceNotFoundException', 'unavailable'],
  ['InternalServerError', 'unavailable'],
  ['ServiceUnavailable', 'unavailable'],
  ['TimeoutError', 'unavailable'],
  ['RequestTimeout', 'unavailable'],
  ['AbortError', 'unavailable'],
  ['ValidationException', 'invalidRequest'],
  ['ItemCollectionSizeLimitExceededException', 'invalidRequest'],
  ['SerializationException', 'invalidRequest'],
]);

/** Node socket error codes: the connection, not the request, failed (e.g. dynalite or DynamoDB unreachable). */
const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/** Classifies a thrown DynamoDB SDK (or transport) error into a failure category. */
export function classifyDynamoDbError(error: unknown): FailureCategory {
  if (typeof error !== 'object' || error === null) return 'internal';
  const shape = error as SdkErrorShape;
  const byName = typeof shape.name === 'string' ? CATEGORY_BY_NAME.get(shape.name) : undefined;
  if (byName !== undefined) return byName;
  if (typeof shape.code === 'string' && NETWORK_ERROR_CODES.has(shape.code)) return 'unavailable';
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number') {
    if (status === 401 || status === 403) return 'auth';
    if (status === 429) return 'throttled';
    if (status >= 500) return 'unavailable';
    if (status >= 400) return 'invalidRequest';
  }
  if (shape.$fault === 'server') return 'unavailable';
  return 'internal';
}

/** Wraps an SDK error in the AppError that crosses the port; the SDK error stays as `cause`. */
export function toStoreError(operation: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const cause = toError(error);
  const category = classifyDynamoDbError(error);
  return new AppError(STORE_ERROR_CODES[category], `DynamoDB ${operation} failed: ${cause.name}`, { category, cause });
}

/** The AppError of a conditional write that lost a race (category invalidRequest: retrying the same write cannot help). */
export function storeConflict(conversationId: string, cause?: unknown): AppError {
  return new AppError(STORE_ERROR_CODES.conflict, `conversation ${conversationId} was changed by another writer`, {
    category: 'invalidRequest',
    cause,
  });
}

/** Whether `error` is the {@link storeConflict} error. */
export function isStoreConflict(error: unknown): boolean {
  return error instanceof AppError && error.code === STORE_ERROR_CODES.conflict;
}
