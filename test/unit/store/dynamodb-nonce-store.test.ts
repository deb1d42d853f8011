import { DynamoDBClient, PutItemCommand, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDbNonceStore, NONCE_REQUEST_SPACING_MS, NONCE_WRITE_TIMEOUT_MS } from '../../../runtime/src/store/dynamodb-nonce-store.js';
import { FakeClock } from '../../support/fake-clock.js';

/**
 * The shared nonce store at the SDK boundary: the nonces of upgrades made close together share one
 * TransactWriteItems (dynalite, the tests' DynamoDB, has no transactions; the single-nonce path and
 * the fallback run against it in test/integration/store-nonces.int.test.ts).
 */
const TableName = 'sessions';
const sdk = mockClient(DynamoDBClient);
afterEach(() => sdk.reset());

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** A few turns of the event loop: the batcher's flush, the mocked answer and what follows it. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i += 1) await turn();
};

function setup() {
  const clock = new FakeClock({ epochMs: 1_700_000_000_000 });
  const client = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const store = createDynamoDbNonceStore({ client, tableName: TableName, clock });
  const expiresAt = clock.epochMs() + 10_000;
  return { clock, store, expiresAt };
}

/** The nonces of each request sent, in order: `put:<nonce>` or `transact:<nonce>,<nonce>…`. */
function requestsSent(): string[] {
  return sdk.calls().map((call) => {
    const input = call.args[0].input as { Item?: { pk: { S: string } }; TransactItems?: { Put: { Item: { pk: { S: string } } } }[] };
    if (input.TransactItems !== undefined) return `transact:${input.TransactItems.map((item) => item.Put.Item.pk.S.slice('NONCE#'.length)).join(',')}`;
    return `put:${String(input.Item?.pk.S).slice('NONCE#'.length)}`;
  });
}

const cancelled = (...codes: string[]): TransactionCanceledException =>
  new TransactionCanceledException({ message: `Transaction cancelled [${codes.join(', ')}]`, $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('shared nonce store: upgrades close together share a transaction', () => {
  it('sends a lone nonce at once, and the nonces recorded within the spacing after it in one TransactWriteItems', async () => {
    sdk.on(PutItemCommand).resolves({});
    sdk.on(TransactWriteItemsCommand).resolves({});
    const { clock, store, expiresAt } = setup();

    const first = await store.recordOnce('a', expiresAt);
    const later = [store.recordOnce('b', expiresAt), store.recordOnce('c', expiresAt)];
    await turn();
    const beforeSpacingEnds = requestsSent();
    clock.advance(NONCE_REQUEST_SPACING_MS);
    const outcomes = [first, ...(await Promise.all(later))];

    expect({ beforeSpacingEnds, sent: requestsSent(), outcomes }).toEqual({
      beforeSpacingEnds: ['put:a'],
      sent: ['put:a', 'transact:b,c'],
      outcomes: ['recorded', 'recorded', 'recorded'],
    });
  });

  it('writes each nonce of a transaction with the same condition as a lone one, under a client request token (what makes DynamoDB take a retried transaction once)', async () => {
    sdk.on(TransactWriteItemsCommand).resolves({});
    const { store, expiresAt } = setup();

    const outcomes = Promise.all([store.recordOnce('b', expiresAt), store.recordOnce('c', expiresAt)]);
    await turn();
    await outcomes;
    const input = sdk.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input;

    expect({ token: /^[0-9a-f-]{36}$/.test(input.ClientRequestToken ?? ''), first: input.TransactItems?.[0] }).toEqual({
      token: true,
      first: {
        Put: {
          TableName,
          Item: { pk: { S: 'NONCE#b' }, sk: { S: 'NONCE' }, entity: { S: 'nonce' }, expiresAt: { N: String(Math.ceil(expiresAt / 1_000)) } },
          ConditionExpression: 'attribute_not_exists(pk) OR #exp < :now',
          ExpressionAttributeNames: { '#exp': 'expiresAt' },
          ExpressionAttributeValues: { ':now': { N: '1700000000' } },
        },
      },
    });
  });

  it('refuses the nonce a cancelled transaction found recorded, and records the others in a request after it', async () => {
    sdk.on(TransactWriteItemsCommand).rejectsOnce(cancelled('None', 'ConditionalCheckFailed', 'None')).resolves({});
    const { clock, store, expiresAt } = setup();

    const outcomes = Promise.all(['a', 'b', 'c'].map((nonce) => store.recordOnce(nonce, expiresAt)));
    await settle();
    clock.advance(50);
    await settle();

    expect({ outcomes: await outcomes, sent: requestsSent() }).toEqual({
      outcomes: ['recorded', 'replayed', 'recorded'],
      sent: ['transact:a,b,c', 'transact:a,c'],
    });
  });

  it('tries again a nonce another task was writing at the same moment (TransactionConflict), and refuses it once that write landed', async () => {
    sdk
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict'))
      .rejectsOnce(cancelled('None', 'ConditionalCheckFailed'));
    sdk.on(PutItemCommand).resolves({});
    const { clock, store, expiresAt } = setup();

    const outcomes = Promise.all([store.recordOnce('a', expiresAt), store.recordOnce('b', expiresAt)]);
    await settle();
    clock.advance(50);
    await settle();
    clock.advance(100);
    await settle();

    expect({ outcomes: await outcomes, sent: requestsSent() }).toEqual({
      outcomes: ['recorded', 'replayed'],
      sent: ['transact:a,b', 'transact:a,b', 'put:a'],
    });
  });

  it('answers unavailable for every nonce of a transaction that failed for another reason (the upgrade goes on the local cache)', async () => {
    sdk.on(TransactWriteItemsCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'InternalServerError' }));
    const { store, expiresAt } = setup();

    const outcomes = Promise.all([store.recordOnce('a', expiresAt), store.recordOnce('b', expiresAt)]);
    await turn();

    expect(await outcomes).toEqual(['unavailable', 'unavailable']);
  });

  it('answers a nonce asked again while its first write is pending as replayed, and writes it once', async () => {
    sdk.on(PutItemCommand).resolves({});
    const { store, expiresAt } = setup();

    const outcomes = await Promise.all([store.recordOnce('a', expiresAt), store.recordOnce('a', expiresAt)]);

    expect({ outcomes, sent: requestsSent() }).toEqual({ outcomes: ['recorded', 'replayed'], sent: ['put:a'] });
  });

  it(`answers unavailable when no answer came within ${NONCE_WRITE_TIMEOUT_MS} ms`, async () => {
    sdk.on(PutItemCommand).callsFake(() => new Promise(() => undefined));
    const { clock, store, expiresAt } = setup();

    const outcome = store.recordOnce('a', expiresAt);
    await turn();
    clock.advance(NONCE_WRITE_TIMEOUT_MS);

    expect(await outcome).toBe('unavailable');
  });
});
