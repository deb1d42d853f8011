import { describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_API_KEY,
  DEVELOPMENT_CLIENT_SECRET_BASE64,
  parseApiKeyMap,
} from '../../../runtime/src/auth/api-key-map.js';

const SECRET_B64 = 'TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=';

describe('parseApiKeyMap', () => {
  it('decodes each base64 client secret to its bytes', () => {
    const result = parseApiKeyMap(JSON.stringify({ 'key-a': SECRET_B64 }));
    const decoded = new Uint8Array(Buffer.from('MySuperSecretKeyTellNo-1!2@3#4$5'));
    expect(result).toEqual({ ok: true, value: new Map([['key-a', decoded]]) });
  });

  it('maps an empty client secret to empty bytes (unsigned requests allowed)', () => {
    const result = parseApiKeyMap(JSON.stringify({ 'key-a': '' }));
    expect(result).toEqual({ ok: true, value: new Map([['key-a', new Uint8Array(0)]]) });
  });

  it('holds several keys at once', () => {
    const result = parseApiKeyMap(JSON.stringify({ a: SECRET_B64, b: '', c: 'AAAA' }));
    expect(result.ok && [...result.value.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('accepts an empty object (no keys configured)', () => {
    expect(parseApiKeyMap('{}')).toEqual({ ok: true, value: new Map() });
  });

  it.each([
    ['text that is not JSON', '{"a": '],
    ['a JSON array', '["a"]'],
    ['JSON null', 'null'],
    ['a JSON string', '"a"'],
    ['a number value', '{"a": 5}'],
    ['a null value', '{"a": null}'],
    ['an object value', '{"a": {"secret": "AAAA"}}'],
    ['an empty key name', '{"": "AAAA"}'],
    ['a key name with spaces', '{" a": "AAAA"}'],
    ['a key name with non-ASCII characters', '{"clé": "AAAA"}'],
    ['base64 with characters outside the alphabet', '{"a": "AA*A"}'],
    ['base64url instead of base64', '{"a": "_-__"}'],
    ['base64 without padding', '{"a": "AAA"}'],
    ['base64 with surrounding whitespace', '{"a": " AAAA "}'],
  ])('rejects %s', (_what, json) => {
    const result = parseApiKeyMap(json);
    expect(result.ok ? 'ok' : result.error.code).toBe('ERR_AUTH_KEY_MAP_INVALID');
  });

  it('names the offending entry by position', () => {
    const result = parseApiKeyMap(JSON.stringify({ good: 'AAAA', bad: 7 }));
    expect(result).toMatchObject({ ok: false, error: { path: 'entries[1]' } });
  });

  it.each([
    ['invalid JSON', '{"key-with-secret-name": "TXlTdXBlclNlY3Jl'],
    ['invalid base64', '{"key-with-secret-name": "TXlTdXBlclNlY3Jl*"}'],
    ['a non-string value', '{"key-with-secret-name": ["TXlTdXBlclNlY3Jl"]}'],
  ])('keeps key names and secret values out of the problem for %s', (_what, json) => {
    const text = JSON.stringify(parseApiKeyMap(json));
    expect(text).not.toContain('key-with-secret-name');
    expect(text).not.toContain('TXlTdXBlclNlY3Jl');
  });
});

describe('development key pair', () => {
  it('is a valid API key map entry with a 32-byte secret', () => {
    const result = parseApiKeyMap(JSON.stringify({ [DEVELOPMENT_API_KEY]: DEVELOPMENT_CLIENT_SECRET_BASE64 }));
    expect(result.ok && result.value.get(DEVELOPMENT_API_KEY)?.length).toBe(32);
  });
});
