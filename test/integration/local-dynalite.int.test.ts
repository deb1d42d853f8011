import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StartupError } from '../../runtime/src/shared/startup-problems.js';
import { LOCK_FILE, startLocalDynalite } from '../../runtime/src/store/local-dynalite.js';

describe('the embedded local table (npm start without AWS)', () => {
  it('refuses a data directory another start is using, naming the process, and frees it on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-data-'));
    const first = await startLocalDynalite(dir);
    expect((await readFile(join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));

    const second = startLocalDynalite(dir);
    await expect(second).rejects.toBeInstanceOf(StartupError);
    await expect(second).rejects.toThrow(`in use by process ${process.pid}`);

    await first.close();
    const again = await startLocalDynalite(dir);
    await again.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-data-'));
    const gone = spawn(process.execPath, ['-e', '0']);
    const pid = gone.pid!;
    await new Promise((resolve) => gone.once('exit', resolve));
    await writeFile(join(dir, LOCK_FILE), `${pid}\n`);
    const local = await startLocalDynalite(dir);
    expect((await readFile(join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    await local.close();
  });
});
