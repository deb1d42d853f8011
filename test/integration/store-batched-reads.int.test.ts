import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbSessionStore, toDocumentClient } from '../../runtime/src/store/dynamodb-session-store.js';
import type { SessionStore } from '../../runtime/src/store/ports.js';
import { conversationKey, toConversationItem } from '../../runtime/src/store/session-items.js';
import { STORE_ERROR_CODES } from '../../runtime/src/store/store-errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { observeCommands, startDynalite, untilTurns, type TestDynalite } from '../support/dynalite.js';
import { conversation, session } from '../unit/store/store-builders.js';

/**
 * Reads a burst of calls makes together (each open reads its conversation) share BatchGetItem
 * requests: one request per turn of the event loop instead of one per call, which is what an open
 * costs most under a reconnect storm. Against dynalite, with the requests counted at the SDK.
 */
let dynalite: TestDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.close();
});

describe('DynamoDB store: concurrent reads share BatchGetItem requests (dynalite)', () => {
  let store: SessionStore;
  let commands: string[];

  beforeEach(async () => {
    const tableName = await dynalite.createTable();
    const client = dynalite.newClient();
    commands = [];
    observeCommands(client, (name) => commands.push(name));
    store = createDynamoDbSessionStore({ client: toDocumentClient(client), tableName, clock: new FakeClock({ epochMs: 1_700_000_000_000 }) });
    await store.putConversation(conversation({ conversationId: 'a' }));
    await store.putConversation(conversation({ conversationId: 'b', turnCount: 3 }));
    await store.createSession(session({ conversationId: 'a', sessionId: 's1' }));
    commands = [];
  });

  it('answers reads started in the same turn with one request, each with its own item or none', async () => {
    const [a, b, missing, record] = await Promise.all([
      store.getConversation('a'),
      store.getConversation('b'),
      store.getConversation('nobody'),
      store.getSession('a', 's1'),
    ]);

    expect({ a: a?.conversationId, b: b?.turnCount, missing, record: record?.sessionId, commands }).toEqual({
      a: 'a',
      b: 3,
      missing: undefined,
      record: 's1',
      commands: ['BatchGetItemCommand'],
    });
  });

  it('asks once for a key read twice in the same turn (DynamoDB refuses duplicate keys)', async () => {
    const [first, second] = await Promise.all([store.getConversation('a'), store.getConversation('a')]);

    expect({ first: first?.conversationId, second: second?.conversationId, commands }).toEqual({ first: 'a', second: 'a', commands: ['BatchGetItemCommand'] });
  });

  it('splits more keys than one request carries (25, so that an answer never reaches the 16 MB cap) over several requests', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `c${i}`);

    const states = await Promise.all(ids.map((id) => store.getConversation(id)));

    expect({ found: states.filter((s) => s !== undefined).length, commands }).toEqual({ found: 0, commands: ['BatchGetItemCommand', 'BatchGetItemCommand', 'BatchGetItemCommand'] });
  });

  it('reads a key asked after its request left with a request of its own', async () => {
    const first = store.getConversation('a');
    await new Promise((resolve) => setImmediate(resolve));
    const second = store.getConversation('b');

    expect({ a: (await first)?.conversationId, b: (await second)?.conversationId, requests: commands.length }).toEqual({ a: 'a', b: 'b', requests: 2 });
  });
});

describe('DynamoDB store: what a batched read does with keys DynamoDB left unprocessed (SDK double)', () => {
  const TableName = 'sessions';
  const clock = new FakeClock({ epochMs: 1_700_000_000_000 });
  /** The item as the document client reads it back: maps as plain objects. */
  const itemOf = (id: string): Record<string, unknown> =>
    JSON.parse(JSON.stringify(toConversationItem(conversation({ conversationId: id }), 1_900_000_000), (_key, value: unknown): unknown => (value instanceof Map ? Object.fromEntries(value) : value))) as Record<string, unknown>;

  it('asks again for the unprocessed keys after a back-off, and answers every read', async () => {
    const sdk = mockClient(DynamoDBDocumentClient);
    sdk
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TableName]: [itemOf('a')] }, UnprocessedKeys: { [TableName]: { Keys: [conversationKey('b')] } } })
      .resolves({ Responses: { [TableName]: [itemOf('b')] } });
    const store = createDynamoDbSessionStore({ client: DynamoDBDocumentClient.from(dynalite.newClient()), tableName: TableName, clock });

    const reads = Promise.all([store.getConversation('a'), store.getConversation('b')]);
    await untilTurns(() => clock.pendingTimers > 0);
    clock.advance(1_000);
    const [a, b] = await reads;

    const asked = sdk.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TableName]?.Keys?.map((key) => String(key.pk)));
    expect({ a: a?.conversationId, b: b?.conversationId, asked }).toEqual({ a: 'a', b: 'b', asked: [['CONV#a', 'CONV#b'], ['CONV#b']] });
    sdk.restore();
  });

  it('gives up on a key still unprocessed after its attempts with a throttled store error, and answers the others', async () => {
    const sdk = mockClient(DynamoDBDocumentClient);
    sdk.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { pk: string }[] }> }) => {
      const keys = input.RequestItems[TableName]?.Keys ?? [];
      return {
        Responses: { [TableName]: keys.filter((key) => key.pk === 'CONV#a').map(() => itemOf('a')) },
        UnprocessedKeys: { [TableName]: { Keys: [conversationKey('b')] } },
      };
    });
    const store = createDynamoDbSessionStore({ client: DynamoDBDocumentClient.from(dynalite.newClient()), tableName: TableName, clock });

    const a = store.getConversation('a');
    const b = store.getConversation('b').catch((error: unknown) => error);
    const requests = (): number => sdk.commandCalls(BatchGetCommand).length;
    while (requests() < 3) {
      await untilTurns(() => clock.pendingTimers > 0 || requests() >= 3);
      clock.advance(5_000);
    }

    expect({ a: (await a)?.conversationId, b: ((await b) as { code?: string }).code, requests: requests() }).toEqual({
      a: 'a',
      b: STORE_ERROR_CODES.throttled,
      requests: 3,
    });
    sdk.restore();
  });

  it('fails every read of a request that failed with the store error of its cause', async () => {
    const sdk = mockClient(DynamoDBDocumentClient);
    sdk.on(BatchGetCommand).rejects(Object.assign(new Error('throughput'), { name: 'ProvisionedThroughputExceededException' }));
    const store = createDynamoDbSessionStore({ client: DynamoDBDocumentClient.from(dynalite.newClient()), tableName: TableName, clock });

    const outcomes = await Promise.all([store.getConversation('a'), store.getSession('a', 's1')].map((read) => read.then(() => 'read', (error: { code?: string }) => error.code)));

    expect(outcomes).toEqual([STORE_ERROR_CODES.throttled, STORE_ERROR_CODES.throttled]);
    sdk.restore();
  });
});
