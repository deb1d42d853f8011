import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Starts `runtime/src/main.ts` as `npm start` does, with only the given environment (plus PATH). */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'runtime/src/main.ts'], {
    cwd: ROOT,
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', SPEECH_MODE: 'offline', ...env },
  }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code: number | null; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
}

describe('start-up configuration checks', () => {
  it('reports problems in the environment, the API keys and every bot file together, with file and line, without stack traces', async () => {
    const bots = await mkdtemp(join(tmpdir(), 'bots-'));
    const good = await readFile(join(ROOT, 'runtime/bots/default.json'), 'utf8');
    // A schema problem on line 4 of default.json, and a JSON syntax error on line 3 of another file.
    await writeFile(join(bots, 'default.json'), good.replace('"greeting": "Hello', '"greeting": 42, "x": "Hello'));
    await writeFile(join(bots, 'broken.json'), '{\n  "type": "flow",\n  "language": ,\n}\n');

    const { code, stderr } = await start({ PORT: 'abc', LOG_LEVEL: 'loud', AUDIOHOOK_API_KEYS: '{"k": 1', BOTS_DIR: bots });

    expect(code).toBe(1);
    expect(stderr).toContain('the server cannot start');
    expect(stderr).toMatch(/^ {2}PORT: /m);
    expect(stderr).toMatch(/^ {2}LOG_LEVEL: /m);
    expect(stderr).toMatch(/^ {2}AUDIOHOOK_API_KEYS: /m);
    expect(stderr).toContain(`${join(bots, 'default.json')}:5: greeting:`);
    expect(stderr).toContain(`${join(bots, 'broken.json')}:3: file not readable JSON`);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses to start in production with hashed participant data and no salt (an unsalted phone-number hash is reversed in seconds)', async () => {
    const production = {
      NODE_ENV: 'production',
      PORT: '0',
      AUDIOHOOK_API_KEYS: JSON.stringify({ 'startup-test-key-0123456789': Buffer.from('startup-test-secret-0123456789abcdef').toString('base64') }),
    };

    const unsalted = await start(production);
    expect(unsalted.code).toBe(1);
    expect(unsalted.stderr).toMatch(/^ {2}PARTICIPANT_HASH_SALT: production with PARTICIPANT_DATA_POLICY=hash needs a salt/m);
    expect(unsalted.stderr).not.toMatch(/^\s+at /m);

    // Dropping participant data needs no salt: the same environment gets past the configuration check.
    const dropped = await start({ ...production, PARTICIPANT_DATA_POLICY: 'drop', PORT: 'not-a-port' });
    expect(dropped.stderr).not.toContain('PARTICIPANT_HASH_SALT');
    expect(dropped.stderr).toMatch(/^ {2}PORT: /m);
  });

  it('starts with a valid setup through npm start, and a SIGTERM to npm reaches the server, which drains and exits', async () => {
    // detached: the test can clean up the whole group if the signal does not get through.
    const dataDir = await mkdtemp(join(tmpdir(), 'data-'));
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, SPEECH_MODE: 'offline', PORT: '0', LOG_LEVEL: 'info', LOCAL_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        npm.stdout.on('data', () => out.includes('"msg":"listening"') && resolve());
        void exited.then((code) => reject(new Error(`exited ${String(code)} before listening: ${out}`)));
      });
      // The local data directory's lock names the server process (npm runs it through a shell).
      const serverPid = Number.parseInt(await readFile(join(dataDir, 'server.pid'), 'utf8'), 10);
      npm.kill('SIGTERM');
      await exited;
      // The server, not only npm, got the signal: it logs the drain and exits on its own.
      await expect.poll(() => out, { timeout: 20_000 }).toContain('"msg":"shutting down"');
      await expect.poll(() => isRunning(serverPid), { timeout: 20_000 }).toBe(false);
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
  }, 60_000);
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
