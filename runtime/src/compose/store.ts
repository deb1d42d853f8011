import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient, createNonceDynamoDbClient } from './aws-clients.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { TUNING } from './tuning.js';
import { createDynamoDbSessionStore, toDocumentClient } from '../store/dynamodb-session-store.js';
import { ensureSessionTable } from '../store/ensure-table.js';
import { startLocalDynalite } from '../store/local-dynalite.js';
import type { SessionStore } from '../store/ports.js';

/** The slice of configuration the store needs (SESSION_TABLE_NAME, SESSION_TTL_DAYS, LOCAL_DATA_DIR, AWS_REGION). */
export interface StoreCompositionOptions {
  /** DynamoDB table; absent = an embedded dynalite table in `localDataDir`. */
  readonly tableName?: string;
  /** Days records are kept after their last write (the `expiresAt` TTL). */
  readonly retentionDays: number;
  /** Folder of the embedded table's files (gitignored `.data` by default). */
  readonly localDataDir: string;
  readonly region?: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** With `tableName`: injected in tests (shared nonces use it too), built here otherwise. Unused for the local table. */
  readonly client?: DynamoDBClient;
}

/** The store the application uses, and how to release it. */
export interface ComposedStore {
  readonly store: SessionStore;
  /** `dynamodb` on AWS (a configured table), `local` for the embedded table. */
  readonly mode: 'dynamodb' | 'local';
  readonly tableName: string;
  /** The client shared nonces are written with, for a configured table (`dynamodb` mode): an injected client, else its own. */
  readonly nonceClient?: DynamoDBClient;
  /** Releases the SDK client and stops the embedded server, if any. Call after the drain. */
  close(): Promise<void>;
}

/** Name of the embedded table: as the CDK construct would create it, minus the stack prefix. */
export const LOCAL_TABLE_NAME = 'voice-bot-sessions';

/**
 * Builds the session store from configuration: the DynamoDB adapter on the configured table, or,
 * with no table configured, the same adapter on an embedded dynalite server bound to 127.0.0.1
 * (random port) with its data in `localDataDir`, the table created at start.
 */
export async function composeStore(options: StoreCompositionOptions): Promise<ComposedStore> {
  const { clock, logger, retentionDays } = options;
  if (options.tableName !== undefined) {
    const region = options.region === undefined ? {} : { region: options.region };
    const client = options.client ?? createDynamoDbClient(region);
    const nonceClient = options.client ?? createNonceDynamoDbClient(region);
    logger.info({ tableName: options.tableName }, 'session store: DynamoDB');
    return {
      store: createDynamoDbSessionStore({ client: toDocumentClient(client), tableName: options.tableName, clock, retentionDays, createGatherMs: TUNING.sessionCreateGatherMs }),
      nonceClient,
      mode: 'dynamodb',
      tableName: options.tableName,
      close: () => {
        if (options.client === undefined) {
          client.destroy();
          nonceClient.destroy();
        }
        return Promise.resolve();
      },
    };
  }

  const local = await startLocalDynalite(options.localDataDir);
  const client = createDynamoDbClient({
    endpoint: local.endpoint,
    region: options.region ?? 'local',
    // dynalite checks that requests are signed, not by whom.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await ensureSessionTable({ client, tableName: LOCAL_TABLE_NAME, clock });
  } catch (error) {
    client.destroy();
    await local.close();
    throw error;
  }
  logger.info({ dataDir: options.localDataDir, endpoint: local.endpoint }, 'session store: embedded local table');
  return {
    store: createDynamoDbSessionStore({ client: toDocumentClient(client), tableName: LOCAL_TABLE_NAME, clock, retentionDays, createGatherMs: TUNING.sessionCreateGatherMs }),
    mode: 'local',
    tableName: LOCAL_TABLE_NAME,
    async close() {
      client.destroy();
      await local.close();
    },
  };
}
