import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_API_KEY, DEVELOPMENT_CLIENT_SECRET_BASE64 } from '../../runtime/src/auth/api-key-map.js';
import { GenesysClient } from '../../runtime/tools/simulator/genesys-client.js';
import { bundleRuntime } from '../../scripts/bundle.js';

/**
 * Smoke-runs the very bundle the container image ships (dist/runtime as built by scripts/bundle.ts),
 * outside the repository so nothing resolves from the source tree: plain `node main.mjs`, as the
 * Dockerfile's CMD runs it.
 */
describe('the container bundle', () => {
  let workDir: string;
  let server: ChildProcessWithoutNullStreams;
  let port: number;
  let output = '';

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'bundle-smoke-'));
    const { mainFile } = await bundleRuntime({ outDir: join(workDir, 'image') });
    server = spawn(process.execPath, [mainFile], {
      cwd: join(workDir, 'image'),
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', SPEECH_MODE: 'offline', DRAIN_TIMEOUT_MS: '500' },
    });
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    port = await new Promise<number>((resolve, reject) => {
      server.stdout.on('data', () => {
        const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      server.once('exit', (code) => reject(new Error(`bundle exited early (${code}): ${output}`)));
    });
  }, 60_000);

  afterAll(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  it('answers GET /health', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', activeSessions: 0 });
  });

  it('completes a signed session and a connection probe', async () => {
    const connect = (): Promise<GenesysClient> =>
      GenesysClient.connect({ url: `ws://127.0.0.1:${port}/audiohook/default`, apiKey: DEVELOPMENT_API_KEY, clientSecret: DEVELOPMENT_CLIENT_SECRET_BASE64 });
    const call = await connect();
    expect((await call.open()).type).toBe('opened');
    await call.ping();
    call.dtmf('1');
    await call.closed;
    // The image carries no offline synthesizer (it speaks through Polly), so without AWS credentials the
    // greeting fails and the call is handed back with the fallback outcome: a complete, orderly session.
    const disconnect = call.received.find((m) => m.type === 'disconnect');
    expect(disconnect?.parameters).toMatchObject({ reason: 'completed', outputVariables: { botOutcome: expect.any(String) } });
    expect(call.received.at(-1)?.type).toBe('closed');
    expect(call.violations).toEqual([]);

    const probe = await connect();
    expect(await probe.openProbe()).toMatchObject({ type: 'opened', parameters: { media: [] } });
    await probe.close();
  }, 30_000);

  it('drains and exits 0 on SIGTERM', async () => {
    server.kill('SIGTERM');
    const [code] = (await once(server, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
