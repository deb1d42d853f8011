import { readFileSync } from 'node:fs';

/**
 * How the container image starts Node (runtime/Dockerfile): the flags of its exec-form `CMD` and its
 * `NODE_OPTIONS`. The benchmark and the bundle smoke test start the bundle the same way, so they
 * measure and check the runtime settings that are deployed, not a copy of them.
 */
export interface ImageNodeRuntime {
  /** The flags between `node` and `main.mjs` in `CMD` (V8 flags that NODE_OPTIONS does not allow go here). */
  readonly nodeArgs: readonly string[];
  readonly nodeOptions: string;
}

/** Parses a Dockerfile's runtime command; throws when it does not start the bundle as `node [flags] main.mjs`. */
export function imageNodeRuntime(dockerfile: string): ImageNodeRuntime {
  const options = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile);
  if (options === null) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  // Unindented: the health check's `CMD` continues an earlier line.
  const command = /^CMD (\[.*\])$/m.exec(dockerfile);
  const argv: unknown = command === null ? undefined : JSON.parse(command[1]!);
  if (!Array.isArray(argv) || argv[0] !== 'node' || argv.at(-1) !== 'main.mjs' || !argv.every((arg) => typeof arg === 'string')) {
    throw new Error('the Dockerfile CMD does not run ["node", ...flags, "main.mjs"]');
  }
  return { nodeArgs: argv.slice(1, -1), nodeOptions: options[1]! };
}

/** The runtime command of runtime/Dockerfile. */
export function readImageNodeRuntime(): ImageNodeRuntime {
  return imageNodeRuntime(readFileSync(new URL('../runtime/Dockerfile', import.meta.url), 'utf8'));
}
