import { classifyAwsError } from '../shared/aws-error-category.js';
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

// The classifier looks names up with Object.hasOwn, so 'constructor' cannot hit the prototype.
const DYNAMODB_ERRORS: Readonly<Record<string, FailureCategory>> = Object.fromEntries<FailureCategory>([
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

/** Classifies a thrown DynamoDB SDK (or transport) error into a failure category. */
export function classifyDynamoDbError(error: unknown): FailureCategory {
  return classifyAwsError(error, DYNAMODB_ERRORS);
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
