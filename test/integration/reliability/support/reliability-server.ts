import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../../../runtime/src/app.js';
import { loadConfig } from '../../../../runtime/src/config/load-config.js';
import { createRootLogger } from '../../../../runtime/src/create-logger.js';
import { systemClock } from '../../../../runtime/src/shared/clock.js';
import { GenesysClient } from '../../../../runtime/tools/simulator/genesys-client.js';
import { BOTS_DIR, SIGNED_KEY, UNSIGNED_KEY, type TestServer } from '../../../support/test-server.js';

/** What a reliability test may inject at the adapter boundaries (speech ports, SDK clients, time). */
export type ReliabilityDeps = Partial<Pick<AppDeps, 'speech' | 'secretsManager' | 'clock'>>;

/** The default test environment: signed and unsigned test keys, short auth delay, fast drain. */
export const TEST_KEYS_JSON = JSON.stringify({
  [SIGNED_KEY.apiKey]: SIGNED_KEY.clientSecret,
  [UNSIGNED_KEY.apiKey]: UNSIGNED_KEY.clientSecret,
});

/**
 * Starts the real application on 127.0.0.1:0 like `startTestServer`, but also lets a test inject the
 * Secrets Manager client (for aws-sdk-client-mock) and the clock. `env` overrides the defaults;
 * `withStaticKeys: false` leaves `AUDIOHOOK_API_KEYS` unset (to use `API_KEYS_SECRET_ID`).
 */
export async function startReliabilityServer(
  env: Record<string, string> = {},
  deps: ReliabilityDeps = {},
  options: { readonly withStaticKeys?: boolean } = {},
): Promise<TestServer> {
  // Each server gets its own embedded session table: LevelDB allows one owner per folder.
  const dataDir = await mkdtemp(join(tmpdir(), 'reliability-data-'));
  const config = loadConfig({
    LOCAL_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ...(options.withStaticKeys === false ? {} : { AUDIOHOOK_API_KEYS: TEST_KEYS_JSON }),
    AUTH_FAILURE_DELAY_MS: '50',
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
  const app = await createApp(config, { clock: systemClock, logger, defaultBotsDir: BOTS_DIR, ...deps });
  const address = await app.server.listen(0, '127.0.0.1');
  const base = `ws://127.0.0.1:${address.port}`;
  let closed = false;
  return {
    app,
    port: address.port,
    logs,
    url: (path = '/audiohook/default') => `${base}${path}`,
    connect: ({ path, ...rest } = {}) => GenesysClient.connect({ url: `${base}${path ?? '/audiohook/default'}`, ...SIGNED_KEY, ...rest }),
    async close() {
      if (closed) return;
      closed = true;
      if (!app.server.draining) await app.server.drain(0);
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A temporary bots directory holding `default.json` (the shipped one) plus the given definitions. */
export async function createBotsDir(bots: Readonly<Record<string, unknown>>): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'reliability-bots-'));
  await writeFile(join(dir, 'default.json'), await readFile(join(BOTS_DIR, 'default.json')));
  for (const [connectorId, definition] of Object.entries(bots)) {
    await writeFile(join(dir, `${connectorId}.json`), JSON.stringify(definition));
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `GET /health` as status and JSON body. */
export async function health(server: TestServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${server.port}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Resolves after `ms` of real time (integration tests only: sockets and real timers). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
