import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_RESERVE_CONNECTIONS } from '../../../runtime/src/server/connection-cap.js';
import { UpgradeRefusedError } from '../../../runtime/tools/simulator/genesys-client.js';
import { eventually, startTestServer, type TestServer } from '../../support/test-server.js';

function get(port: number, path: string, agent?: Agent): Promise<{ status: number; body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ...(agent === undefined ? {} : { agent }) }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openRaw(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('HTTP keep-alive behind a load balancer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps an idle keep-alive connection open past Node’s 5 s default, so the ALB can reuse it', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(server.port, '/health', agent);
    await new Promise((resolve) => setTimeout(resolve, 7_500));
    const second = await get(server.port, '/health', agent);
    agent.destroy();
    expect({ first: first.status, second: second.status, reused: second.reused }).toEqual({ first: 200, second: 200, reused: true });
  });
});

describe('connection cap', () => {
  let server: TestServer;
  const held: Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer({ MAX_SESSIONS: '2', MAX_CONNECTIONS: '3' });
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await server.close();
  });

  it('past the cap: reserved sockets answer only /health (503 otherwise), then new sockets are closed at once, with one log line and a count', async () => {
    for (let i = 0; i < 3; i += 1) held.push(await openRaw(server.port));
    await eventually(() => server.app.server.connections.open === 3);

    const health = await get(server.port, '/health');
    const other = await get(server.port, '/webhooks/rest/webhook');
    const upgrade = await server.connect().then(
      () => 'accepted',
      (error: unknown) => (error instanceof UpgradeRefusedError ? error.status : String(error)),
    );
    // Fill the reserve, then every further socket is closed without an answer.
    for (let i = 0; i < HEALTH_RESERVE_CONNECTIONS; i += 1) held.push(await openRaw(server.port));
    await eventually(() => server.app.server.connections.open === 3 + HEALTH_RESERVE_CONNECTIONS);
    const refused = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<string>((resolve) => {
            const socket = connect(server.port, '127.0.0.1');
            let data = '';
            socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
            socket.on('error', () => resolve(`error:${data}`));
            socket.on('close', () => resolve(`closed:${data}`));
            socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
          }),
      ),
    );
    expect({
      health: [health.status, (JSON.parse(health.body) as { status: string }).status],
      other: other.status,
      upgrade,
      refused: refused.map((r) => r.replace(/^error:/, 'closed:')),
      refusedCount: server.app.server.connections.refused,
      logLines: server.logs.filter((line) => line.msg === 'connection refused: at connection cap').length,
    }).toEqual({
      health: [200, 'atConnectionCap'],
      other: 503,
      upgrade: 503,
      refused: ['closed:', 'closed:', 'closed:'],
      refusedCount: 3,
      logLines: 1,
    });

    // Below the cap again, the server serves normally.
    for (const socket of held.splice(0)) socket.destroy();
    await eventually(() => server.app.server.connections.open === 0);
    const after = await get(server.port, '/health');
    expect((JSON.parse(after.body) as { status: string }).status).toBe('ok');
  });
});
