import type { AppError, FailureCategory } from '../../shared/errors.js';
import { toSpeechError } from '../aws-error-mapping.js';

/**
 * Transcribe streaming exceptions by category (aws-notes §1 "Errors"). InternalFailure is the
 * service's passing fault, so it is `unavailable` (retryable), not our `internal`.
 */
export const TRANSCRIBE_ERRORS: Readonly<Record<string, FailureCategory>> = {
  BadRequestException: 'invalidRequest',
  ConflictException: 'invalidRequest',
  ResourceNotFoundException: 'invalidRequest',
  LimitExceededException: 'throttled',
  InternalFailureException: 'unavailable',
  ServiceUnavailableException: 'unavailable',
};

/** Exceptions that can arrive as members of the result stream instead of being thrown. */
export const TRANSCRIBE_STREAM_EXCEPTIONS = [
  'BadRequestException',
  'LimitExceededException',
  'InternalFailureException',
  'ConflictException',
  'ServiceUnavailableException',
] as const;

/** The idle-timeout BadRequest ("no new audio was received for 15 seconds"): a new stream will work. */
const IDLE_TIMEOUT_MESSAGE = /no new audio/i;

/** Maps a Transcribe failure to the AppError that crosses the recognizer port. */
export function toTranscribeError(error: unknown): AppError {
  const idle =
    error instanceof Error && error.name === 'BadRequestException' && IDLE_TIMEOUT_MESSAGE.test(error.message);
  return toSpeechError('transcribe', error, TRANSCRIBE_ERRORS, idle ? 'unavailable' : undefined);
}
