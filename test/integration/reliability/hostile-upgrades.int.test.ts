import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPacedSender } from '../../../runtime/src/audio/paced-sender.js';
import { DEFAULT_LINGER_MS } from '../../../runtime/src/protocol/index.js';
import { createAudioHookServer, type AudioHookServer } from '../../../runtime/src/server/http-server.js';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { headerMutation, mutateHeaders, rawUpgrade, signedGenesysHeaders, type RawAnswer } from '../../support/fuzz-upgrade.js';
import { assertServerStillWorks, SIGNED_KEY, type TestServer } from '../../support/test-server.js';
import { parseDictionary, serializeDictionary } from 'structured-headers';
import { sleep, startReliabilityServer } from './support/reliability-server.js';

const AUTH_DELAY_MS = 25;
const PATH = '/audiohook/default';

/** Median of a list of numbers. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Every header of a request, with the signature fields in canonical structured-field form. */
function parsedSignatureHeaders(headers: readonly (readonly [string, string])[]): Record<string, string> {
  return Object.fromEntries(
    headers.map(([name, value]) => {
      const lower = name.toLowerCase();
      if (lower === 'signature-input') return [lower, serializeDictionary(parseDictionary(value))];
      // A Signature member's parameters have no meaning (RFC 9421 §4.2: the value is the signature's
      // bytes) and the server ignores them, so `sig1=:…:;keyid="x"` carries the same signature.
      if (lower === 'signature') return [lower, serializeDictionary(new Map([...parseDictionary(value)].map(([label, [bytes]]) => [label, [bytes, new Map()]])))];
      return [lower, value.trim()];
    }),
  );
}

describe('hostile upgrade requests (real sockets)', () => {
  let server: TestServer;
  /** The answer every authentication failure must get, byte for byte. */
  let reference: RawAnswer;

  beforeAll(async () => {
    server = await startReliabilityServer({ AUTH_FAILURE_DELAY_MS: String(AUTH_DELAY_MS), LOG_LEVEL: 'warn' });
    reference = await rawUpgrade(server.port, PATH, signedGenesysHeaders(server.port, PATH, { apiKey: 'nobody', clientSecret: SIGNED_KEY.clientSecret }));
  });
  afterAll(async () => server.close());

  it('accepts an untampered signed raw upgrade (control: the fuzz starts from a valid request)', async () => {
    const answer = await rawUpgrade(server.port, PATH, signedGenesysHeaders(server.port, PATH, SIGNED_KEY));
    expect(answer.status).toBe(101);
    expect(reference.status).toBe(401);
  });

  it('refuses every tampered signature, structured field, id or key that changes what was signed with the identical 401, and keeps serving', async () => {
    const statuses = new Map<number, number>();
    // Four tampered upgrades at once per run: faster, and they race each other through the gate.
    await fc.assert(
      fc.asyncProperty(fc.array(headerMutation, { minLength: 4, maxLength: 4 }), async (mutations) => {
        const requests = mutations.flatMap((mutation) => {
          const original = signedGenesysHeaders(server.port, PATH, SIGNED_KEY);
          const headers = mutateHeaders(original, mutation);
          return headers === undefined ? [] : [{ original, headers }];
        });
        const answers = await Promise.all(requests.map(({ headers }) => rawUpgrade(server.port, PATH, headers)));
        for (const [i, answer] of answers.entries()) {
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 101) {
            // Only a change that parses to exactly what was signed may pass, e.g. a duplicate
            // parameter that RFC 8941 overwrites with the original value (same meaning, same nonce).
            const { original, headers } = requests[i]!;
            expect(parsedSignatureHeaders(headers)).toEqual(parsedSignatureHeaders(original));
            continue;
          }
          // Header bytes Node's HTTP parser rejects get its 400; everything else is an authentication failure.
          expect([400, 401]).toContain(answer.status);
          if (answer.status === 401) {
            expect({ headers: answer.headers, body: answer.body }).toEqual({ headers: reference.headers, body: reference.body });
            expect(answer.elapsedMs).toBeGreaterThanOrEqual(AUTH_DELAY_MS - 5);
          }
        }
      }),
      { numRuns: 40 },
    );
    expect(statuses.get(401) ?? 0).toBeGreaterThan(100);
    expect(server.app.server.activeSessions).toBe(0);
    await assertServerStillWorks(server);
  }, 30_000);

  it('refuses an upgrade whose headers exceed 16 KiB with 431, without authenticating it', async () => {
    const headers = [...signedGenesysHeaders(server.port, PATH, SIGNED_KEY), ['X-Padding', 'a'.repeat(20_000)] as const];
    const answer = await rawUpgrade(server.port, PATH, headers);
    // 431 comes from the HTTP parser: the request never reached authentication (which answers 401).
    expect(answer.status).toBe(431);
    await assertServerStillWorks(server);
  });

  it('answers an unknown key and a known key with a bad signature after the same fixed delay, so key lookups cannot be timed', async () => {
    const unknownKey: number[] = [];
    const badSignature: number[] = [];
    for (let i = 0; i < 15; i++) {
      const unknown = await rawUpgrade(server.port, PATH, signedGenesysHeaders(server.port, PATH, { apiKey: `nobody-${i}`, clientSecret: SIGNED_KEY.clientSecret }));
      const forged = await rawUpgrade(server.port, PATH, signedGenesysHeaders(server.port, PATH, { apiKey: SIGNED_KEY.apiKey, clientSecret: Buffer.from(`wrong-${i}`).toString('base64') }));
      expect([unknown.status, forged.status]).toEqual([401, 401]);
      expect(forged.body).toBe(unknown.body);
      unknownKey.push(unknown.elapsedMs);
      badSignature.push(forged.elapsedMs);
    }
    // Both distributions sit on the fixed delay: nothing answers sooner, and their medians agree
    // to within a few milliseconds (the work itself is negligible next to the delay).
    expect(Math.min(...unknownKey, ...badSignature)).toBeGreaterThanOrEqual(AUTH_DELAY_MS - 5);
    expect(median(unknownKey)).toBeLessThan(AUTH_DELAY_MS + 25);
    expect(median(badSignature)).toBeLessThan(AUTH_DELAY_MS + 25);
    expect(Math.abs(median(unknownKey) - median(badSignature))).toBeLessThan(8);
  });
});

describe('slow upgrade requests (slow-loris)', () => {
  const HEADERS_TIMEOUT_MS = 500;
  let audiohook: AudioHookServer;
  let port: number;

  beforeAll(async () => {
    // The HTTP server module alone, with a short headers timeout; authentication is never reached.
    audiohook = createAudioHookServer({
      options: {
        maxSessions: 10,
        authFailureDelayMs: 0,
        maxPayloadBytes: 256 * 1024,
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        session: { openTimeoutMs: 1_000, closeTimeoutMs: 1_000, idleTimeoutMs: 5_000, lingerMs: DEFAULT_LINGER_MS, supportedLanguages: ['en-US'] },
        closingBudgetMs: 500,
      },
      clock: systemClock,
      logger: silentLogger,
      authenticate: () => Promise.resolve({ ok: false, error: { code: 'ERR_AUTH_API_KEY_UNKNOWN' } }),
      connectors: { has: () => true },
      keysReadiness: () => ({ ready: true }),
      createWriter: (sink) => createPacedSender(sink, { packetBytes: 3_200, maxLeadMs: 1_000 }, systemClock, silentLogger),
    });
    port = (await audiohook.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => audiohook.drain(0));

  it('drops a connection that trickles its upgrade headers beyond the headers timeout', async () => {
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const startedAt = performance.now();
    socket.write(`GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
    // One header line every 100 ms, never the blank line that ends them; bounded at 5 s.
    for (let i = 0; i < 50 && !socket.destroyed; i++) {
      await sleep(100);
      if (!socket.destroyed) socket.write(`X-Trickle-${i}: x\r\n`);
    }
    const closedAt = await Promise.race([closed, sleep(1_000).then(() => Number.POSITIVE_INFINITY)]);
    socket.destroy();
    expect(closedAt - startedAt).toBeLessThan(HEADERS_TIMEOUT_MS + 1_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 15_000);
});
