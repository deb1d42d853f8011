import { parseApiKeyMap } from './auth/api-key-map.js';
import { checkBotDefinitions } from './bot/bot-definitions.js';
import { createApp } from './compose/app.js';
import { findBotsDir } from './compose/bots-dir.js';
import { createRootLogger } from './compose/logger.js';
import { ENV } from './config/env-keys.js';
import { checkConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { formatStartupProblems, runStartupChecks, type StartupCheck } from './shared/startup-problems.js';
import { systemClock } from './shared/clock.js';
import { toError } from './shared/errors.js';

/**
 * Process entry (Fargate and `npm start`): load config, build the app, listen, and drain on SIGTERM
 * so no live call is cut: refuse new sessions, let live ones finish within DRAIN_TIMEOUT_MS, end the
 * rest properly, exit 0.
 */
async function main(): Promise<void> {
  const checked = checkConfig(process.env);
  const problems = await runStartupChecks(startupChecks(process.env, checked.config));
  const config = checked.config;
  if (config === undefined || problems.length > 0) {
    process.stderr.write(`${formatStartupProblems([...checked.problems, ...problems])}\n`);
    process.exit(1);
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

/**
 * Everything checked before the server starts, reported together with the environment's problems
 * (main() prints them all, without stack traces). A new start-up check goes here: return problems,
 * do not throw. Checks run even when the environment is invalid (`config` undefined), reading the
 * raw variables they need, so one start shows every mistake.
 */
function startupChecks(env: NodeJS.ProcessEnv, config: Config | undefined): StartupCheck[] {
  const rawKeys = env[ENV.AUDIOHOOK_API_KEYS];
  const apiKeysJson = config !== undefined ? config.apiKeysJson : rawKeys?.trim() === '' ? undefined : rawKeys;
  return [
    {
      name: ENV.AUDIOHOOK_API_KEYS,
      run: () => {
        if (apiKeysJson === undefined) return [];
        const parsed = parseApiKeyMap(apiKeysJson);
        return parsed.ok ? [] : [{ source: ENV.AUDIOHOOK_API_KEYS, message: parsed.error.detail ?? parsed.error.code }];
      },
    },
    {
      name: 'bot files',
      run: () => checkBotDefinitions(config?.botsDir ?? env[ENV.BOTS_DIR] ?? findBotsDir(), { clock: systemClock }),
    },
  ];
}

main().catch((error: unknown) => {
  // A known start-up failure is a message for the operator; anything else is a bug worth its stack.
  const known = error instanceof Error && 'problems' in error;
  process.stderr.write(`fatal: ${known ? error.message : (toError(error).stack ?? String(error))}\n`);
  process.exit(1);
});
