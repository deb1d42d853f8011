import type { FailureCategory } from '../../shared/errors.js';

/**
 * Polly SynthesizeSpeech exceptions by category (aws-notes §2). ServiceFailure is Polly's passing
 * fault, so it is `unavailable` (retryable); every request-shape error is `invalidRequest`.
 */
export const POLLY_ERRORS: Readonly<Record<string, FailureCategory>> = {
  ThrottlingException: 'throttled',
  ServiceQuotaExceededException: 'throttled',
  ServiceFailureException: 'unavailable',
  TextLengthExceededException: 'invalidRequest',
  InvalidSsmlException: 'invalidRequest',
  LanguageNotSupportedException: 'invalidRequest',
  EngineNotSupportedException: 'invalidRequest',
  InvalidSampleRateException: 'invalidRequest',
  LexiconNotFoundException: 'invalidRequest',
  MarksNotSupportedForFormatException: 'invalidRequest',
  SsmlMarksNotSupportedForTextTypeException: 'invalidRequest',
  ValidationException: 'invalidRequest',
};
