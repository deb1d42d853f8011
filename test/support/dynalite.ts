import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { toDocumentClient } from '../../runtime/src/store/dynamodb-session-store.js';
import { ensureSessionTable } from '../../runtime/src/store/ensure-table.js';
import { systemClock } from '../../runtime/src/shared/clock.js';

/** A real DynamoDB-compatible server (dynalite, in memory) on 127.0.0.1 for integration tests. */
export interface TestDynalite {
  readonly endpoint: string;
  readonly port: number;
  /** Low-level client (one SDK retry, short timeouts, so an outage shows at once). */
  readonly client: DynamoDBClient;
  /** Document client as the adapter uses it. */
  readonly doc: DynamoDBDocumentClient;
  /** Creates a fresh session table (unique name unless given) and waits until it is ACTIVE. */
  createTable(name?: string): Promise<string>;
  /** A new client for this endpoint (e.g. one per simulated process). */
  newClient(): DynamoDBClient;
  /** Stops answering: new connections are refused, open ones dropped. The data stays. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

let tables = 0;

/**
 * Starts dynalite in memory on port 0. `stop()`/`restart()` use the plain `http.Server` methods:
 * dynalite's own `close()` also closes the database, and an in-memory database reopened after
 * that is empty, while an outage test needs the same data on the same port afterwards.
 */
export async function startDynalite(): Promise<TestDynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const newClient = (): DynamoDBClient =>
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      // One SDK retry: a keep-alive socket cut by stop() fails the next request once, as on AWS.
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 },
    });
  const client = newClient();
  let listening = true;
  return {
    endpoint,
    port,
    client,
    doc: toDocumentClient(client),
    newClient,
    async createTable(name) {
      tables += 1;
      const tableName = name ?? `sessions-${tables}`;
      await ensureSessionTable({ client, tableName, clock: systemClock, pollMs: 5 });
      return tableName;
    },
    async stop() {
      if (!listening) return;
      listening = false;
      await new Promise<void>((resolve) => {
        Server.prototype.close.call(server, () => resolve());
        server.closeAllConnections();
      });
    },
    async restart() {
      if (listening) return;
      await listen(server, port);
      listening = true;
    },
    async close() {
      client.destroy();
      // A stopped server has nothing left to close (its in-memory database goes with it).
      if (!listening) return;
      listening = false;
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Calls `observe` with the name and input of each command `client` sends (before the SDK serializes
 * it), so a test can count the requests the store makes.
 */
export function observeCommands(client: DynamoDBClient, observe: (commandName: string, input: Record<string, unknown>) => void): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      observe(String(context.commandName), args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'observeCommands' },
  );
}

/** Polls over turns of the event loop (a few ms at most) until `predicate` holds: an SDK double answers on later turns. */
export async function untilTurns(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!predicate()) throw new Error('condition not met');
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const onListening = (): void => {
      server.off('error', reject);
      resolve();
    };
    Server.prototype.listen.call(server, { port, host: '127.0.0.1' }, onListening);
  });
}
