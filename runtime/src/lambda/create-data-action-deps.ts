import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../compose/aws-clients.js';
import { loadBots } from '../bot/bot-definitions.js';
import { composeKeyStore } from '../compose/keys.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { createDynamoDbSessionStore, toDocumentClient } from '../store/dynamodb-session-store.js';
import type { DataActionLambdaDeps } from './data-action-lambda.js';

/** What the cold start needs besides the config. */
export interface ColdStartDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Bots directory when BOTS_DIR is not set (next to the bundle). */
  readonly defaultBotsDir: string;
  /** Injected in tests; built here otherwise (one client per cold start). */
  readonly secretsManager?: SecretsManagerClient;
  readonly dynamoDb?: DynamoDBClient;
}

/**
 * The Lambda's composition root: API keys (Secrets Manager on AWS, or AUDIOHOOK_API_KEYS), bots
 * from BOTS_DIR and the DynamoDB session store. Only the DynamoDB adapter is used here, never the
 * embedded local table, so the bundle does not pull in dynalite. Throws when something required
 * is missing; the handler logs it and answers 500.
 */
export async function createDataActionDeps(config: Config, deps: ColdStartDeps): Promise<DataActionLambdaDeps> {
  const { clock, logger } = deps;
  if (config.sessionTableName === undefined) throw new Error('SESSION_TABLE_NAME must be set for the Data Action Lambda');
  const keys = composeKeyStore(config, { ...deps, developmentKeys: 'refused' });
  await keys.start();
  const bots = await loadBots(config.botsDir ?? deps.defaultBotsDir, { clock });
  const dynamoDb = deps.dynamoDb ?? createDynamoDbClient(config.awsRegion === undefined ? {} : { region: config.awsRegion });
  const store = createDynamoDbSessionStore({
    client: toDocumentClient(dynamoDb),
    tableName: config.sessionTableName,
    clock,
    retentionDays: config.sessionTtlDays,
  });
  logger.info({ connectorIds: bots.connectorIds, tableName: config.sessionTableName }, 'data action handler ready');
  return {
    keys,
    bots,
    store,
    clock,
    logger,
    options: { authFailureDelayMs: config.authFailureDelayMs, logCallerData: config.logCallerData },
  };
}

