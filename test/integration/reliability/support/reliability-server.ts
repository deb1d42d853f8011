import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppDeps } from '../../../../runtime/src/compose/app.js';
import { BOTS_DIR, SIGNED_KEY, startTestServer, UNSIGNED_KEY, type TestServer } from '../../../support/test-server.js';

/** What a reliability test may inject at the adapter boundaries (speech ports, SDK clients, time). */
export type ReliabilityDeps = Partial<Pick<AppDeps, 'speech' | 'secretsManager' | 'clock'>>;

/** The default test environment: signed and unsigned test keys, short auth delay, fast drain. */
export const TEST_KEYS_JSON = JSON.stringify({
  [SIGNED_KEY.apiKey]: SIGNED_KEY.clientSecret,
  [UNSIGNED_KEY.apiKey]: UNSIGNED_KEY.clientSecret,
});

/**
 * The test server (`startTestServer`) with the reliability defaults: a short authentication delay and
 * info logs; `withStaticKeys: false` leaves the test keys out (to use `API_KEYS_SECRET_ID`).
 */
export function startReliabilityServer(
  env: Record<string, string> = {},
  deps: ReliabilityDeps = {},
  options: { readonly withStaticKeys?: boolean } = {},
): Promise<TestServer> {
  return startTestServer(
    {
      LOG_LEVEL: 'info',
      AUTH_FAILURE_DELAY_MS: '50',
      ...(options.withStaticKeys === false ? { AUDIOHOOK_API_KEYS: '' } : {}),
      ...env,
    },
    deps,
  );
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
