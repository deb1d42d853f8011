import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpgradeRefusedError, type GenesysClient } from '../../runtime/tools/simulator/genesys-client.js';
import { assertServerStillWorks, SIGNED_KEY, startTestServer, UNSIGNED_KEY, type TestServer } from '../support/test-server.js';

const AUTH_DELAY_MS = 150;

/** Expects the upgrade to be refused; returns status, body and how long the answer took. */
async function refused(attempt: Promise<GenesysClient>): Promise<{ status: number; body: unknown; elapsedMs: number }> {
  const started = performance.now();
  try {
    const client = await attempt;
    client.drop();
  } catch (error) {
    if (!(error instanceof UpgradeRefusedError)) throw error;
    return { status: error.status, body: JSON.parse(error.body) as unknown, elapsedMs: performance.now() - started };
  }
  throw new Error('upgrade was accepted');
}

describe('authentication at upgrade (real sockets)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_FAILURE_DELAY_MS: String(AUTH_DELAY_MS) });
  });
  afterAll(async () => server.close());

  it('accepts a correctly signed upgrade and answers open with opened seq 1, clientseq 1', async () => {
    const client = await server.connect();
    const opened = await client.open();
    expect(opened).toMatchObject({ type: 'opened', seq: 1, clientseq: 1, version: '2', id: client.sessionId });
    await client.close();
    expect(client.violations).toEqual([]);
  });

  it('accepts an unsigned upgrade for a key configured with an empty secret', async () => {
    const client = await server.connect({ ...UNSIGNED_KEY });
    expect((await client.open()).type).toBe('opened');
    await client.close();
  });

  const failures: [string, () => Promise<GenesysClient>][] = [
    ['no API key', () => server.connect({ headers: { 'X-API-KEY': '' } })],
    ['an unknown API key', () => server.connect({ apiKey: 'nobody', clientSecret: SIGNED_KEY.clientSecret })],
    ['a signature made with the wrong secret', () => server.connect({ clientSecret: randomBytes(32).toString('base64') })],
    ['an unsigned request for a key that has a secret', () => server.connect({ clientSecret: '' })],
    ['a stale signature', () => server.connect({ signatureCreatedSec: Math.floor(Date.now() / 1000) - 120 })],
    ['a signature from the future', () => server.connect({ signatureCreatedSec: Math.floor(Date.now() / 1000) + 120 })],
    ['a tampered session id header', () => server.connect({ headers: { 'Audiohook-Session-Id': '30b0e395-84d3-4570-ac13-9a62d8f514c0' } })],
    ['a tampered organization id header', () => server.connect({ headers: { 'Audiohook-Organization-Id': 'd7934305-0972-4844-938e-9060eef73d05' } })],
    ['a tampered correlation id header', () => server.connect({ headers: { 'Audiohook-Correlation-Id': 'e160e428-53e2-487c-977d-96989bf5c99d' } })],
    ['a signature made for another path', () => server.connect({ signAs: { requestTarget: '/audiohook/other' } })],
    ['a signature made for another host', () => server.connect({ signAs: { authority: 'bot.example.com' } })],
    ['a non-UUID session id', () => server.connect({ sessionId: 'not-a-uuid' })],
    ['a malformed Signature header', () => server.connect({ headers: { Signature: 'sig1=not base64' } })],
  ];

  it.each(failures)(
    'refuses %s with the same 401 answer after the minimum delay',
    async (_name, attempt) => {
      const answer = await refused(attempt());
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Unauthorized' } });
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(AUTH_DELAY_MS - 5);
      await assertServerStillWorks(server);
    },
  );

  it('refuses a replayed nonce although the signature itself is valid', async () => {
    const nonce = randomBytes(18).toString('base64');
    const ids = { sessionId: '0f0e0d0c-0b0a-4908-8706-050403020100', organizationId: '1f0e0d0c-0b0a-4908-8706-050403020100', correlationId: '2f0e0d0c-0b0a-4908-8706-050403020100' };
    const created = Math.floor(Date.now() / 1000);
    const first = await server.connect({ ...ids, nonce, signatureCreatedSec: created });
    first.drop();
    const answer = await refused(server.connect({ ...ids, nonce, signatureCreatedSec: created }));
    expect(answer.status).toBe(401);
    await assertServerStillWorks(server);
  });

  it('logs the failure code but never the key or the signature', async () => {
    await refused(server.connect({ clientSecret: randomBytes(32).toString('base64') }));
    const line = server.logs.filter((l) => l.msg === 'upgrade unauthorized').at(-1);
    expect(line?.code).toBe('ERR_AUTH_SIGNATURE_MISMATCH');
    const text = JSON.stringify(server.logs);
    expect(text).not.toContain(SIGNED_KEY.clientSecret);
    expect(text).not.toContain(SIGNED_KEY.apiKey);
  });

  it('logs how old a stale signature was and how long its connection had been open, so the delay can be placed', async () => {
    const created = Math.floor(Date.now() / 1000) - 20; // expires (created + 30 s) still ahead
    await refused(server.connect({ signatureCreatedSec: created }));
    const line = server.logs.filter((l) => l.msg === 'upgrade unauthorized').at(-1);
    expect(line?.code).toBe('ERR_AUTH_SIGNATURE_EXPIRED');
    expect(line?.detail).toMatch(/^older than the maximum signature age: 2\d{4} ms old, 7000 ms allowed/);
    // Refused within moments of its connection: the signature was old before it reached the server.
    expect(line?.sinceAcceptedMs).toEqual(expect.any(Number));
    expect(line?.sinceAcceptedMs as number).toBeLessThan(5_000);
  });

  it('ends a session whose open names another organization with disconnect unauthorized', async () => {
    const client = await server.connect();
    const answer = await client.open({ organizationId: '11111111-2222-4333-8444-555555555555' });
    expect(answer).toMatchObject({ type: 'disconnect', seq: 1, parameters: { reason: 'unauthorized' } });
    await client.closed;
    expect(client.received.map((m) => m.type)).toEqual(['disconnect', 'closed']);
    await assertServerStillWorks(server);
  });

  it('refuses an unknown connector id with 404 after authentication', async () => {
    const answer = await refused(server.connect({ path: '/audiohook/no-such-bot' }));
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: 'ERR_UPGRADE_UNKNOWN_CONNECTOR' } });
  });

  it('refuses an unknown connector id from a stranger with 401, not 404, so bots cannot be enumerated', async () => {
    const answer = await refused(server.connect({ path: '/audiohook/no-such-bot', apiKey: 'nobody' }));
    expect(answer.status).toBe(401);
  });

  it('refuses an upgrade outside /audiohook with 404', async () => {
    const answer = await refused(server.connect({ path: '/elsewhere' }));
    expect(answer.status).toBe(404);
  });
});
