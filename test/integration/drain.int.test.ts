import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GenesysClient, UpgradeRefusedError } from '../../runtime/tools/simulator/genesys-client.js';
import { DEVELOPMENT_API_KEY, DEVELOPMENT_CLIENT_SECRET_BASE64 } from '../../runtime/src/auth/api-key-map.js';
import { startTestServer } from '../support/test-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('graceful drain', () => {
  it('refuses new sessions with 503 and reports draining on /health while live calls finish on their own', async () => {
    const server = await startTestServer();
    const live = await server.connect({ path: '/audiohook/listen' });
    await live.open();
    const drained = server.app.server.drain(10_000);

    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'draining', activeSessions: 1 });
    await expect(server.connect()).rejects.toMatchObject({ status: 503 });

    await live.ping();
    await live.close();
    await drained;
    expect(live.received.map((m) => m.type)).toEqual(['opened', 'pong', 'closed']);
  });

  it('ends calls still live at the drain timeout with disconnect and a completed close transaction', async () => {
    const server = await startTestServer();
    const clients = await Promise.all([server.connect(), server.connect(), server.connect()]);
    await Promise.all(clients.map((c) => c.open()));
    const started = performance.now();
    await server.app.server.drain(300);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    for (const client of clients) {
      expect(client.received.map((m) => m.type)).toEqual(['opened', 'disconnect', 'closed']);
      expect(client.received[1]?.parameters).toEqual({ reason: 'error', info: 'Server shutting down' });
      expect(client.violations).toEqual([]);
    }
  });

  it('exits 0 on SIGTERM after ending the live call properly', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DRAIN_TIMEOUT_MS: '300', LOG_LEVEL: 'info', NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', () => {
        const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${output}`)));
    });
    const client = await GenesysClient.connect({
      url: `ws://127.0.0.1:${port}/audiohook/default`,
      apiKey: DEVELOPMENT_API_KEY,
      clientSecret: DEVELOPMENT_CLIENT_SECRET_BASE64,
    });
    await client.open();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(client.received.map((m) => m.type)).toEqual(['opened', 'disconnect', 'closed']);
    expect(output).toContain('"msg":"drained"');
    await expect(
      GenesysClient.connect({ url: `ws://127.0.0.1:${port}/audiohook/default`, apiKey: DEVELOPMENT_API_KEY }),
    ).rejects.not.toBeInstanceOf(UpgradeRefusedError);
  });
});
