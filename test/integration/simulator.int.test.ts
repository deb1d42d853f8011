import { execFile } from 'node:child_process';
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNED_KEY, startTestServer, type TestServer } from '../support/test-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Runs `npm run call` (runtime/tools/call.ts) as a separate process, as a user would. */
function call(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'runtime/tools/call.ts', ...args], { cwd: ROOT, timeout: 30_000 });
}

describe('the Genesys simulator (npm run call) against the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());
  const auth = (): string[] => ['--url', server.url(), '--api-key', SIGNED_KEY.apiKey, '--client-secret', SIGNED_KEY.clientSecret];

  it('drives a whole session: signed upgrade, open, real-time audio, ping, DTMF, close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'call-'));
    const { stdout } = await call([...auth(), '--max-seconds', '12', '--dtmf', '1', '--record', join(dir, 'bot.wav')]);
    expect(stdout).toContain('← opened seq=1 clientseq=1');
    expect(stdout).toContain('→ dtmf');
    expect(stdout).toContain('← pong');
    expect(stdout).toContain('summary: closed cleanly');
    const wav = await readFile(join(dir, 'bot.wav'));
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
  });

  it('runs a connection probe', async () => {
    const { stdout } = await call([...auth(), '--probe']);
    expect(stdout).toContain('"media":[]');
    expect(stdout).toContain('summary: closed cleanly');
  });

  it('exits non-zero and says why when the upgrade is refused', async () => {
    await expect(call(['--url', server.url(), '--api-key', 'wrong', '--client-secret', ''])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('HTTP 401'),
    });
  });

  it('rejects bad arguments before connecting, all of them at once, with exit code 2', async () => {
    await expect(call(['--url', server.url(), '--max-seconds', 'abc', '--dtmf', '1x', '--input', 'novalue'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--max-seconds expects a number[\s\S]*--dtmf expects keys[\s\S]*--input expects name=value/),
    });
    await expect(call(['--max-secs', '5'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--max-secs'") });
  });
});
