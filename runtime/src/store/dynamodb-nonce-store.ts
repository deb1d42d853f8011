import { randomUUID } from 'node:crypto';
import { PutItemCommand, TransactWriteItemsCommand, type DynamoDBClient, type Put } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../shared/clock.js';
import { TTL_ATTRIBUTE } from './session-items.js';
import { createTurnBatcher, type BatchAnswer } from './turn-batcher.js';

/** What recording a nonce in the shared table came to. */
export type SharedNonceOutcome = 'recorded' | 'replayed' | 'unavailable';

/** Signature nonces recorded across every task of the service (one conditional write each). */
export interface SharedNonceStore {
  /** Records `nonce` until `expiresAtEpochMs`; `replayed` when another task (or this one) already did. Never rejects. */
  recordOnce(nonce: string, expiresAtEpochMs: number): Promise<SharedNonceOutcome>;
}

/** Longest wait for the conditional write; past it the outcome is `unavailable` (the client's request timeout too). */
export const NONCE_WRITE_TIMEOUT_MS = 300;

/**
 * Nonce requests of one task are at least this far apart: under a burst of upgrades the nonces
 * made meanwhile share one transaction (each waits at most this long more), while a lone
 * upgrade's nonce goes at once. A request costs the SDK about 1 ms of CPU on the benchmark's
 * machine whether it carries one nonce or ten (the performance log), so a burst of 200 upgrades a
 * second costs at most 50 requests a second instead of 200. Not longer: the upgrades of one
 * transaction complete together and their `open`s then queue behind each other (50 ms made groups
 * of about seven, and no better `opened` p99).
 */
export const NONCE_REQUEST_SPACING_MS = 20;

/** Nonces per TransactWriteItems (the API allows 100); a burst at the spacing fills a few. */
const MAX_NONCES_PER_TRANSACTION = 25;

interface NonceEntry {
  readonly nonce: string;
  readonly expiresAtEpochMs: number;
}

type WriteOutcome = Exclude<SharedNonceOutcome, 'unavailable'>;

/**
 * Nonces in the session table (`pk` = `NONCE#<nonce>`, `sk` = `NONCE`), written with
 * `attribute_not_exists(pk)` (or over an expired leftover) and the TTL attribute set to the end of
 * the signature's validity, so DynamoDB removes them on its own. One conversation partition is
 * never touched; the nonce is random, so writes spread over partitions.
 *
 * A lone nonce is a conditional `PutItem`. Nonces made within {@link NONCE_REQUEST_SPACING_MS} of
 * the last request share a `TransactWriteItems`, one conditional Put each, under a client request
 * token (DynamoDB takes a resent transaction once). A cancelled transaction names each Put's
 * reason: a failed condition is a replay; the others (cancelled with it, or in conflict with another
 * task writing the same nonce at that moment) are sent again. A DynamoDB-compatible store without transactions (dynalite, for
 * local runs and the tests) gets a `PutItem` per nonce from its first refusal on.
 *
 * The client must make one attempt per request: a `PutItem` resent after its answer was lost would
 * find its own nonce and refuse a genuine upgrade. Its request timeout is what ends a request
 * DynamoDB does not answer: requests go without per-call options (no abort signal), so a client
 * built with the SDK's middleware cache resolves its handler stack once per command (the composer's
 * nonce client).
 */
export function createDynamoDbNonceStore(options: {
  /** Low-level: the document client cannot cache its middleware. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock: Clock;
  readonly timeoutMs?: number;
}): SharedNonceStore {
  const { client, tableName, clock } = options;
  const timeoutMs = options.timeoutMs ?? NONCE_WRITE_TIMEOUT_MS;
  let transactions = true;

  const conditionalPut = (entry: NonceEntry): Put => ({
    TableName: tableName,
    Item: { pk: { S: `NONCE#${entry.nonce}` }, sk: { S: 'NONCE' }, entity: { S: 'nonce' }, [TTL_ATTRIBUTE]: { N: String(Math.ceil(entry.expiresAtEpochMs / 1_000)) } },
    ConditionExpression: 'attribute_not_exists(pk) OR #exp < :now',
    ExpressionAttributeNames: { '#exp': TTL_ATTRIBUTE },
    ExpressionAttributeValues: { ':now': { N: String(Math.floor(clock.epochMs() / 1_000)) } },
  });

  async function putEach(entries: readonly NonceEntry[]): Promise<BatchAnswer<WriteOutcome>> {
    const outcomes = await Promise.all(
      entries.map((entry) =>
        client.send(new PutItemCommand(conditionalPut(entry))).then(
          (): WriteOutcome => 'recorded',
          (error: unknown): WriteOutcome => {
            if (errorName(error) === 'ConditionalCheckFailedException') return 'replayed';
            throw error;
          },
        ),
      ),
    );
    return { results: new Map(entries.map((entry, i) => [entry.nonce, outcomes[i]!])), unprocessed: new Set() };
  }

  async function transact(entries: readonly NonceEntry[]): Promise<BatchAnswer<WriteOutcome>> {
    try {
      await client.send(new TransactWriteItemsCommand({ ClientRequestToken: randomUUID(), TransactItems: entries.map((entry) => ({ Put: conditionalPut(entry) })) }));
      return { results: new Map(entries.map((entry) => [entry.nonce, 'recorded'])), unprocessed: new Set() };
    } catch (error) {
      if (errorName(error) === 'UnknownOperationException') {
        transactions = false;
        return putEach(entries);
      }
      const reasons = cancellationReasons(error);
      if (reasons?.length !== entries.length) throw error;
      const results = new Map<string, WriteOutcome>();
      const unprocessed = new Set<string>();
      entries.forEach((entry, i) => {
        if (reasons[i] === 'ConditionalCheckFailed') results.set(entry.nonce, 'replayed');
        else unprocessed.add(entry.nonce);
      });
      return { results, unprocessed };
    }
  }

  const write = createTurnBatcher<NonceEntry, WriteOutcome>({
    clock,
    operation: 'TransactWriteItems',
    maxPerRequest: MAX_NONCES_PER_TRANSACTION,
    spacingMs: NONCE_REQUEST_SPACING_MS,
    idOf: (entry) => entry.nonce,
    send: (entries) => (entries.length === 1 || !transactions ? putEach(entries) : transact(entries)),
  });
  // Nonces being written: the same nonce again meanwhile is a replay (the batcher would answer both alike).
  const pending = new Set<string>();

  return {
    async recordOnce(nonce, expiresAtEpochMs) {
      if (pending.has(nonce)) return 'replayed';
      pending.add(nonce);
      const written = write({ nonce, expiresAtEpochMs }).then(
        (outcome): SharedNonceOutcome => outcome ?? 'unavailable',
        (): SharedNonceOutcome => 'unavailable',
      );
      void written.finally(() => pending.delete(nonce));
      let cancel = (): void => undefined;
      const timeout = new Promise<SharedNonceOutcome>((resolve) => {
        cancel = clock.setTimer(timeoutMs, () => resolve('unavailable'));
      });
      try {
        return await Promise.race([written, timeout]);
      } finally {
        cancel();
      }
    },
  };
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** The reason code of each action of a cancelled transaction, in the request's order. */
function cancellationReasons(error: unknown): (string | undefined)[] | undefined {
  if (errorName(error) !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return reasons?.map((reason) => reason.Code);
}
