import { createApp } from './compose/app.js';
import { findBotsDir } from './compose/bots-dir.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { createRootLogger } from './compose/logger.js';
import { systemClock } from './shared/clock.js';
import { toError } from './shared/errors.js';

/**
 * Process entry (Fargate and `npm start`): load config, build the app, listen, and drain on SIGTERM
 * so no live call is cut: refuse new sessions, let live ones finish within DRAIN_TIMEOUT_MS, end the
 * rest properly, exit 0.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createRootLogger(config.logLevel);
  process.on('unhandledRejection', (reason) => logger.error({ err: toError(reason) }, 'unhandled rejection'));

  const app = await createApp(config, {
    clock: systemClock,
    logger,
    defaultBotsDir: findBotsDir(),
    // Embedded metric format lines are read from the task's log stream by CloudWatch.
    ...(config.nodeEnv === 'production' ? { writeMetricLine: (line: string) => process.stdout.write(`${line}\n`) } : {}),
  });
  const address = await app.server.listen(config.port, config.host);
  logger.info({ port: address.port, host: address.address }, 'listening');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for calls');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, activeSessions: app.server.activeSessions }, 'shutting down');
    app.server
      .drain(config.drainTimeoutMs)
      .then(() => app.stop())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: toError(error) }, 'drain failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${toError(error).stack ?? String(error)}\n`);
  process.exit(1);
});
