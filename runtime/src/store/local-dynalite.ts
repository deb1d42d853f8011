import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type createDynalite from 'dynalite';
import { StartupError } from '../shared/startup-problems.js';

/** An embedded DynamoDB-compatible server for local runs (never in the container or the Lambda). */
export interface LocalDynalite {
  /** `http://127.0.0.1:<port>` for the SDK client's `endpoint`. */
  readonly endpoint: string;
  /** Stops listening and closes the database (its files stay for the next start). */
  close(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1 at a random port with its LevelDB files in `dataDir` (created if
 * missing), so `npm start` keeps conversations across restarts without an AWS account.
 *
 * dynalite is a devDependency, present after `npm ci` and absent from the container image, so it
 * is loaded here only, on demand; a missing package fails with a message that says what to do.
 */
export async function startLocalDynalite(dataDir: string): Promise<LocalDynalite> {
  let dynalite: typeof createDynalite;
  try {
    ({ default: dynalite } = await import('dynalite'));
  } catch (error) {
    throw new Error('the embedded local table needs the dynalite package (npm ci installs it); on AWS set SESSION_TABLE_NAME', {
      cause: error,
    });
  }
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir);
  const server: Server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await unlock();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined || error === null ? resolve() : reject(error)));
        // The SDK keeps connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }).finally(unlock),
  };
}

/** Name of the file holding the pid of the process that uses a local data directory. */
export const LOCK_FILE = 'server.pid';

/**
 * Claims `dataDir` for this process. LevelDB allows one process per directory and, when a second
 * `npm start` opens it anyway, dynalite only says "Database is closed" later; this says which
 * process holds it instead. A lock left by a process that no longer runs is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 1; ; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === 3) throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
      throw new StartupError([
        {
          source: dataDir,
          message:
            `the local data directory is in use by process ${holder}${holder === process.pid ? ' (this one)' : ''}: ` +
            'another npm start is running there; stop it, or set LOCAL_DATA_DIR to another directory',
        },
      ]);
    }
    await rm(file, { force: true }); // left by a process that is gone
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
