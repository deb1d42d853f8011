import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpgradeRefusedError } from '../../../runtime/tools/simulator/genesys-client.js';
import { startDynalite, type TestDynalite } from '../../support/dynalite.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import type { SharedNonceOutcome } from '../../../runtime/src/store/dynamodb-nonce-store.js';

/** Two tasks behind one load balancer: the same Host header, one session table (dynalite). */
describe('replay protection across tasks', () => {
  let dynalite: TestDynalite;
  let a: TestServer;
  let b: TestServer;
  const HOST = 'bot.example.com';

  beforeAll(async () => {
    dynalite = await startDynalite();
    const tableName = await dynalite.createTable();
    a = await startTestServer({ SESSION_TABLE_NAME: tableName }, { dynamoDb: dynalite.newClient() });
    b = await startTestServer({ SESSION_TABLE_NAME: tableName }, { dynamoDb: dynalite.newClient() });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await dynalite.close();
  });

  it('refuses on a second task an upgrade captured from the first (same nonce, same signature)', async () => {
    const captured = {
      nonce: randomUUID().replaceAll('-', ''),
      sessionId: randomUUID(),
      signatureCreatedSec: Math.floor(Date.now() / 1_000),
      headers: { host: HOST },
      signAs: { authority: HOST },
    };
    const first = await a.connect(captured);
    const replay = await b.connect(captured).then(
      () => 'accepted',
      (error: unknown) => (error instanceof UpgradeRefusedError ? error.status : String(error)),
    );
    first.drop();
    expect({ replay, logged: b.logs.some((line) => line.code === 'ERR_AUTH_NONCE_REPLAYED') }).toEqual({ replay: 401, logged: true });
  });

  it('accepts on the local replay cache alone while DynamoDB is down (availability of calls first)', async () => {
    await dynalite.stop();
    try {
      const client = await b.connect({ headers: { host: HOST }, signAs: { authority: HOST } });
      const opened = await client.openProbe();
      client.drop();
      expect({ opened: opened.type, logged: b.logs.some((line) => line.code === 'ERR_AUTH_NONCE_STORE_UNAVAILABLE') }).toEqual({ opened: 'opened', logged: true });
    } finally {
      await dynalite.restart();
    }
  });
});

describe('an injected shared nonce store', () => {
  it('is the one an upgrade consults, in place of none for the embedded table', async () => {
    const seenElsewhere = randomUUID().replaceAll('-', '');
    const asked: string[] = [];
    const server = await startTestServer(
      {},
      {
        sharedNonces: {
          recordOnce: (nonce): Promise<SharedNonceOutcome> => {
            asked.push(nonce);
            return Promise.resolve(nonce === seenElsewhere ? 'replayed' : 'recorded');
          },
        },
      },
    );
    try {
      const fresh = randomUUID().replaceAll('-', '');
      const accepted = await server.connect({ nonce: fresh });
      accepted.drop();
      const replay = await server.connect({ nonce: seenElsewhere }).then(
        () => 'accepted',
        (error: unknown) => (error instanceof UpgradeRefusedError ? error.status : String(error)),
      );
      expect({ asked, replay, logged: server.logs.some((line) => line.code === 'ERR_AUTH_NONCE_REPLAYED') }).toEqual({ asked: [fresh, seenElsewhere], replay: 401, logged: true });
    } finally {
      await server.close();
    }
  });
});
