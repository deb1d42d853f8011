import type { FailureCategory } from '../shared/errors.js';

/**
 * Codes of the AppErrors a language model adapter throws, one per failure category (registered in
 * shared/error-codes.ts). `timeout` is `unavailable` by category but has its own code for logs.
 */
export const MODEL_ERROR_CODES = {
  auth: 'ERR_MODEL_AUTH',
  throttled: 'ERR_MODEL_THROTTLED',
  unavailable: 'ERR_MODEL_UNAVAILABLE',
  timeout: 'ERR_MODEL_TIMEOUT',
  invalidRequest: 'ERR_MODEL_INVALID_REQUEST',
  internal: 'ERR_MODEL_INTERNAL',
} as const satisfies Record<FailureCategory | 'timeout', string>;

/** The `failedDependency` output variable of a call whose model failed. */
export const MODEL_DEPENDENCY = 'bedrock';
