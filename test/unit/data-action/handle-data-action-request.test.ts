import { beforeEach, describe, expect, it } from 'vitest';
import type { KeyLookup } from '../../../runtime/src/auth/ports.js';
import {
  handleDataActionRequest,
  type BodyRead,
  type DataActionHttpRequest,
  type DataActionRouteDeps,
} from '../../../runtime/src/data-action/handle-data-action-request.js';
import { AppError } from '../../../runtime/src/shared/errors.js';
import { createMemorySessionStore } from '../../../runtime/src/store/memory-session-store.js';
import { FakeClock } from '../../support/fake-clock.js';
import { botsWith, capturingLogger, live, scriptedBot, switchableStore, type LogLine } from './data-action-helpers.js';

const KEY = 'good-key';

const post = (body: unknown, headers: Record<string, string> = {}, method = 'POST'): DataActionHttpRequest => ({
  method,
  headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...headers },
  readBody: () => Promise.resolve<BodyRead>({ kind: 'ok', text: typeof body === 'string' ? body : JSON.stringify(body) }),
});

describe('handleDataActionRequest', () => {
  let clock: FakeClock;
  let logs: LogLine[];
  let store: ReturnType<typeof switchableStore>;
  let keysAnswer: KeyLookup;
  let deps: DataActionRouteDeps;
  let bodyReads: number;

  beforeEach(async () => {
    clock = new FakeClock();
    logs = [];
    bodyReads = 0;
    store = switchableStore(createMemorySessionStore({ clock }));
    keysAnswer = { status: 'found', clientSecret: new Uint8Array() };
    const broken = scriptedBot('broken', () => Promise.reject(new AppError('ERR_BOT_TIMEOUT', 'slow', { category: 'unavailable' })));
    deps = {
      bots: await botsWith(clock, [broken]),
      store,
      clock,
      logger: capturingLogger(logs),
      keys: { lookup: (apiKey) => Promise.resolve(apiKey === KEY ? keysAnswer : { status: 'unknown' }) },
    };
  });

  const handle = (request: DataActionHttpRequest, over: Partial<DataActionRouteDeps> = {}) =>
    handleDataActionRequest(request, { ...deps, ...over }, live());
  const statusAndCode = async (request: DataActionHttpRequest) => {
    const response = await handle(request);
    return { status: response.status, code: (response.body as { error?: { code: string } }).error?.code };
  };

  it('answers a turn with 200 and the flat reply', async () => {
    const response = await handle(post({ sender: 'c-1', message: 'billing' }));
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: expect.objectContaining({ text: "You'll be connected to billing.", ended: true, botOutcome: 'transfer', turnCount: 1 }),
    });
  });

  it('logs one line per request with status and latency, without the message', async () => {
    await handle(post({ sender: 'c-1', message: 'my secret words' }));
    expect({
      lines: logs.filter((l) => l.msg === 'data action request').map((l) => ({ status: l.fields.status, hasLatency: typeof l.fields.latencyMs })),
      leaked: JSON.stringify(logs).includes('my secret words'),
    }).toEqual({ lines: [{ status: 200, hasLatency: 'number' }], leaked: false });
  });

  it('answers a method other than POST with 405 ERR_HTTP_METHOD_NOT_ALLOWED and Allow: POST', async () => {
    const response = await handle(post({}, {}, 'GET'));
    expect({ status: response.status, allow: response.headers.allow, code: (response.body as { error: { code: string } }).error.code }).toEqual({
      status: 405,
      allow: 'POST',
      code: 'ERR_HTTP_METHOD_NOT_ALLOWED',
    });
  });

  it('answers a missing X-API-KEY with 401 ERR_DATA_ACTION_UNAUTHORIZED and does not read the body', async () => {
    const request = post({ sender: 'c', message: 'x' }, { 'x-api-key': '' });
    const response = await handle({ ...request, readBody: () => ((bodyReads += 1), request.readBody()) });
    expect({ status: response.status, body: response.body, bodyReads }).toEqual({
      status: 401,
      body: { error: { code: 'ERR_DATA_ACTION_UNAUTHORIZED', message: 'Unauthorized' } },
      bodyReads: 0,
    });
  });

  it('answers an unknown X-API-KEY exactly like a missing one', async () => {
    const [missing, unknown] = await Promise.all([handle(post({}, { 'x-api-key': '' })), handle(post({}, { 'x-api-key': 'guess' }))]);
    expect({ status: unknown.status, same: JSON.stringify(unknown.body) === JSON.stringify(missing.body) }).toEqual({ status: 401, same: true });
  });

  it('answers an authentication failure no sooner than the configured delay', async () => {
    let settled = false;
    const pending = handle(post({}, { 'x-api-key': 'guess' }), { options: { authFailureDelayMs: 500 } }).then((r) => ((settled = true), r));
    await new Promise((resolve) => setImmediate(resolve));
    const before = settled;
    clock.advance(500);
    const response = await pending;
    expect({ before, status: response.status }).toEqual({ before: false, status: 401 });
  });

  it('answers 503 ERR_AUTH_KEYS_UNAVAILABLE with Retry-After when no keys could be loaded', async () => {
    keysAnswer = { status: 'unavailable', reason: 'Secrets Manager unreachable' };
    const response = await handle(post({ sender: 'c', message: 'x' }));
    expect({ status: response.status, retryAfter: response.headers['retry-after'], code: (response.body as { error: { code: string } }).error.code }).toEqual({
      status: 503,
      retryAfter: '2',
      code: 'ERR_AUTH_KEYS_UNAVAILABLE',
    });
  });

  it('answers a body of a non-JSON media type with 415 ERR_DATA_ACTION_UNSUPPORTED_MEDIA_TYPE', async () => {
    expect(await statusAndCode(post('<sender>c</sender>', { 'content-type': 'text/xml' }))).toEqual({
      status: 415,
      code: 'ERR_DATA_ACTION_UNSUPPORTED_MEDIA_TYPE',
    });
  });

  it('reads a form-encoded body as JSON (curl -d) and answers a real form body with 400 ERR_DATA_ACTION_INVALID_JSON', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await handle(post({ sender: 'c', message: '' }, form))).status).toBe(200);
    expect(await statusAndCode(post('sender=c', form))).toEqual({ status: 400, code: 'ERR_DATA_ACTION_INVALID_JSON' });
  });

  it('accepts application/json with a charset parameter', async () => {
    expect((await handle(post({ sender: 'c', message: '' }, { 'content-type': 'Application/JSON; charset=utf-8' }))).status).toBe(200);
  });

  it('answers a body over the limit with 413 ERR_DATA_ACTION_BODY_TOO_LARGE', async () => {
    const request = { ...post({}), readBody: () => Promise.resolve<BodyRead>({ kind: 'tooLarge' }) };
    expect(await statusAndCode(request)).toEqual({ status: 413, code: 'ERR_DATA_ACTION_BODY_TOO_LARGE' });
  });

  it('answers a body that does not parse with 400 ERR_DATA_ACTION_INVALID_JSON', async () => {
    expect(await statusAndCode(post('{"sender": "c", '))).toEqual({ status: 400, code: 'ERR_DATA_ACTION_INVALID_JSON' });
  });

  it('answers a JSON array with 400 ERR_DATA_ACTION_INVALID_JSON', async () => {
    expect(await statusAndCode(post([{ sender: 'c', message: 'x' }]))).toEqual({ status: 400, code: 'ERR_DATA_ACTION_INVALID_JSON' });
  });

  it('answers a missing field with 400 ERR_DATA_ACTION_INVALID_REQUEST naming the field', async () => {
    const response = await handle(post({ message: 'x' }));
    expect({ status: response.status, body: response.body }).toEqual({
      status: 400,
      body: {
        error: {
          code: 'ERR_DATA_ACTION_INVALID_REQUEST',
          message: 'Invalid request',
          path: 'sender',
          expected: expect.stringContaining('a string of 1-128 characters'),
        },
      },
    });
  });

  it('says what was expected for a mistyped field, an unknown field and a long message, never echoing the value', async () => {
    const expectedOf = async (body: unknown) => ((await handle(post(body))).body as { error: { expected?: string } }).error.expected;
    expect(await expectedOf({ sender: 'c', message: 5 })).toBe('a string: the caller\'s words, "" for no input');
    expect(await expectedOf({ sender: 'c', message: 'x', mesage: 'secret words' })).toBe(
      'no such field; the fields are sender, message, connectorId, variables, language, metadata',
    );
    expect(await expectedOf({ sender: 'c', message: 'x', language: 'not a tag!' })).toContain('language tag');
    expect(await expectedOf({ sender: 'c', message: 'x'.repeat(2_001) })).toBe('at most 2000 characters');
  });

  it('answers a mistyped field with 400 ERR_DATA_ACTION_INVALID_REQUEST', async () => {
    expect(await statusAndCode(post({ sender: 'c', message: ['hi'] }))).toEqual({ status: 400, code: 'ERR_DATA_ACTION_INVALID_REQUEST' });
  });

  it('answers a message over the limit with 400 ERR_DATA_ACTION_MESSAGE_TOO_LONG', async () => {
    expect(await statusAndCode(post({ sender: 'c', message: 'x'.repeat(2_001) }))).toEqual({ status: 400, code: 'ERR_DATA_ACTION_MESSAGE_TOO_LONG' });
  });

  it('answers an unknown bot with 404 ERR_DATA_ACTION_UNKNOWN_BOT', async () => {
    expect(await statusAndCode(post({ sender: 'c', message: 'x', connectorId: 'nobody' }))).toEqual({ status: 404, code: 'ERR_DATA_ACTION_UNKNOWN_BOT' });
  });

  it('answers a request for another bot than the conversation\'s with 409 ERR_DATA_ACTION_CONNECTOR_MISMATCH', async () => {
    await handle(post({ sender: 'c', message: '' }));
    expect(await statusAndCode(post({ sender: 'c', message: 'x', connectorId: 'account' }))).toEqual({
      status: 409,
      code: 'ERR_DATA_ACTION_CONNECTOR_MISMATCH',
    });
  });

  it('answers a store outage with 503 ERR_DATA_ACTION_STORE_UNAVAILABLE and Retry-After', async () => {
    store.down = true;
    const response = await handle(post({ sender: 'c', message: 'x' }));
    expect({ status: response.status, retryAfter: response.headers['retry-after'], code: (response.body as { error: { code: string } }).error.code }).toEqual({
      status: 503,
      retryAfter: '2',
      code: 'ERR_DATA_ACTION_STORE_UNAVAILABLE',
    });
  });

  it('answers a failing bot with 502 ERR_DATA_ACTION_BOT_FAILED', async () => {
    expect(await statusAndCode(post({ sender: 'c', message: 'x', connectorId: 'broken' }))).toEqual({ status: 502, code: 'ERR_DATA_ACTION_BOT_FAILED' });
  });

  it('answers two lost races in a row with 409 ERR_DATA_ACTION_CONFLICT', async () => {
    await handle(post({ sender: 'c', message: '' }));
    const behind = {
      ...store,
      putConversation: () => Promise.reject(new AppError('ERR_STORE_CONFLICT', 'lost', { category: 'invalidRequest' })),
    };
    const response = await handle(post({ sender: 'c', message: 'billing' }), { store: behind });
    expect({ status: response.status, code: (response.body as { error: { code: string } }).error.code }).toEqual({
      status: 409,
      code: 'ERR_DATA_ACTION_CONFLICT',
    });
  });

  it('logs the caller\'s message at debug only when caller data logging is on', async () => {
    await handle(post({ sender: 'c', message: 'my words' }), { options: { logCallerData: true } });
    expect(logs.filter((l) => l.fields.message === 'my words').map((l) => l.level)).toEqual(['debug']);
  });
});
