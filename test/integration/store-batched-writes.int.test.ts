import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbSessionStore, toDocumentClient } from '../../runtime/src/store/dynamodb-session-store.js';
import type { SessionStore } from '../../runtime/src/store/ports.js';
import { STORE_ERROR_CODES } from '../../runtime/src/store/store-errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { observeCommands, startDynalite, untilTurns, type TestDynalite } from '../support/dynalite.js';
import { session } from '../unit/store/store-builders.js';

/**
 * Session creates a burst of calls makes together (each open creates its session record), and the
 * finishes of calls that end together, share BatchWriteItem requests: one request per turn of the
 * event loop instead of one per call. Against
 * dynalite, with the requests counted at the SDK; DynamoDB's partial answers with an SDK double.
 */
let dynalite: TestDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.close();
});

describe('DynamoDB store: session creates made together share BatchWriteItem requests (dynalite)', () => {
  let store: SessionStore;
  let commands: string[];

  beforeEach(async () => {
    const tableName = await dynalite.createTable();
    const client = dynalite.newClient();
    commands = [];
    observeCommands(client, (name) => commands.push(name));
    store = createDynamoDbSessionStore({ client: toDocumentClient(client), tableName, clock: new FakeClock({ epochMs: 1_700_000_000_000 }) });
  });

  it('writes creates started in the same turn with one request, each record readable afterwards', async () => {
    await Promise.all([
      store.createSession(session({ conversationId: 'a', sessionId: 's1' })),
      store.createSession(session({ conversationId: 'b', sessionId: 's2' })),
      store.createSession(session({ conversationId: 'b', sessionId: 's3', turnCount: 0, language: 'de-DE' })),
    ]);
    const written = [...commands];
    const stored = await Promise.all([store.getSession('a', 's1'), store.getSession('b', 's2'), store.getSession('b', 's3')]);

    expect({ written, stored }).toEqual({
      written: ['BatchWriteItemCommand'],
      stored: [session({ conversationId: 'a', sessionId: 's1' }), session({ conversationId: 'b', sessionId: 's2' }), session({ conversationId: 'b', sessionId: 's3', language: 'de-DE' })],
    });
  });

  it('splits more creates than one request carries (25) over several requests', async () => {
    await Promise.all(Array.from({ length: 60 }, (_, i) => store.createSession(session({ sessionId: `s${i}` }))));

    expect({ commands, listed: (await store.listSessions('conv-1')).length }).toEqual({
      commands: ['BatchWriteItemCommand', 'BatchWriteItemCommand', 'BatchWriteItemCommand', 'QueryCommand'],
      listed: 60,
    });
  });

  it('sends the finishes of calls that end together in one request too (not an UpdateItem each), each record whole', async () => {
    const ids = ['s1', 's2', 's3'];
    await Promise.all(ids.map((sessionId) => store.createSession(session({ sessionId }))));
    const finished = ids.map((sessionId, i) => session({ sessionId, outcome: 'completed', turnCount: i, outputVariables: { n: String(i) }, endedAtMs: 1_700_000_060_000 }));
    await Promise.all(finished.map((record) => store.finishSession(record)));
    const written = [...commands];

    expect({ written, listed: await store.listSessions('conv-1') }).toEqual({
      written: ['BatchWriteItemCommand', 'BatchWriteItemCommand'],
      listed: finished,
    });
  });

  it('writes a session created twice in the same turn once, as the later record (DynamoDB refuses duplicate keys)', async () => {
    await Promise.all([store.createSession(session({ language: 'en-US' })), store.createSession(session({ language: 'fr-FR' }))]);

    expect({ commands, stored: await store.getSession('conv-1', 'sess-1') }).toEqual({
      commands: ['BatchWriteItemCommand', 'BatchGetItemCommand'],
      stored: session({ language: 'fr-FR' }),
    });
  });
});

describe('DynamoDB store: session creates gathered for a while (createGatherMs) share requests (dynalite)', () => {
  it('sends the creates made within the gather window together, on the injected clock, and a full batch at once', async () => {
    const tableName = await dynalite.createTable();
    const client = dynalite.newClient();
    const sent: number[] = [];
    observeCommands(client, (name, input) => {
      const requests = (input as { RequestItems?: Record<string, unknown[]> }).RequestItems?.[tableName];
      if (name === 'BatchWriteItemCommand') sent.push(requests?.length ?? 0);
    });
    const clock = new FakeClock({ epochMs: 1_700_000_000_000 });
    const store = createDynamoDbSessionStore({ client: toDocumentClient(client), tableName, clock, createGatherMs: 20 });

    const first = store.createSession(session({ sessionId: 'early' }));
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(10);
    const second = store.createSession(session({ sessionId: 'later' }));
    await new Promise((resolve) => setImmediate(resolve));
    const beforeWindowEnds = [...sent];
    clock.advance(10);
    await Promise.all([first, second]);
    // 25 more at once: a full request does not wait for the window.
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.createSession(session({ sessionId: `burst-${i}` }))));

    expect({ beforeWindowEnds, sent, stored: (await store.listSessions('conv-1')).length }).toEqual({ beforeWindowEnds: [], sent: [2, 25], stored: 27 });
  });
});

describe('DynamoDB store: what a batched create does with items DynamoDB left unprocessed (SDK double)', () => {
  const TableName = 'sessions';
  const clock = new FakeClock({ epochMs: 1_700_000_000_000 });
  const sessionIds = (input: { RequestItems?: Record<string, { PutRequest?: { Item?: Record<string, unknown> } }[]> }): string[] =>
    (input.RequestItems?.[TableName] ?? []).map((request) => String(request.PutRequest?.Item?.sk));

  it('sends the unprocessed items again after a back-off, and settles every create', async () => {
    const sdk = mockClient(DynamoDBDocumentClient);
    sdk.on(BatchWriteCommand).callsFake((input: Parameters<typeof sessionIds>[0]) => {
      const requests = input.RequestItems?.[TableName] ?? [];
      // The first call leaves all but the first item unprocessed; later calls process everything.
      return sdk.commandCalls(BatchWriteCommand).length === 1 ? { UnprocessedItems: { [TableName]: requests.slice(1) } } : { UnprocessedItems: {} };
    });
    const store = createDynamoDbSessionStore({ client: DynamoDBDocumentClient.from(dynalite.newClient()), tableName: TableName, clock });

    const creates = Promise.all([store.createSession(session({ sessionId: 'a' })), store.createSession(session({ sessionId: 'b' })), store.createSession(session({ sessionId: 'c' }))]);
    await untilTurns(() => clock.pendingTimers > 0);
    clock.advance(1_000);
    await creates;

    const sent = sdk.commandCalls(BatchWriteCommand).map((call) => sessionIds(call.args[0].input));
    expect(sent).toEqual([
      ['SESSION#a', 'SESSION#b', 'SESSION#c'],
      ['SESSION#b', 'SESSION#c'],
    ]);
    sdk.restore();
  });

  it('rejects a create still unprocessed after its attempts with a throttled store error, and settles the others', async () => {
    const sdk = mockClient(DynamoDBDocumentClient);
    sdk.on(BatchWriteCommand).callsFake((input: Parameters<typeof sessionIds>[0]) => ({
      UnprocessedItems: { [TableName]: (input.RequestItems?.[TableName] ?? []).filter((request) => request.PutRequest?.Item?.sk === 'SESSION#b') },
    }));
    const store = createDynamoDbSessionStore({ client: DynamoDBDocumentClient.from(dynalite.newClient()), tableName: TableName, clock });

    const a = store.createSession(session({ sessionId: 'a' })).then(() => 'written');
    const b = store.createSession(session({ sessionId: 'b' })).catch((error: { code?: string }) => error.code);
    const requests = (): number => sdk.commandCalls(BatchWriteCommand).length;
    while (requests() < 3) {
      await untilTurns(() => clock.pendingTimers > 0 || requests() >= 3);
      clock.advance(5_000);
    }

    expect({ a: await a, b: await b, requests: requests() }).toEqual({ a: 'written', b: STORE_ERROR_CODES.throttled, requests: 3 });
    sdk.restore();
  });

  it('fails every create of a request that failed with the store error of its cause', async () => {
    const sdk = mockClient(DynamoDBDocumentClient);
    sdk.on(BatchWriteCommand).rejects(Object.assign(new Error('throughput'), { name: 'ProvisionedThroughputExceededException' }));
    const store = createDynamoDbSessionStore({ client: DynamoDBDocumentClient.from(dynalite.newClient()), tableName: TableName, clock });

    const outcomes = await Promise.all(
      [store.createSession(session({ sessionId: 'a' })), store.createSession(session({ sessionId: 'b' }))].map((create) =>
        create.then(() => 'written', (error: { code?: string }) => error.code),
      ),
    );

    expect(outcomes).toEqual([STORE_ERROR_CODES.throttled, STORE_ERROR_CODES.throttled]);
    sdk.restore();
  });
});
