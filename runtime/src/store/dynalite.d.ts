/**
 * Types of `dynalite` 4 (an in-process DynamoDB on LevelDB; the package ships none). Only what the
 * local store and the tests use. The server is a plain `http.Server` whose `close` also closes the
 * database; listening again after `close` reopens it (a `path` database keeps its data).
 */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    readonly path?: string;
    /** Time tables stay CREATING. Default 500. */
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    readonly maxItemSizeKb?: number;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
