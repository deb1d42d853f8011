import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type createDynalite from 'dynalite';

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
  const server: Server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined || error === null ? resolve() : reject(error)));
        // The SDK keeps connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}
