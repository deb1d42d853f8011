import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isWellFormedConnectorId, pathPatternRegExp, ROUTE_PATH_PATTERNS, routeRequest } from '../../../runtime/src/server/routes.js';

describe('routeRequest', () => {
  it.each([
    ['/audiohook/default', 'default'],
    ['/audiohook/billing?x=1', 'billing'],
    ['/audiohookbilling', 'billing'],
    ['/audiohook', 'default'],
    ['/audiohook/', 'default'],
    ['/audiohook?x=1', 'default'],
    ['/audiohook/billing/', 'billing'],
    ['/audiohook/bill%69ng', 'billing'],
  ])('routes %s to the AudioHook connector %s', (target, connectorId) => {
    expect(routeRequest(target)).toEqual({ kind: 'audiohook', connectorId });
  });

  it('routes /health to the health check', () => {
    expect(routeRequest('/health')).toEqual({ kind: 'health' });
  });

  it('routes /health with a query string to the health check', () => {
    expect(routeRequest('/health?probe=alb')).toEqual({ kind: 'health' });
  });

  it('routes /webhooks/rest/webhook to the data action', () => {
    expect(routeRequest('/webhooks/rest/webhook')).toEqual({ kind: 'dataAction' });
  });

  it.each(['/other', '/', '', '/health/extra', '/Audiohook/billing', '/api/audiohook/billing'])('routes %j to notFound', (target) => {
    expect(routeRequest(target)).toEqual({ kind: 'notFound' });
  });

  it.each(['/audiohook/%E0%A4%A', '/audiohook/%', '/audiohook%zz'])('routes the malformed percent-encoding %s to notFound', (target) => {
    expect(routeRequest(target)).toEqual({ kind: 'notFound' });
  });

  it('keeps a connector id with an inner slash as decoded, for isWellFormedConnectorId to refuse', () => {
    const route = routeRequest('/audiohook/a/b');
    expect(route).toEqual({ kind: 'audiohook', connectorId: 'a/b' });
  });
});

describe('isWellFormedConnectorId', () => {
  it.each(['default', 'billing', 'Bot_2-en', 'a', 'x'.repeat(64)])('accepts %s', (id) => {
    expect(isWellFormedConnectorId(id)).toBe(true);
  });

  it.each([
    ['a path', 'a/b'],
    ['a parent reference', '..'],
    ['a dot', 'bot.json'],
    ['empty', ''],
    ['longer than 64 characters', 'x'.repeat(65)],
    ['a space', 'my bot'],
    ['a backslash', 'a\\b'],
    ['a trailing newline', 'billing\n'],
  ])('rejects %s', (_name, id) => {
    expect(isWellFormedConnectorId(id)).toBe(false);
  });

  it('rejects the connector id that routing decodes from an encoded traversal attempt', () => {
    const route = routeRequest('/audiohook/..%2F..%2Fetc%2Fpasswd');
    expect(route).toEqual({ kind: 'audiohook', connectorId: '../../etc/passwd' });
    expect(isWellFormedConnectorId('../../etc/passwd')).toBe(false);
  });
});

describe('ROUTE_PATH_PATTERNS (shared with the load balancer listener rules)', () => {
  const matches = (patterns: readonly string[], path: string): boolean => patterns.some((p) => pathPatternRegExp(p).test(path));
  const paths = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom('/audiohook', '/audiohook/', '/health', '/webhooks/rest/webhook', '/'), fc.string()).map(([a, b]) => a + b),
  );

  it('routes a path to a kind exactly when that kind has a pattern matching it', () => {
    fc.assert(
      fc.property(paths, (path) => {
        fc.pre(!path.includes('?'));
        const kind = routeRequest(path).kind;
        if (kind !== 'notFound') expect(matches(ROUTE_PATH_PATTERNS[kind], path)).toBe(true);
        if (kind === 'notFound') expect(matches(ROUTE_PATH_PATTERNS.health, path) || matches(ROUTE_PATH_PATTERNS.dataAction, path)).toBe(false);
      }),
    );
  });

  it.each(['/audiohookbilling', '/audiohook', '/audiohook/', '/audiohook/billing'])('lets the load balancer forward %s', (path) => {
    expect(routeRequest(path).kind).toBe('audiohook');
    expect(matches(ROUTE_PATH_PATTERNS.audiohook, path)).toBe(true);
  });

  it('treats pattern characters literally apart from * and ?', () => {
    expect(pathPatternRegExp('/a.b*').test('/a.bc')).toBe(true);
    expect(pathPatternRegExp('/a.b*').test('/axbc')).toBe(false);
    expect(pathPatternRegExp('/a?c').test('/abc')).toBe(true);
  });
});
