import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../shared/clock.js';
import { itemId, type ItemKey } from './session-items.js';
import { createTurnBatcher } from './turn-batcher.js';

/**
 * Keys per BatchGetItem request. DynamoDB allows 100, but answers at most 16 MB and leaves the rest
 * unprocessed: 25 items of at most 400 KB always fit, so an unprocessed key means throttling only.
 */
const MAX_KEYS_PER_REQUEST = 25;

/** A strongly consistent read of one item; rejects with a store AppError. */
export type ItemReader = (key: ItemKey) => Promise<Record<string, unknown> | undefined>;

/**
 * Item reads of one table, answered by BatchGetItem: the reads asked during one turn of the event
 * loop go out together (see {@link createTurnBatcher}), so each open's conversation read under a
 * burst of opens is one key of a shared request. A key asked twice before it is sent is asked once.
 */
export function createBatchedItemReader(client: DynamoDBDocumentClient, TableName: string, clock: Clock): ItemReader {
  return createTurnBatcher<ItemKey, Record<string, unknown>>({
    clock,
    operation: 'BatchGetItem',
    maxPerRequest: MAX_KEYS_PER_REQUEST,
    idOf: (key) => itemId(key.pk, key.sk),
    async send(Keys) {
      const output = await client.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [...Keys], ConsistentRead: true } } }));
      return {
        results: new Map((output.Responses?.[TableName] ?? []).map((item) => [itemId(item.pk, item.sk), item])),
        unprocessed: new Set((output.UnprocessedKeys?.[TableName]?.Keys ?? []).map((key) => itemId(key.pk, key.sk))),
      };
    },
  });
}
