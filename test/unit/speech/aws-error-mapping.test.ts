import { describe, expect, it } from 'vitest';
import { AppError } from '../../../runtime/src/shared/errors.js';
import { classifyAwsError, toSpeechError } from '../../../runtime/src/speech/aws-error-mapping.js';

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

describe('classifyAwsError', () => {
  it('prefers the service table over the names all services share', () => {
    expect(classifyAwsError(named('ThrottlingException'), { ThrottlingException: 'unavailable' })).toBe('unavailable');
  });

  it.each([
    ['ExpiredTokenException', 'auth'],
    ['CredentialsProviderError', 'auth'],
    ['TooManyRequestsException', 'throttled'],
    ['TimeoutError', 'unavailable'],
  ] as const)('classifies the shared AWS error %s as %s', (name, category) => {
    expect(classifyAwsError(named(name), {})).toBe(category);
  });

  it('classifies an error the SDK marks as throttling as throttled', () => {
    expect(classifyAwsError(named('Unknown', { $retryable: { throttling: true } }), {})).toBe('throttled');
  });

  it('classifies socket errors as unavailable', () => {
    expect(classifyAwsError(named('Error', { code: 'ECONNRESET' }), {})).toBe('unavailable');
  });

  it.each([
    [403, 'auth'],
    [429, 'throttled'],
    [503, 'unavailable'],
    [400, 'invalidRequest'],
  ] as const)('classifies an unknown error with HTTP status %i as %s', (status, category) => {
    expect(classifyAwsError(named('Unknown', { $metadata: { httpStatusCode: status } }), {})).toBe(category);
  });

  it('classifies an unknown server fault as unavailable', () => {
    expect(classifyAwsError(named('Unknown', { $fault: 'server' }), {})).toBe('unavailable');
  });

  it('classifies anything else as internal', () => {
    expect(classifyAwsError('boom', {})).toBe('internal');
  });
});

describe('toSpeechError', () => {
  it('wraps the SDK error as the cause of an AppError with the code of its category', () => {
    const cause = named('ThrottlingException');
    const error = toSpeechError('polly', cause, {});
    expect(error).toMatchObject({ code: 'ERR_SPEECH_THROTTLED', category: 'throttled', cause });
  });

  it('returns an AppError unchanged', () => {
    const appError = new AppError('ERR_SPEECH_INTERNAL', 'x', { category: 'internal' });
    expect(toSpeechError('polly', appError, {})).toBe(appError);
  });
});
