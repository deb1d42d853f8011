import {
  GetSecretValueCommand,
  InternalServiceError,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { GetSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { UpgradeRefusedError, type GenesysClient } from '../../../runtime/tools/simulator/genesys-client.js';
import { eventually, type TestServer } from '../../support/test-server.js';
import { createJumpClock } from './support/jump-clock.js';
import { health, startReliabilityServer, TEST_KEYS_JSON } from './support/reliability-server.js';

const SECRET_ID = 'audiohook/api-keys';
const REFRESH_MS = 10_000;

/** Either the upgrade was refused (status and parsed body), or it was accepted (then dropped). */
async function upgradeOutcome(attempt: Promise<GenesysClient>): Promise<{ status: number; body: unknown }> {
  try {
    const client = await attempt;
    const opened = await client.open();
    await client.close();
    return { status: 101, body: opened.type };
  } catch (error) {
    if (!(error instanceof UpgradeRefusedError)) throw error;
    return { status: error.status, body: JSON.parse(error.body) as unknown };
  }
}

/**
 * Secrets Manager outages at a cold start and at a background refresh, with the real key store and
 * server over real sockets; the SDK client is replaced by aws-sdk-client-mock (the AWS boundary).
 */
describe('Secrets Manager faults (API keys)', () => {
  const secretsManager = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const sm = mockClient(secretsManager);
  let outage = false;
  let server: TestServer | undefined;

  // AWSCURRENT holds the test keys; AWSPREVIOUS does not exist (a secret never rotated). During an
  // outage every call fails as the service does on a 500.
  sm.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => {
    if (outage) throw new InternalServiceError({ message: 'internal error', $metadata: { httpStatusCode: 500 } });
    if (input.VersionStage === 'AWSPREVIOUS') throw new ResourceNotFoundException({ message: 'no such version', $metadata: {} });
    return { SecretString: TEST_KEYS_JSON };
  });
  const fetches = (): number => sm.commandCalls(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).length;

  afterEach(async () => {
    await server?.close();
    server = undefined;
    outage = false;
  });

  it('refuses upgrades with 503 (not 401) and reports why on /health when no keys could be loaded at a cold start', async () => {
    outage = true;
    server = await startReliabilityServer({ API_KEYS_SECRET_ID: SECRET_ID }, { secretsManager }, { withStaticKeys: false });
    const s = server;
    expect(await health(s)).toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        reason: expect.stringContaining('InternalServiceError') as unknown,
        activeSessions: 0,
        connections: expect.objectContaining({ atCap: false }) as unknown,
      },
    });
    // A valid key and an unknown key get the same 503: nothing is revealed while keys are missing.
    for (const attempt of [s.connect(), s.connect({ apiKey: 'nobody' })]) {
      expect(await upgradeOutcome(attempt)).toEqual({ status: 503, body: { error: { code: 'ERR_AUTH_KEYS_UNAVAILABLE', message: 'Authentication unavailable' } } });
    }
  });

  it('starts accepting calls on its own once Secrets Manager recovers after a cold-start outage', async () => {
    outage = true;
    server = await startReliabilityServer({ API_KEYS_SECRET_ID: SECRET_ID }, { secretsManager }, { withStaticKeys: false });
    const s = server;
    expect((await health(s)).status).toBe(503);
    outage = false;
    // The store retries with a jittered back-off starting at 1 s.
    await eventually(() => s.app.keys.readiness().ready, 3_000);
    expect(await health(s)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await upgradeOutcome(s.connect())).toEqual({ status: 101, body: 'opened' });
  });

  it('keeps accepting the last good keys when a background refresh fails', async () => {
    const clock = createJumpClock();
    server = await startReliabilityServer(
      { API_KEYS_SECRET_ID: SECRET_ID, API_KEYS_REFRESH_MS: String(REFRESH_MS) },
      { secretsManager, clock },
      { withStaticKeys: false },
    );
    const s = server;
    expect(await upgradeOutcome(s.connect())).toEqual({ status: 101, body: 'opened' });
    outage = true;
    const before = fetches();
    clock.jump(REFRESH_MS);
    await eventually(() => fetches() > before, 2_000);
    // Two more failed attempts on the retry back-off (≤ 1 s, then ≤ 2 s).
    clock.jump(2_000);
    clock.jump(4_000);
    await eventually(() => fetches() >= before + 2, 2_000);
    expect(await health(s)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await upgradeOutcome(s.connect())).toEqual({ status: 101, body: 'opened' });
  });

  it('refuses an unknown key with 401, not 503, while a refresh fails and known keys still work', async () => {
    const clock = createJumpClock();
    server = await startReliabilityServer(
      { API_KEYS_SECRET_ID: SECRET_ID, API_KEYS_REFRESH_MS: String(REFRESH_MS) },
      { secretsManager, clock },
      { withStaticKeys: false },
    );
    const s = server;
    outage = true;
    const before = fetches();
    clock.jump(REFRESH_MS);
    await eventually(() => fetches() > before, 2_000);
    expect(await upgradeOutcome(s.connect({ apiKey: 'nobody' }))).toEqual({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'Unauthorized' } } });
    expect(await upgradeOutcome(s.connect())).toEqual({ status: 101, body: 'opened' });
  });
});
