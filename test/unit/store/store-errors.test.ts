import { describe, expect, it } from 'vitest';
import { AppError } from '../../../runtime/src/shared/errors.js';
import { classifyDynamoDbError, isStoreConflict, storeConflict, toStoreError } from '../../../runtime/src/store/store-errors.js';

const sdkError = (name: string, extra: object = {}): Error => Object.assign(new Error(`${name} message`), { name, ...extra });

describe('classifyDynamoDbError', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 'throttled'],
    ['ThrottlingException', 'throttled'],
    ['RequestLimitExceeded', 'throttled'],
    ['AccessDeniedException', 'auth'],
    ['UnrecognizedClientException', 'auth'],
    ['ResourceNotFoundException', 'unavailable'],
    ['InternalServerError', 'unavailable'],
    ['TimeoutError', 'unavailable'],
    ['ValidationException', 'invalidRequest'],
  ] as const)('maps %s to %s', (name, category) => {
    expect(classifyDynamoDbError(sdkError(name))).toBe(category);
  });

  it('maps a refused connection to unavailable', () => {
    expect(classifyDynamoDbError(sdkError('Error', { code: 'ECONNREFUSED' }))).toBe('unavailable');
  });

  it('maps an unknown 5xx to unavailable and an unknown 4xx to invalidRequest', () => {
    const status = (httpStatusCode: number) => sdkError('Weird', { $metadata: { httpStatusCode } });
    expect([classifyDynamoDbError(status(503)), classifyDynamoDbError(status(400))]).toEqual(['unavailable', 'invalidRequest']);
  });

  it('maps anything unrecognised to internal', () => {
    expect([classifyDynamoDbError(sdkError('Mystery')), classifyDynamoDbError('text')]).toEqual(['internal', 'internal']);
  });
});

describe('toStoreError', () => {
  it('wraps an SDK error in an AppError with the category code and keeps it as cause', () => {
    const cause = sdkError('ThrottlingException');
    const error = toStoreError('PutItem', cause);
    expect({ isAppError: error instanceof AppError, code: error.code, category: error.category, cause: error.cause }).toEqual({
      isAppError: true,
      code: 'ERR_STORE_THROTTLED',
      category: 'throttled',
      cause,
    });
  });

  it('passes an AppError through unchanged', () => {
    const original = storeConflict('c1');
    expect(toStoreError('PutItem', original)).toBe(original);
  });
});

describe('isStoreConflict', () => {
  it('recognises only the conflict error', () => {
    expect([isStoreConflict(storeConflict('c1')), isStoreConflict(toStoreError('GetItem', sdkError('TimeoutError'))), isStoreConflict(new Error('x'))]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
