import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { delay, type Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { STORE_ERROR_CODES, toStoreError } from './store-errors.js';

/** Options of {@link ensureSessionTable}. Durations in ms. */
export interface EnsureTableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock: Clock;
  /** Give up waiting for ACTIVE after this long. Default 10 000. */
  readonly timeoutMs?: number;
  /** Pause between status checks. Default 25. */
  readonly pollMs?: number;
}

const isNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;

/**
 * Creates the session table the way the CDK `SessionTable` construct does (string `pk`/`sk`,
 * on-demand) unless it exists, then waits until it is ACTIVE. For the embedded local table and
 * tests only: on AWS the stack owns the table (and the TTL setting, which dynalite cannot take).
 */
export async function ensureSessionTable(options: EnsureTableOptions): Promise<void> {
  const { client, tableName: TableName, clock } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 25;
  const status = async (): Promise<string | undefined> => {
    try {
      return (await client.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus;
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException')) return undefined;
      throw toStoreError('DescribeTable', error);
    }
  };
  if ((await status()) === undefined) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      );
    } catch (error) {
      // Another process created it first: fine, wait for it like for our own.
      if (!isNamed(error, 'ResourceInUseException')) throw toStoreError('CreateTable', error);
    }
  }
  // CreateTable answers CREATING even when the table is ready at once (dynalite included).
  const deadline = clock.now() + timeoutMs;
  while ((await status()) !== 'ACTIVE') {
    if (clock.now() >= deadline) {
      throw new AppError(STORE_ERROR_CODES.unavailable, `table ${TableName} did not become ACTIVE`, { category: 'unavailable' });
    }
    await delay(clock, pollMs);
  }
}
