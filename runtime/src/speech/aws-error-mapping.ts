import { classifyAwsError } from '../shared/aws-error-category.js';
import { AppError, toError, type FailureCategory } from '../shared/errors.js';

/** Re-exported for the speech adapters and their tests (the classifier lives in shared/). */
export { classifyAwsError };

/**
 * Codes of the AppErrors the speech adapters throw: one per failure category, so the orchestrator
 * can branch on `category` and logs can group on `code`. The SDK exception name is in the message.
 */
export const SPEECH_ERROR_CODES = {
  auth: 'ERR_SPEECH_AUTH',
  throttled: 'ERR_SPEECH_THROTTLED',
  unavailable: 'ERR_SPEECH_UNAVAILABLE',
  invalidRequest: 'ERR_SPEECH_INVALID_REQUEST',
  internal: 'ERR_SPEECH_INTERNAL',
} as const satisfies Record<FailureCategory, string>;

/** Wraps an SDK error in the AppError that crosses the port; the SDK error stays as `cause`. */
export function toSpeechError(
  service: string,
  error: unknown,
  serviceErrors: Readonly<Record<string, FailureCategory>>,
  override?: FailureCategory,
): AppError {
  if (error instanceof AppError) return error;
  const cause = toError(error);
  const category = override ?? classifyAwsError(error, serviceErrors);
  return new AppError(SPEECH_ERROR_CODES[category], `${service} failed: ${cause.name}`, { category, cause });
}
