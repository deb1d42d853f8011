import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../shared/clock.js';
import { TTL_ATTRIBUTE } from './session-items.js';

/** What recording a nonce in the shared table came to. */
export type SharedNonceOutcome = 'recorded' | 'replayed' | 'unavailable';

/** Signature nonces recorded across every task of the service (one conditional write each). */
export interface SharedNonceStore {
  /** Records `nonce` until `expiresAtEpochMs`; `replayed` when another task (or this one) already did. Never rejects. */
  recordOnce(nonce: string, expiresAtEpochMs: number): Promise<SharedNonceOutcome>;
}

/** Longest wait for the conditional write; past it the outcome is `unavailable`. */
export const NONCE_WRITE_TIMEOUT_MS = 300;

/**
 * Nonces in the session table (`pk` = `NONCE#<nonce>`, `sk` = `NONCE`), written with
 * `attribute_not_exists(pk)` (or over an expired leftover) and the TTL attribute set to the end of
 * the signature's validity, so DynamoDB removes them on its own. One conversation partition is
 * never touched; the nonce is random, so writes spread over partitions.
 */
export function createDynamoDbNonceStore(options: {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: Clock;
  readonly timeoutMs?: number;
}): SharedNonceStore {
  const { client, tableName, clock } = options;
  const timeoutMs = options.timeoutMs ?? NONCE_WRITE_TIMEOUT_MS;
  return {
    async recordOnce(nonce, expiresAtEpochMs) {
      const controller = new AbortController();
      let cancel = (): void => undefined;
      const timeout = new Promise<SharedNonceOutcome>((resolve) => {
        cancel = clock.setTimer(timeoutMs, () => {
          controller.abort();
          resolve('unavailable');
        });
      });
      const write = client
        .send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: `NONCE#${nonce}`, sk: 'NONCE', entity: 'nonce', [TTL_ATTRIBUTE]: Math.ceil(expiresAtEpochMs / 1_000) },
            ConditionExpression: 'attribute_not_exists(pk) OR #exp < :now',
            ExpressionAttributeNames: { '#exp': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': Math.floor(clock.epochMs() / 1_000) },
          }),
          { abortSignal: controller.signal },
        )
        .then(
          (): SharedNonceOutcome => 'recorded',
          (error: unknown): SharedNonceOutcome =>
            error instanceof Error && error.name === 'ConditionalCheckFailedException' ? 'replayed' : 'unavailable',
        );
      try {
        return await Promise.race([write, timeout]);
      } finally {
        cancel();
      }
    },
  };
}
