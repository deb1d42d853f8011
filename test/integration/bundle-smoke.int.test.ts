import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_API_KEY, DEVELOPMENT_CLIENT_SECRET_BASE64 } from '../../runtime/src/auth/api-key-map.js';
import { GenesysClient } from '../../runtime/tools/simulator/genesys-client.js';
import { bundleRuntime } from '../../scripts/bundle.js';
import { readImageNodeRuntime } from '../../scripts/image-runtime.js';
import { startDynalite, type TestDynalite } from '../support/dynalite.js';

/**
 * Smoke-runs the very bundle the container image ships (dist/runtime as built by scripts/bundle.ts),
 * outside the repository so nothing resolves from the source tree: `node main.mjs` with the
 * Dockerfile's CMD flags and NODE_OPTIONS, configured as on Fargate: a DynamoDB table (here dynalite,
 * reached through the SDK's standard endpoint variable) and AWS-style credentials.
 */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the container bundle', () => {
  let workDir: string;
  let server: ChildProcessWithoutNullStreams;
  let port: number;
  let output = '';
  let dynamo: TestDynalite;
  let tableName: string;

  beforeAll(async () => {
    dynamo = await startDynalite();
    tableName = await dynamo.createTable();
    workDir = mkdtempSync(join(tmpdir(), 'bundle-smoke-'));
    const { mainFile } = await bundleRuntime({ outDir: join(workDir, 'image') });
    const image = readImageNodeRuntime();
    server = spawn(process.execPath, [...image.nodeArgs, mainFile], {
      cwd: join(workDir, 'image'),
      env: {
        NODE_OPTIONS: image.nodeOptions,
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        SPEECH_MODE: 'offline',
        DRAIN_TIMEOUT_MS: '500',
        SESSION_TABLE_NAME: tableName,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      },
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

  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
    await dynamo.close();
  });

  /** Session items of one voice session in the table (the bundle wrote them through the real adapter). */
  async function sessionItems(sessionId: string): Promise<number> {
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const result = await dynamo.doc.send(new ScanCommand({ TableName: tableName }));
    return (result.Items ?? []).filter((item) => item.sk === `SESSION#${sessionId}`).length;
  }

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
    await eventually(async () => (await sessionItems(call.sessionId)) === 1);

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
