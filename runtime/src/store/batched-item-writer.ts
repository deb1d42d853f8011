import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../shared/clock.js';
import { itemId } from './session-items.js';
import { createTurnBatcher } from './turn-batcher.js';

/** Items per BatchWriteItem request (the API's maximum). */
const MAX_ITEMS_PER_REQUEST = 25;

/** An unconditional put of one whole item; rejects with a store AppError. */
export type ItemWriter = (item: Record<string, unknown>) => Promise<void>;

/**
 * Item puts of one table, sent by BatchWriteItem: the puts made during one turn of the event loop,
 * or within `gatherMs`, go out together (see {@link createTurnBatcher}), so each open's session
 * create under a burst of opens is one item of a shared request. BatchWriteItem has no conditions:
 * a put replaces the item, and the caller orders the puts and updates of one item (the write-behind
 * queue's lanes do).
 */
export function createBatchedItemWriter(client: DynamoDBDocumentClient, TableName: string, clock: Clock, gatherMs = 0): ItemWriter {
  const put = createTurnBatcher<Record<string, unknown>, never>({
    clock,
    operation: 'BatchWriteItem',
    maxPerRequest: MAX_ITEMS_PER_REQUEST,
    gatherMs,
    idOf: (item) => itemId(item.pk, item.sk),
    async send(items) {
      const output = await client.send(new BatchWriteCommand({ RequestItems: { [TableName]: items.map((Item) => ({ PutRequest: { Item } })) } }));
      const unprocessed = (output.UnprocessedItems?.[TableName] ?? []).map((request) => request.PutRequest?.Item);
      return { results: new Map<string, never>(), unprocessed: new Set(unprocessed.map((item) => itemId(item?.pk, item?.sk))) };
    },
  });
  return async (item) => {
    await put(item);
  };
}
