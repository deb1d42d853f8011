import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeStore } from '../../runtime/src/compose/store.js';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { silentLogger } from '../../runtime/src/shared/logger.js';
import { FakeClock } from '../support/fake-clock.js';
import { observeCommands, startDynalite, type TestDynalite } from '../support/dynalite.js';
import { conversation, session } from '../unit/store/store-builders.js';

describe('composeStore', () => {
  let dataDir: string;
  let dynalite: TestDynalite;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'voice-bot-store-'));
    dynalite = await startDynalite();
  });

  afterAll(async () => {
    await dynalite.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const local = () => composeStore({ retentionDays: 30, localDataDir: join(dataDir, 'nested', '.data'), clock: systemClock, logger: silentLogger });

  it('starts an embedded table in the local data folder when no table is configured', async () => {
    const composed = await local();
    try {
      await composed.store.putConversation(conversation());
      expect({ mode: composed.mode, stored: (await composed.store.getConversation('conv-1'))?.version }).toEqual({ mode: 'local', stored: 1 });
    } finally {
      await composed.close();
    }
  });

  it('keeps the embedded table\'s data across a restart', async () => {
    const first = await local();
    await first.store.putConversation(conversation({ conversationId: 'kept' }));
    await first.close();
    const second = await local();
    try {
      expect((await second.store.getConversation('kept'))?.conversationId).toBe('kept');
    } finally {
      await second.close();
    }
  });

  it('uses the configured table through the given client when SESSION_TABLE_NAME is set', async () => {
    const tableName = await dynalite.createTable();
    const composed = await composeStore({
      tableName,
      retentionDays: 30,
      localDataDir: dataDir,
      clock: systemClock,
      logger: silentLogger,
      client: dynalite.client,
    });
    await composed.store.putConversation(conversation());
    const direct = await dynalite.doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'CONV#conv-1', sk: 'STATE' } }));
    await composed.close();
    expect({ mode: composed.mode, tableName: composed.tableName, found: direct.Item !== undefined }).toEqual({ mode: 'dynamodb', tableName, found: true });
  });

  it('writes shared nonces with a client of their own when none is injected: one attempt per request, the middleware cached', async () => {
    const composed = await composeStore({ tableName: 'sessions', region: 'eu-west-1', retentionDays: 30, localDataDir: dataDir, clock: systemClock, logger: silentLogger });
    const config = composed.nonceClient?.config;
    const settings = { attempts: await config?.maxAttempts(), cached: config?.cacheMiddleware };
    await composed.close();
    expect(settings).toEqual({ attempts: 1, cached: true });
  });

  it('sends the session creates of a 200-per-second burst of opens over 100 ms in one BatchWriteItem', async () => {
    const tableName = await dynalite.createTable();
    const client = dynalite.newClient();
    const sent: number[] = [];
    observeCommands(client, (name, input) => {
      if (name === 'BatchWriteItemCommand') sent.push((input as { RequestItems: Record<string, unknown[]> }).RequestItems[tableName]?.length ?? 0);
    });
    const clock = new FakeClock({ epochMs: 1_700_000_000_000 });
    const composed = await composeStore({ tableName, retentionDays: 30, localDataDir: dataDir, clock, logger: silentLogger, client });
    const creates: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      creates.push(composed.store.createSession(session({ sessionId: `burst-${i}` })));
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(5);
    }
    await Promise.all(creates);
    const stored = (await composed.store.listSessions('conv-1')).length;
    await composed.close();
    expect({ sent, stored }).toEqual({ sent: [20], stored: 20 });
  });
});
