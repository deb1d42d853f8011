import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createApp, type App, type AppDeps } from '../../runtime/src/compose/app.js';
import { loadConfig } from '../../runtime/src/config/load-config.js';
import { createRootLogger } from '../../runtime/src/compose/logger.js';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { GenesysClient, type GenesysClientOptions } from '../../runtime/tools/simulator/genesys-client.js';

/** A signing key pair (API key, base64 client secret) the test server accepts. */
export const SIGNED_KEY = { apiKey: 'test-signed-key', clientSecret: Buffer.from('integration-test-secret-0123456789').toString('base64') };
/** A key configured with an empty secret: unsigned requests allowed. */
export const UNSIGNED_KEY = { apiKey: 'test-unsigned-key', clientSecret: '' };

/** The Genesys organization test calls come from (unless a test overrides it). */
export const TEST_ORG_ID = '7e0c2a0e-1b7a-4c55-9d1e-0a0a0a0a0a01';
/** A Data Action key bound to {@link TEST_ORG_ID}, and one bound to another organization. */
export const DATA_ACTION_KEY = 'test-data-action-key';
export const OTHER_ORG_DATA_ACTION_KEY = 'test-data-action-key-other-org';
export const OTHER_ORG_ID = '7e0c2a0e-1b7a-4c55-9d1e-0a0a0a0a0a02';

export const BOTS_DIR = fileURLToPath(new URL('../../runtime/bots', import.meta.url));

export interface TestServer {
  readonly app: App;
  readonly port: number;
  /** JSON log lines written so far. */
  readonly logs: Record<string, unknown>[];
  /** LOCAL_DATA_DIR of this server (removed by `close`). */
  readonly dataDir: string;
  url(path?: string): string;
  /** Connects a Genesys client with the signed test key unless overridden. */
  connect(options?: Partial<GenesysClientOptions> & { path?: string }): Promise<GenesysClient>;
  close(): Promise<void>;
}

/**
 * Starts the real application (config loader, key store, bot catalog, server, paced writer) on
 * 127.0.0.1, port 0, with test keys and short timeouts. Logs are captured, not printed. `inject`
 * replaces adapters at their boundary: speech doubles, a mocked Secrets Manager client, the clock.
 * `AUDIOHOOK_API_KEYS: ''` in `env` removes the test keys (to use API_KEYS_SECRET_ID).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  inject: Partial<Pick<AppDeps, 'speech' | 'secretsManager' | 'clock' | 'dynamoDb' | 'sharedNonces' | 'bedrock' | 's3'>> = {},
): Promise<TestServer> {
  // Each server gets its own embedded table: LevelDB allows one process-wide owner per folder.
  const dataDir = mkdtempSync(join(tmpdir(), 'voice-bot-data-'));
  const config = loadConfig({
    LOCAL_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    AUDIOHOOK_API_KEYS: JSON.stringify({
      [SIGNED_KEY.apiKey]: SIGNED_KEY.clientSecret,
      [UNSIGNED_KEY.apiKey]: UNSIGNED_KEY.clientSecret,
    }),
    DATA_ACTION_API_KEYS: JSON.stringify({
      [DATA_ACTION_KEY]: { organizationId: TEST_ORG_ID },
      [OTHER_ORG_DATA_ACTION_KEY]: { organizationId: OTHER_ORG_ID },
    }),
    AUTH_FAILURE_DELAY_MS: '150',
    DRAIN_TIMEOUT_MS: '2000',
    SPEECH_MODE: 'offline',
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createRootLogger(config.logLevel, sink);
  const app = await createApp(config, { clock: systemClock, logger, defaultBotsDir: BOTS_DIR, ...inject });
  const address = await app.server.listen(0, '127.0.0.1');
  const base = `ws://127.0.0.1:${address.port}`;
  let closed = false;
  return {
    app,
    port: address.port,
    logs,
    dataDir,
    url: (path = '/audiohook/default') => `${base}${path}`,
    connect: ({ path, ...options } = {}) =>
      GenesysClient.connect({ url: `${base}${path ?? '/audiohook/default'}`, ...SIGNED_KEY, organizationId: TEST_ORG_ID, ...options }),
    async close() {
      if (closed) return;
      closed = true;
      if (!app.server.draining) await app.server.drain(0);
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `predicate` holds, polling every 10 ms, or rejects after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Opens a session, pings, closes: proof that the server still serves new calls. */
export async function assertServerStillWorks(server: TestServer): Promise<void> {
  const client = await server.connect();
  const opened = await client.open();
  if (opened.type !== 'opened') throw new Error(`expected opened, got ${opened.type}`);
  await client.ping();
  await client.close();
  await client.closed;
  if (client.violations.length > 0) throw new Error(`violations: ${client.violations.join('; ')}`);
}
