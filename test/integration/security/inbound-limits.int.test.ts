import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PCMU_MONO_OFFER, type GenesysClient } from '../../../runtime/tools/simulator/genesys-client.js';
import { SESSION_LOG_BUDGET } from '../../../runtime/src/shared/throttled-logger.js';
import { assertServerStillWorks, startTestServer, type TestServer } from '../../support/test-server.js';

/**
 * A hostile but authenticated peer sending as fast as its socket takes it. The outcome is checked
 * (disconnect error, socket gone, bounded log lines, other calls fine); how fast it happens is
 * measured by `npx tsx test/measure/hostile-peer.ts`, not asserted here.
 */
const LONG_TYPE = 'x'.repeat(65_000);

describe('per-session inbound limits against a flooding peer', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Debug level: the flood would otherwise log a line per message ("protocol problem", "message sent").
    server = await startTestServer({ LOG_LEVEL: 'debug' });
  });

  afterAll(async () => {
    await server.close();
  });

  const linesOf = (client: GenesysClient): number => server.logs.filter((line) => line.sessionId === client.sessionId).length;

  async function floodUntilClosed(client: GenesysClient, sendOne: (i: number) => void): Promise<{ code: number }> {
    let stop = false;
    const closed = client.closed.then((result) => {
      stop = true;
      return result;
    });
    // As fast as the socket takes it: refill the send buffer up to 1 MB, yield so the socket can
    // write (and tell us it closed), repeat. Client and server share this process's event loop.
    const ws = (client as unknown as { ws: { bufferedAmount: number } }).ws;
    for (let i = 0; !stop && i < 2_000_000; ) {
      while (client.socketOpen && ws.bufferedAmount < 1_000_000) sendOne(i++);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return closed;
  }

  it.each([
    ['a DTMF flood', (client: GenesysClient) => (i: number) => client.dtmf(String(i % 10)), 'Too many messages'],
    ['an unknown-type flood with a 65 KB type', (client: GenesysClient) => () => client.send(LONG_TYPE, {}), 'Too many messages'],
    ['audio at 50x real time', (client: GenesysClient) => () => client.sendAudio(new Uint8Array(8_000).fill(0xff)), 'Audio faster than real time'],
  ] as const)('%s ends that session with disconnect(error), a few log lines, and other calls go on', async (_name, sender, info) => {
    const client = await server.connect();
    await client.open({ media: [PCMU_MONO_OFFER] });
    const before = server.logs.length;
    const closed = await floodUntilClosed(client, sender(client));
    const disconnect = client.received.find((message) => message.type === 'disconnect');
    expect({ disconnect: disconnect?.parameters, closedCode: typeof closed.code }).toEqual({
      disconnect: { reason: 'error', info },
      closedCode: 'number',
    });
    const lines = linesOf(client);
    expect(lines).toBeLessThan(200);
    expect(lines).toBeLessThanOrEqual(SESSION_LOG_BUDGET.maxLinesPerWindow * 2 + 4);
    expect(server.logs.slice(before).some((line) => line.msg === 'inbound limit exceeded: ending session')).toBe(true);
    // No log line carries a client string longer than the budget allows.
    const longest = Math.max(...server.logs.slice(before).flatMap((line) => Object.values(line).filter((v) => typeof v === 'string').map((v) => (v).length)));
    expect(longest).toBeLessThan(SESSION_LOG_BUDGET.maxStringChars + 40);
    await assertServerStillWorks(server);
  });

  it('a normal call within the limits is untouched: a burst of 40 key presses and pings goes through', async () => {
    const client = await server.connect();
    await client.open({ media: [PCMU_MONO_OFFER] });
    for (let i = 0; i < 40; i += 1) client.dtmf('1');
    for (let i = 0; i < 5; i += 1) await client.ping();
    await client.close();
    expect(client.received.filter((m) => m.type === 'disconnect' && (m.parameters as { reason?: string }).reason === 'error')).toEqual([]);
  });
});
