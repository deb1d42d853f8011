import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { ItemKey } from './session-items.js';
import { STORE_ERROR_CODES, toStoreError } from './store-errors.js';

/**
 * Keys per BatchGetItem request. DynamoDB allows 100, but answers at most 16 MB and leaves the rest
 * unprocessed: 25 items of at most 400 KB always fit, so an unprocessed key means throttling only.
 */
const MAX_KEYS_PER_REQUEST = 25;
/** Requests a key left unprocessed (DynamoDB was throttling) is asked in at most, the first included. */
const MAX_ATTEMPTS = 3;
/** Back-off before asking again for unprocessed keys, doubled per further attempt. */
const UNPROCESSED_BACKOFF_MS = 50;

/** A strongly consistent read of one item; rejects with a store AppError. */
export type ItemReader = (key: ItemKey) => Promise<Record<string, unknown> | undefined>;

interface PendingRead {
  readonly key: ItemKey;
  readonly waiters: { resolve: (item: Record<string, unknown> | undefined) => void; reject: (error: unknown) => void }[];
  attempts: number;
}

const keyId = (pk: unknown, sk: unknown): string => `${String(pk)}\u0000${String(sk)}`;

/**
 * Item reads of one table, answered by BatchGetItem: the reads asked during one turn of the event
 * loop (setImmediate, not a delay) go out together, up to 25 keys per request. Under a burst of
 * opens (a reconnect storm after a task is lost) each open's conversation read is one key of a
 * shared request instead of a request of its own (each costs the SDK's middleware, signing and an
 * HTTP exchange); a lone read still goes out at the end of its turn, so nothing waits for company.
 *
 * Keys DynamoDB leaves unprocessed (it throttles per item) are asked again after a back-off on the
 * injected clock and given up after {@link MAX_ATTEMPTS} with a throttled store error; a request
 * that fails fails each of its reads with the store error of its cause.
 */
export function createBatchedItemReader(client: DynamoDBDocumentClient, TableName: string, clock: Clock): ItemReader {
  /** Keys asked and not yet sent, by key id: a key asked twice before it is sent is asked once. */
  let waiting = new Map<string, PendingRead>();
  let flushScheduled = false;

  function schedule(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  }

  function flush(): void {
    flushScheduled = false;
    const reads = [...waiting.values()];
    waiting = new Map();
    for (let start = 0; start < reads.length; start += MAX_KEYS_PER_REQUEST) {
      const batch = reads.slice(start, start + MAX_KEYS_PER_REQUEST);
      // request() settles every read itself; this only keeps a bug in it from leaving reads hanging.
      request(batch).catch((error: unknown) => {
        for (const read of batch) for (const waiter of read.waiters) waiter.reject(toStoreError('BatchGetItem', error));
      });
    }
  }

  function askAgain(reads: PendingRead[]): void {
    const attempts = Math.max(...reads.map((read) => read.attempts));
    clock.setTimer(UNPROCESSED_BACKOFF_MS * 2 ** (attempts - 1), () => {
      for (const read of reads) {
        const id = keyId(read.key.pk, read.key.sk);
        // The same key asked afresh meanwhile: one read answers both.
        const fresh = waiting.get(id);
        if (fresh === undefined) waiting.set(id, read);
        else fresh.waiters.push(...read.waiters);
      }
      schedule();
    });
  }

  async function request(reads: PendingRead[]): Promise<void> {
    for (const read of reads) read.attempts += 1;
    let output;
    try {
      output = await client.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: reads.map((read) => read.key), ConsistentRead: true } } }));
    } catch (error) {
      const failure = toStoreError('BatchGetItem', error);
      for (const read of reads) for (const waiter of read.waiters) waiter.reject(failure);
      return;
    }
    const found = new Map<string, Record<string, unknown>>();
    for (const item of output.Responses?.[TableName] ?? []) found.set(keyId(item.pk, item.sk), item);
    const unprocessed = new Set((output.UnprocessedKeys?.[TableName]?.Keys ?? []).map((key) => keyId(key.pk, key.sk)));
    const again: PendingRead[] = [];
    for (const read of reads) {
      const id = keyId(read.key.pk, read.key.sk);
      if (!unprocessed.has(id)) for (const waiter of read.waiters) waiter.resolve(found.get(id));
      else if (read.attempts < MAX_ATTEMPTS) again.push(read);
      else for (const waiter of read.waiters) waiter.reject(unprocessedFailure(read.attempts));
    }
    if (again.length > 0) askAgain(again);
  }

  return (key) =>
    new Promise((resolve, reject) => {
      const id = keyId(key.pk, key.sk);
      const read = waiting.get(id);
      if (read !== undefined) read.waiters.push({ resolve, reject });
      else waiting.set(id, { key, waiters: [{ resolve, reject }], attempts: 0 });
      schedule();
    });
}

function unprocessedFailure(attempts: number): AppError {
  return new AppError(STORE_ERROR_CODES.throttled, `DynamoDB BatchGetItem left the key unprocessed ${attempts} times`, { category: 'throttled' });
}
