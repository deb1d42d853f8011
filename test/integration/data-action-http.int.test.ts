import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDataActionKeys } from '../../runtime/src/auth/data-action-keys.js';
import { createStaticKeyStore } from '../../runtime/src/auth/static-key-store.js';
import { loadBots } from '../../runtime/src/bot/bot-definitions.js';
import { createDataActionHttpHandler } from '../../runtime/src/data-action/node-http-handler.js';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { silentLogger } from '../../runtime/src/shared/logger.js';
import { createDynamoDbSessionStore, toDocumentClient } from '../../runtime/src/store/dynamodb-session-store.js';
import { startDynalite, type TestDynalite } from '../support/dynalite.js';
import { BOTS_DIR } from '../unit/data-action/data-action-helpers.js';

const KEY = 'local-key';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: { code: string } };
}

describe('Data Action node:http handler on a real local server', () => {
  let dynalite: TestDynalite;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dynalite = await startDynalite();
    const bots = await loadBots(BOTS_DIR, { clock: systemClock });
    const tableName = await dynalite.createTable();
    const handler = createDataActionHttpHandler({
      keys: toDataActionKeys(createStaticKeyStore(new Map([[KEY, new TextEncoder().encode('00000000-0000-4000-8000-000000000001')]]))),
      bots,
      store: createDynamoDbSessionStore({ client: toDocumentClient(dynalite.newClient()), tableName, clock: systemClock }),
      clock: systemClock,
      logger: silentLogger,
    });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/rest/webhook`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dynalite.close();
  });

  const send = async (body: string, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> => {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': KEY, ...headers },
      ...(method === 'GET' ? {} : { body }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
  };
  const post = (json: unknown, headers?: Record<string, string>) => send(JSON.stringify(json), headers);

  it('answers a turn with 200 JSON and continues the conversation on the next request', async () => {
    const first = await post({ sender: 'conv-1', message: '' });
    const second = await post({ sender: 'conv-1', message: 'something else entirely' });
    expect({
      status: [first.status, second.status],
      type: first.headers.get('content-type'),
      cache: first.headers.get('cache-control'),
      texts: [first.body.text, second.body.text],
      turnCount: second.body.turnCount,
    }).toEqual({
      status: [200, 200],
      type: 'application/json; charset=utf-8',
      cache: 'no-store',
      texts: [
        'Hello there. Say billing, sales or support, or press 1, 2 or 3.',
        "Sorry, I didn't catch that. Say billing, sales or support, or press 1, 2 or 3.",
      ],
      turnCount: 2,
    });
  });

  it('answers a missing key with 401 ERR_DATA_ACTION_UNAUTHORIZED', async () => {
    const answer = await post({ sender: 'c', message: 'x' }, { 'x-api-key': '' });
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 401, code: 'ERR_DATA_ACTION_UNAUTHORIZED' });
  });

  it('answers a body over 64 KiB with 413 ERR_DATA_ACTION_BODY_TOO_LARGE', async () => {
    const answer = await post({ sender: 'c', message: 'x', metadata: { padding: 'x'.repeat(70_000) } });
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 413, code: 'ERR_DATA_ACTION_BODY_TOO_LARGE' });
  });

  it('answers a chunked body over the limit (no Content-Length) with 413 as well', async () => {
    const answer = await new Promise<{ status: number; code: string }>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as { error: { code: string } }).error.code }));
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i += 1) req.write('x'.repeat(10_000));
      req.end();
    });
    expect(answer).toEqual({ status: 413, code: 'ERR_DATA_ACTION_BODY_TOO_LARGE' });
  });

  it('answers a non-JSON media type with 415 ERR_DATA_ACTION_UNSUPPORTED_MEDIA_TYPE', async () => {
    const answer = await send('<sender>c</sender>', { 'content-type': 'text/xml' });
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 415, code: 'ERR_DATA_ACTION_UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers JSON sent as curl -d sends it (form content type)', async () => {
    const answer = await send(JSON.stringify({ sender: 'curl-1', message: 'billing' }), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(200);
  });

  it('answers invalid JSON with 400 ERR_DATA_ACTION_INVALID_JSON', async () => {
    const answer = await send('{not json');
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 400, code: 'ERR_DATA_ACTION_INVALID_JSON' });
  });

  it('answers a missing field with 400 ERR_DATA_ACTION_INVALID_REQUEST', async () => {
    const answer = await post({ sender: 'c' });
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 400, code: 'ERR_DATA_ACTION_INVALID_REQUEST' });
  });

  it('answers GET with 405 ERR_HTTP_METHOD_NOT_ALLOWED', async () => {
    const answer = await send('', {}, 'GET');
    expect({ status: answer.status, code: answer.body.error?.code, allow: answer.headers.get('allow') }).toEqual({
      status: 405,
      code: 'ERR_HTTP_METHOD_NOT_ALLOWED',
      allow: 'POST',
    });
  });

  it('answers 503 with Retry-After while DynamoDB is down', async () => {
    await dynalite.stop();
    let answer: Answer;
    try {
      answer = await post({ sender: 'conv-9', message: 'billing' });
    } finally {
      await dynalite.restart();
    }
    expect({ status: answer.status, code: answer.body.error?.code, retryAfter: answer.headers.get('retry-after') }).toEqual({
      status: 503,
      code: 'ERR_DATA_ACTION_STORE_UNAVAILABLE',
      retryAfter: '2',
    });
  });
});
