import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbNonceStore } from '../../runtime/src/store/dynamodb-nonce-store.js';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { observeCommands, startDynalite, type TestDynalite } from '../support/dynalite.js';

/**
 * The shared nonce store against dynalite, which has no transactions (UnknownOperationException):
 * nonces made together fall back to a conditional PutItem each, and the check still holds across
 * tasks. The transaction itself is tested at the SDK boundary (test/unit/store/dynamodb-nonce-store.test.ts).
 */
let dynalite: TestDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.close();
});

describe('shared nonce store on a DynamoDB without transactions (dynalite)', () => {
  it('records nonces made together with a PutItem each, tries no transaction after the first refusal, and a second task refuses them all', async () => {
    const tableName = await dynalite.createTable();
    const clientOfA = dynalite.newClient();
    const sentByA: string[] = [];
    observeCommands(clientOfA, (name) => sentByA.push(name));
    const taskA = createDynamoDbNonceStore({ client: clientOfA, tableName, clock: systemClock });
    const taskB = createDynamoDbNonceStore({ client: dynalite.newClient(), tableName, clock: systemClock });
    const expiresAt = Date.now() + 10_000;

    const first = await Promise.all(['n1', 'n2', 'n3'].map((nonce) => taskA.recordOnce(nonce, expiresAt)));
    const second = await Promise.all(['n4', 'n5'].map((nonce) => taskA.recordOnce(nonce, expiresAt)));
    const onOtherTask = await Promise.all(['n1', 'n2', 'n3', 'n4', 'n5'].map((nonce) => taskB.recordOnce(nonce, expiresAt)));

    expect({ first, second, onOtherTask, sentByA }).toEqual({
      first: ['recorded', 'recorded', 'recorded'],
      second: ['recorded', 'recorded'],
      onOtherTask: ['replayed', 'replayed', 'replayed', 'replayed', 'replayed'],
      sentByA: ['TransactWriteItemsCommand', 'PutItemCommand', 'PutItemCommand', 'PutItemCommand', 'PutItemCommand', 'PutItemCommand'],
    });
  });
});
