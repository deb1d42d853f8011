import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import { createBatchedItemReader } from './batched-item-reader.js';
import { createBatchedItemWriter } from './batched-item-writer.js';
import { chunkKeys, chunkReferences, joinLargeAttributes, splitLargeAttributes } from './large-attributes.js';
import type { ConversationState, SessionRecord, SessionStore, TranscriptEntry } from './ports.js';
import {
  SESSION_SORT_PREFIX,
  TTL_ATTRIBUTE,
  conversationKey,
  conversationPartition,
  fromConversationItem,
  fromSessionItem,
  sessionKey,
  toConversationItem,
  toSessionItem,
} from './session-items.js';
import { STORE_ERROR_CODES, storeConflict, toStoreError } from './store-errors.js';
import {
  assertWritableConversation,
  assertWritableSession,
  checkRetention,
  expiresAtSeconds,
  isExpired,
  sameRecord,
  type RetentionOptions,
} from './store-records.js';
import { TRANSCRIPT_SORT_PREFIX, assertWritableTranscript, fromTranscriptItem, toTranscriptItem } from './transcript-items.js';

/** Options of {@link createDynamoDbSessionStore}. */
export interface DynamoDbSessionStoreOptions {
  /** Built once by the composition root (see {@link toDocumentClient}). */
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Wall-clock time for `expiresAt` and for treating expired items as absent. */
  readonly clock: Clock;
  /** Days a record is kept after its last write. Default 30. */
  readonly retentionDays?: number;
  /**
   * How long a session create or finish waits for others to share its BatchWriteItem request (ms,
   * on the clock). Default 0: those of one turn of the event loop. Only for writes nobody awaits.
   */
  readonly createGatherMs?: number;
}

/** Wraps a low-level client the way the adapter needs it: plain JS values, `undefined` fields left out. */
export function toDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const CONDITION_FAILED = 'ConditionalCheckFailedException';

const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === CONDITION_FAILED;

/** Every item of a partition whose sort key starts with `sortKeyPrefix`, in sort-key order, page by page. */
async function queryPrefix(client: DynamoDBDocumentClient, TableName: string, pk: string, sortKeyPrefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const output = await client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': sortKeyPrefix },
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
  } catch (error) {
    throw toStoreError('Query', error);
  }
  return items;
}

/** Removes chunk items no current item points to; best effort, they expire with their TTL anyway. */
async function deleteChunks(client: DynamoDBDocumentClient, TableName: string, pk: string, item: Record<string, unknown> | undefined): Promise<void> {
  const keys = [...chunkReferences(item, CHUNKED_ATTRIBUTES)].flatMap(([attribute, reference]) => chunkKeys(pk, attribute, reference));
  await Promise.all(keys.map((Key) => client.send(new DeleteCommand({ TableName, Key })).catch(() => undefined)));
}

/** Writes a state's chunk items before the item that points to them; on failure none is left behind. */
async function writeChunks(
  client: DynamoDBDocumentClient,
  TableName: string,
  pk: string,
  item: Record<string, unknown>,
  chunks: readonly Record<string, unknown>[],
): Promise<void> {
  try {
    await Promise.all(chunks.map((chunk) => client.send(new PutCommand({ TableName, Item: chunk }))));
  } catch (error) {
    await deleteChunks(client, TableName, pk, item);
    throw toStoreError('PutItem', error);
  }
}

/** The put of conversation `version`: it lands only on version − 1 (version 1 may replace an expired leftover, which reads as absent). */
function conditionalConversationPut(TableName: string, item: Record<string, unknown>, version: number, nowSeconds: number): PutCommand {
  const first = version === 1;
  return new PutCommand({
    TableName,
    Item: item,
    ReturnValues: 'ALL_OLD',
    ConditionExpression: first ? 'attribute_not_exists(pk) OR #exp < :now' : '#version = :previous AND #exp >= :now',
    ExpressionAttributeNames: first ? { '#exp': TTL_ATTRIBUTE } : { '#exp': TTL_ATTRIBUTE, '#version': 'version' },
    ExpressionAttributeValues: first ? { ':now': nowSeconds } : { ':now': nowSeconds, ':previous': version - 1 },
  });
}

/**
 * The {@link SessionStore} on one DynamoDB table (design in `session-items.ts`). Conversation writes
 * use optimistic concurrency on `version`, and every write sets the TTL attribute `expiresAt`; reads
 * are strongly consistent and skip expired items, because DynamoDB deletes them only eventually.
 * Reads made together share BatchGetItem requests, and session creates and finishes made together
 * share BatchWriteItem requests (unconditional: the session writer orders a session's writes). Works against
 * DynamoDB and dynalite alike: no transactions, no TTL API, no ReturnValuesOnConditionCheckFailure.
 * SDK errors become AppErrors here.
 */
export function createDynamoDbSessionStore(options: DynamoDbSessionStoreOptions): SessionStore {
  const { client, tableName: TableName, clock } = options;
  const retention: RetentionOptions = checkRetention(options);
  const nowSeconds = (): number => Math.floor(clock.epochMs() / 1_000);
  // Item reads made together (a burst of opens each reading its conversation) share requests.
  const readItem = createBatchedItemReader(client, TableName, clock);
  // And so do session creates and finishes (each call writes its record at open and at its end).
  const putItem = createBatchedItemWriter(client, TableName, clock, options.createGatherMs);

  /** A session record written whole, in a shared BatchWriteItem: a session's create and its finish. */
  async function putSession(record: SessionRecord): Promise<void> {
    assertWritableSession(record);
    await putItem(toSessionItem(record, expiresAtSeconds(clock.epochMs(), retention)));
  }

  async function readConversation(conversationId: string): Promise<ConversationState | undefined> {
    const pk = conversationPartition(conversationId);
    // A writer replacing the state deletes the chunks it replaced: a read caught between the two
    // finds them gone and reads the (new) item again.
    for (let attempt = 1; ; attempt++) {
      const stored = await readItem(conversationKey(conversationId));
      if (stored === undefined) return undefined;
      let item: Record<string, unknown>;
      try {
        item = await joinLargeAttributes(stored, CHUNKED_ATTRIBUTES, (prefix) => queryPrefix(client, TableName, pk, prefix));
      } catch (error) {
        if (attempt < 3) continue;
        throw toStoreError('Query', error);
      }
      const { state, expiresAt } = fromConversationItem(item);
      return isExpired(expiresAt, clock.epochMs()) ? undefined : state;
    }
  }

  return {
    getConversation: readConversation,

    async putConversation(next) {
      assertWritableConversation(next);
      // A state too large for one item goes into chunk items first; the item then points to them.
      const { item, chunks } = splitLargeAttributes(toConversationItem(next, expiresAtSeconds(clock.epochMs(), retention)), CHUNKED_ATTRIBUTES, TTL_ATTRIBUTE);
      const pk = conversationPartition(next.conversationId);
      await writeChunks(client, TableName, pk, item, chunks);
      try {
        const output = await client.send(conditionalConversationPut(TableName, item, next.version, nowSeconds()));
        // The replaced state's chunks are no longer referenced.
        await deleteChunks(client, TableName, pk, output.Attributes);
      } catch (error) {
        // Unknown outcome (the write may have landed): keep the chunks; they expire with the item.
        if (!isConditionFailure(error)) throw toStoreError('PutItem', error);
        // The condition failed, so this write did not land and its chunks are orphans.
        await deleteChunks(client, TableName, pk, item);
        // A retried write whose first attempt landed (the answer was lost) is not a conflict.
        const stored = await readConversation(next.conversationId);
        if (stored !== undefined && sameRecord(stored, next)) return;
        throw storeConflict(next.conversationId, error);
      }
    },

    createSession: putSession,

    // The same batched put as the create: 4,000 calls ending together were 4,000 UpdateItems, about a ms of CPU each.
    finishSession: putSession,

    async getSession(conversationId, sessionId) {
      const item = await readItem(sessionKey(conversationId, sessionId));
      if (item === undefined) return undefined;
      const { record, expiresAt } = fromSessionItem(item);
      return isExpired(expiresAt, clock.epochMs()) ? undefined : record;
    },

    async listSessions(conversationId) {
      const records: SessionRecord[] = [];
      for (const item of await queryPrefix(client, TableName, conversationPartition(conversationId), SESSION_SORT_PREFIX)) {
        const { record, expiresAt } = fromSessionItem(item);
        if (!isExpired(expiresAt, clock.epochMs())) records.push(record);
      }
      return records.sort((a, b) => a.startedAtMs - b.startedAtMs || a.sessionId.localeCompare(b.sessionId));
    },

    appendTranscript: (conversationId, entries) =>
      appendTranscriptItems(client, TableName, conversationId, entries, expiresAtSeconds(clock.epochMs(), retention)),

    async readTranscript(conversationId) {
      const items = await queryPrefix(client, TableName, conversationPartition(conversationId), TRANSCRIPT_SORT_PREFIX);
      return items
        .map((item) => fromTranscriptItem(item))
        .filter(({ expiresAt }) => !isExpired(expiresAt, clock.epochMs()))
        .map(({ entry }) => entry);
    },
  };
}

/** Items per BatchWriteItem request (the API's maximum). */
const BATCH_WRITE_ITEMS = 25;
/** Rounds of resending unprocessed items before the append counts as throttled (the queue backs off then). */
const BATCH_WRITE_ROUNDS = 3;

/**
 * Writes transcript items in batches of 25. Items DynamoDB leaves unprocessed (throttling) are sent
 * again at once, a few rounds; then the append rejects as throttled and the write-behind queue
 * retries the whole append later, which rewrites the same items (idempotent per `seq`).
 */
async function appendTranscriptItems(
  client: DynamoDBDocumentClient,
  TableName: string,
  conversationId: string,
  entries: readonly TranscriptEntry[],
  expiresAt: number,
): Promise<void> {
  assertWritableTranscript(conversationId, entries);
  const items = entries.map((entry) => toTranscriptItem(conversationId, entry, expiresAt));
  for (let start = 0; start < items.length; start += BATCH_WRITE_ITEMS) {
    let requests = items.slice(start, start + BATCH_WRITE_ITEMS).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 1; requests.length > 0; round += 1) {
      if (round > BATCH_WRITE_ROUNDS) {
        throw new AppError(STORE_ERROR_CODES.throttled, `DynamoDB BatchWriteItem left ${requests.length} items unprocessed`, { category: 'throttled' });
      }
      try {
        const output = await client.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
        requests = (output.UnprocessedItems?.[TableName] ?? []).flatMap((request) =>
          request.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: request.PutRequest.Item } }],
        );
      } catch (error) {
        throw toStoreError('BatchWriteItem', error);
      }
    }
  }
}

/** Conversation attributes that may outgrow an item (a long call's bot state: its transcript). */
const CHUNKED_ATTRIBUTES = ['botState'] as const;
