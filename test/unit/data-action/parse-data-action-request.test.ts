import { describe, expect, it } from 'vitest';
import { DATA_ACTION_LIMITS, parseDataActionRequest } from '../../../runtime/src/data-action/parse-data-action-request.js';
import { err, ok } from '../../../runtime/src/shared/result.js';

const codeOf = (json: unknown): string | undefined => {
  const result = parseDataActionRequest(json);
  return result.ok ? undefined : result.error.code;
};

describe('parseDataActionRequest', () => {
  it('accepts Rasa\'s {sender, message}', () => {
    expect(parseDataActionRequest({ sender: 'c-1', message: 'hi' })).toEqual(ok({ sender: 'c-1', message: 'hi' }));
  });

  it('accepts the optional connectorId, variables and language', () => {
    const json = { sender: 'c-1', message: '', connectorId: 'account', variables: { customerName: 'Ann' }, language: 'en-US' };
    expect(parseDataActionRequest(json)).toEqual(ok(json));
  });

  it('treats empty optional strings (an unset Genesys input) as absent', () => {
    expect(parseDataActionRequest({ sender: 'c-1', message: 'x', connectorId: '', language: ' ' })).toEqual(ok({ sender: 'c-1', message: 'x' }));
  });

  it('accepts and drops Rasa metadata', () => {
    expect(parseDataActionRequest({ sender: 'c-1', message: 'x', metadata: { a: 1 } })).toEqual(ok({ sender: 'c-1', message: 'x' }));
  });

  it.each([
    ['a JSON array', [1]],
    ['a JSON string', 'hello'],
    ['null', null],
  ])('refuses %s with ERR_DATA_ACTION_INVALID_JSON', (_name, json) => {
    expect(codeOf(json)).toBe('ERR_DATA_ACTION_INVALID_JSON');
  });

  it('refuses a missing sender and names the field', () => {
    expect(parseDataActionRequest({ message: 'hi' })).toEqual(err(expect.objectContaining({ code: 'ERR_DATA_ACTION_INVALID_REQUEST', path: 'sender' })));
  });

  it('refuses a missing message and names the field', () => {
    expect(parseDataActionRequest({ sender: 'c-1' })).toEqual(err(expect.objectContaining({ code: 'ERR_DATA_ACTION_INVALID_REQUEST', path: 'message' })));
  });

  it.each([
    ['a numeric message', { sender: 'c', message: 5 }],
    ['an empty sender', { sender: '', message: 'x' }],
    ['a sender with a control character', { sender: 'a\nb', message: 'x' }],
    ['a too long sender', { sender: 'x'.repeat(DATA_ACTION_LIMITS.maxSenderChars + 1), message: 'x' }],
    ['a malformed connector id', { sender: 'c', message: 'x', connectorId: '../etc' }],
    ['a non-string variable', { sender: 'c', message: 'x', variables: { n: 1 } }],
    ['too many variables', { sender: 'c', message: 'x', variables: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`v${i}`, 'x'])) }],
    ['a malformed language', { sender: 'c', message: 'x', language: 'english!' }],
  ])('refuses %s with ERR_DATA_ACTION_INVALID_REQUEST', (_name, json) => {
    expect(codeOf(json)).toBe('ERR_DATA_ACTION_INVALID_REQUEST');
  });

  it('refuses an unknown field (a typo must not pass as an empty message) and names it', () => {
    expect(parseDataActionRequest({ sender: 'c', message: '', mesage: 'hi' })).toEqual(
      err(expect.objectContaining({ code: 'ERR_DATA_ACTION_INVALID_REQUEST', path: 'mesage' })),
    );
  });

  it('refuses a message over the limit with ERR_DATA_ACTION_MESSAGE_TOO_LONG', () => {
    expect(codeOf({ sender: 'c', message: 'x'.repeat(DATA_ACTION_LIMITS.maxMessageChars + 1) })).toBe('ERR_DATA_ACTION_MESSAGE_TOO_LONG');
  });

  it('accepts a message exactly at the limit', () => {
    expect(codeOf({ sender: 'c', message: 'x'.repeat(DATA_ACTION_LIMITS.maxMessageChars) })).toBeUndefined();
  });
});
