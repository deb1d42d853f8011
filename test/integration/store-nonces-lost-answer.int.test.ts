import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNonceDynamoDbClient } from '../../runtime/src/compose/aws-clients.js';
import { createDynamoDbNonceStore } from '../../runtime/src/store/dynamodb-nonce-store.js';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { startDynalite, type TestDynalite } from '../support/dynalite.js';

/**
 * A nonce's write that reached DynamoDB but whose answer was lost (a dropped connection) must not
 * come back as a replay: the SDK retrying the conditional write would find the nonce it had just
 * written and the caller's genuine upgrade would be refused. In front of dynalite, a proxy that
 * forwards every request and drops the connection instead of the first answer.
 */
let dynalite: TestDynalite;
let proxy: Server;
let proxyEndpoint: string;
let requestsSeen = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
  proxy = createServer((request, response) => {
    requestsSeen += 1;
    const first = requestsSeen === 1;
    void buffer(request).then(async (payload) => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      const answer = await fetch(`${dynalite.endpoint}${request.url ?? '/'}`, { method: request.method ?? 'POST', headers, body: payload });
      const text = await answer.text();
      if (first) {
        response.socket?.destroy();
        return;
      }
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await dynalite.close();
});

describe('shared nonce store: an answer lost on the way back', () => {
  it('answers unavailable (the upgrade goes on the local cache), never replayed, for a lone nonce whose write landed but whose answer was lost (the nonce client makes one attempt)', async () => {
    const tableName = await dynalite.createTable();
    const client = createNonceDynamoDbClient({ endpoint: proxyEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const store = createDynamoDbNonceStore({ client, tableName, clock: systemClock });

    const outcome = await store.recordOnce('lost-answer', Date.now() + 10_000);
    client.destroy();

    expect({ outcome, requestsSeen }).toEqual({ outcome: 'unavailable', requestsSeen: 1 });
  });
});
