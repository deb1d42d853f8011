import { findBotsDir } from '../compose/bots-dir.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createRootLogger } from '../compose/logger.js';
import { systemClock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import { createDataActionDeps } from './create-data-action-deps.js';
import { createDataActionLambda } from './data-action-lambda.js';

/**
 * The Data Action Lambda (API Gateway HTTP API, payload 2.0; bundled by the CDK DataActionApi
 * construct). The only runtime module besides main.ts that reads `process.env`, once, at the cold
 * start's first invocation: SESSION_TABLE_NAME, API_KEYS_SECRET_ID, BOTS_DIR and the rest of the
 * config as for the server.
 */
export const handler = createDataActionLambda(async () => {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    // No logger exists before the config does; CloudWatch takes stderr as the function's log.
    process.stderr.write(`${error instanceof ConfigError ? error.message : toError(error).message}\n`);
    throw error;
  }
  const logger = createRootLogger(config.logLevel);
  try {
    return await createDataActionDeps(config, { clock: systemClock, logger, defaultBotsDir: findBotsDir() });
  } catch (error) {
    logger.error({ err: toError(error) }, 'data action cold start failed');
    throw error;
  }
});
