import { describe, expect, it } from 'vitest';
import { MAX_TEXT_MESSAGE_CHARS } from '../../../runtime/src/protocol/constants.js';
import { clientParameterSchemas, type KnownClientMessageType } from '../../../runtime/src/protocol/messages.js';
import { parseClientMessage } from '../../../runtime/src/protocol/parse.js';
import type { ErrorCode } from '../../../runtime/src/shared/error-codes.js';
import {
  clientMessage,
  defaultParameters,
  openMessage,
  participant,
  SESSION_ID,
  without,
  type WireMessage,
} from '../../support/protocol-builders.js';

const KNOWN_TYPES = Object.keys(clientParameterSchemas) as KnownClientMessageType[];

const parse = (message: WireMessage) => parseClientMessage(JSON.stringify(message));

/** The code and path of a rejected message, or a marker that it was accepted. */
function rejection(text: string): { code: ErrorCode; path: string | undefined } | 'accepted' {
  const result = parseClientMessage(text);
  return result.ok ? 'accepted' : { code: result.error.code, path: result.error.path };
}

const invalidAt = (path: string) => ({ code: 'ERR_PROTOCOL_INVALID_MESSAGE', path });

describe('parseClientMessage: known types', () => {
  it.each(KNOWN_TYPES)('parses a valid %s into the typed message', (type) => {
    const message = clientMessage(type, { seq: 4, serverseq: 2, position: 'PT1.5S' });
    expect(parse(message)).toEqual({
      ok: true,
      value: {
        version: '2',
        id: SESSION_ID,
        type,
        seq: 4,
        serverseq: 2,
        position: 'PT1.5S',
        parameters: defaultParameters(type),
      },
    });
  });

  it('parses an open with every optional parameter', () => {
    const parameters = {
      supportedLanguages: true,
      customConfig: { agentassist: true },
      inputVariables: { customerTier: 'gold' },
      continuedSessions: [],
    };
    const result = parse(openMessage(parameters));
    expect(result.ok && result.value.type === 'open' ? result.value.parameters : undefined).toMatchObject(parameters);
  });

  it('accepts an error with a 429 code and a retryAfter duration', () => {
    const result = parse(clientMessage('error', { parameters: { code: 429, message: 'slow down', retryAfter: 'PT2S' } }));
    expect(result.ok && result.value.parameters).toEqual({ code: 429, message: 'slow down', retryAfter: 'PT2S' });
  });

  it('tolerates unknown extra top-level fields and leaves them out of the result', () => {
    const result = parse(clientMessage('ping', { traceId: 'abc' }));
    expect(result.ok).toBe(true);
    expect(result.ok && 'traceId' in result.value).toBe(false);
  });

  it('accepts a close with a reason it does not know, so it can always be answered', () => {
    expect(rejection(JSON.stringify(clientMessage('close', { parameters: { reason: 'whatever' } })))).toBe('accepted');
  });
});

describe('parseClientMessage: unknown types', () => {
  it('parses a valid envelope of an unknown type, marked unknown', () => {
    const result = parse(clientMessage('transcript_request', { seq: 3, parameters: { x: 1 } }));
    expect(result).toEqual({
      ok: true,
      value: {
        version: '2',
        id: SESSION_ID,
        type: 'transcript_request',
        seq: 3,
        serverseq: 0,
        position: 'PT0S',
        parameters: { x: 1 },
        unknown: true,
      },
    });
  });

  it.each(['toString', 'constructor', '__proto__'])('treats the Object.prototype name %s as an unknown type', (type) => {
    const result = parse(clientMessage(type));
    expect(result.ok && 'unknown' in result.value).toBe(true);
  });
});

describe('parseClientMessage: envelope violations', () => {
  it.each<[string, WireMessage, string]>([
    ['version as the number 2', clientMessage('ping', { version: 2 }), 'version'],
    ['version "1"', clientMessage('ping', { version: '1' }), 'version'],
    ['missing parameters', without(clientMessage('ping'), 'parameters'), 'parameters'],
    ['parameters null', clientMessage('ping', { parameters: null as unknown as Record<string, unknown> }), 'parameters'],
    ['missing position', without(clientMessage('ping'), 'position'), 'position'],
    ['position not a duration', clientMessage('ping', { position: '1.5' }), 'position'],
    ['id not a UUID', clientMessage('ping', { id: 'session-1' }), 'id'],
    ['negative seq', clientMessage('ping', { seq: -1 }), 'seq'],
    ['non-integer seq', clientMessage('ping', { seq: 1.5 }), 'seq'],
    ['seq as a string', clientMessage('ping', { seq: '1' }), 'seq'],
    ['missing serverseq', without(clientMessage('ping'), 'serverseq'), 'serverseq'],
    ['empty type', clientMessage(''), 'type'],
  ])('rejects %s as an invalid message at its path', (_name, message, path) => {
    expect(rejection(JSON.stringify(message))).toEqual(invalidAt(path));
  });

  it.each([
    ['text that is not JSON', '{"version":'],
    ['an array', '[]'],
    ['a number', '42'],
    ['a string', '"open"'],
    ['null', 'null'],
    ['an empty frame', ''],
  ])('rejects %s as invalid JSON', (_name, text) => {
    expect(rejection(text)).toMatchObject({ code: 'ERR_PROTOCOL_INVALID_JSON' });
  });

  it('rejects a message longer than 65535 characters as too large', () => {
    const text = JSON.stringify(clientMessage('ping')).padEnd(MAX_TEXT_MESSAGE_CHARS + 1, ' ');
    expect(rejection(text)).toMatchObject({ code: 'ERR_PROTOCOL_MESSAGE_TOO_LARGE' });
  });

  it('accepts a message of exactly 65535 characters', () => {
    const text = JSON.stringify(clientMessage('ping')).padEnd(MAX_TEXT_MESSAGE_CHARS, ' ');
    expect(rejection(text)).toBe('accepted');
  });

  it('checks the size before the JSON syntax', () => {
    expect(rejection('x'.repeat(MAX_TEXT_MESSAGE_CHARS + 1))).toMatchObject({ code: 'ERR_PROTOCOL_MESSAGE_TOO_LARGE' });
  });
});

describe('parseClientMessage: parameters per type', () => {
  it.each<[string, WireMessage, string]>([
    ['a dtmf digit X', clientMessage('dtmf', { parameters: { digit: 'X' } }), 'parameters.digit'],
    ['a dtmf of two digits', clientMessage('dtmf', { parameters: { digit: '12' } }), 'parameters.digit'],
    ['an error code as a string', clientMessage('error', { parameters: { code: '429', message: 'x' } }), 'parameters.code'],
    ['an error without message', clientMessage('error', { parameters: { code: 500 } }), 'parameters.message'],
    [
      'an error with a bad retryAfter',
      clientMessage('error', { parameters: { code: 429, message: 'x', retryAfter: '2s' } }),
      'parameters.retryAfter',
    ],
    ['an open without participant', clientMessage('open', { parameters: without(openMessage().parameters!, 'participant') }), 'parameters.participant'],
    [
      'an open whose participant lacks ani',
      openMessage({ participant: without(participant(), 'ani') }),
      'parameters.participant.ani',
    ],
    ['an open with a non-UUID organizationId', openMessage({ organizationId: 'org' }), 'parameters.organizationId'],
    ['an open without media', clientMessage('open', { parameters: without(openMessage().parameters!, 'media') }), 'parameters.media'],
    ['an open with a bad language', openMessage({ language: 'english' }), 'parameters.language'],
    ['an open whose inputVariables is not an object', openMessage({ inputVariables: 'tier=1' }), 'parameters.inputVariables'],
    ['a resumed with a bad start', clientMessage('resumed', { parameters: { start: 'PT1M', discarded: 'PT0S' } }), 'parameters.start'],
    ['a resumed with a bad discarded', clientMessage('resumed', { parameters: { start: 'PT0S', discarded: '-1' } }), 'parameters.discarded'],
    ['a resumed without durations', clientMessage('resumed', { parameters: {} }), 'parameters.start'],
    ['a discarded with a bad start', clientMessage('discarded', { parameters: { start: 5, discarded: 'PT0S' } }), 'parameters.start'],
    ['a ping with a bad rtt', clientMessage('ping', { parameters: { rtt: 50 } }), 'parameters.rtt'],
    ['an update with a bad language', clientMessage('update', { parameters: { language: 'en_US' } }), 'parameters.language'],
  ])('rejects %s as an invalid message at its path', (_name, message, path) => {
    expect(rejection(JSON.stringify(message))).toEqual(invalidAt(path));
  });
});
