import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { bundleRuntime } from '../../../scripts/bundle.js';
import { readImageNodeRuntime } from '../../../scripts/image-runtime.js';
import type { BenchServerSettings, ServerReply, ServerRequest, ServerStats } from './bench-constants.js';

/**
 * Bundles bench-server.ts exactly as the production image bundles main.ts (scripts/bundle.ts: one
 * ESM file, source map, fvad.wasm beside it, the bench bots in bots/), so the server under load runs
 * the code production runs, without a TypeScript loader, and its CPU profile maps to source lines.
 * Returns the bundle's main file.
 */
export async function bundleBenchServer(outDir: string): Promise<string> {
  const result = await bundleRuntime({
    entry: 'runtime/tools/bench/bench-server.ts',
    outDir: join(outDir, 'server'),
    botsDir: 'runtime/tools/bench/bots',
  });
  return result.mainFile;
}

/** The benchmark server child process, as the load generator drives it. */
export interface ServerProcess {
  readonly port: number;
  readonly pid: number;
  /** Whether it runs pinned to a core (`taskset -c`), and which. */
  readonly pinnedCore: number | undefined;
  stats(gc: boolean): Promise<ServerStats>;
  /** Starts sampling allocations (V8 sampling heap profiler): collected objects included, or with `live` only those still alive at the stop. */
  allocationStart(live?: boolean): void;
  /** Stops sampling and returns the profile as JSON text. */
  allocationStop(): Promise<string>;
  /** Asks it to exit (so a CPU profile is written) and waits; kills it after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** Counts of log lines by level, and the most frequent messages at warn and above. */
  logSummary(): { readonly byLevel: Record<string, number>; readonly top: readonly string[] };
}

export interface StartServerOptions {
  /** The bundled server (see {@link bundleBenchServer}). */
  readonly mainFile: string;
  readonly settings: BenchServerSettings;
  /** Core to pin the server to when `taskset` exists. */
  readonly core: number;
  /** Directory for `--cpu-prof` output; undefined = no profiling. */
  readonly cpuProfileDir: string | undefined;
  /** File the server's stdout/stderr (its JSON log) goes to. */
  readonly logFile: string;
  /** The DynamoDB endpoint the session store talks to (dynamodb-stub.ts). */
  readonly dynamoDbEndpoint: string;
  /** Nice value for the server process; 0 = unchanged. */
  readonly nice: number;
  /** Extra Node/V8 flags. */
  readonly nodeFlags: readonly string[];
  /** More environment for the server (the local AWS endpoints' variables). */
  readonly environment?: Readonly<Record<string, string>>;
}

/** How the image starts Node (runtime/Dockerfile), so the benchmarked server runs as deployed. */
const IMAGE = readImageNodeRuntime();

export function hasTaskset(): boolean {
  return spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** Pins this process (all its threads) to `core`; false when the OS does not allow it. */
export function pinSelf(core: number): boolean {
  if (!hasTaskset()) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts the bundled server in its own process as the image does (its `CMD` flags and
 * `NODE_OPTIONS`), pinned to `core` where `taskset` exists, with the open-files limit raised to the
 * hard limit (thousands of sockets), and waits for its port. `--expose-gc` lets a memory reading
 * collect garbage first.
 */
export async function startServerProcess(options: StartServerOptions): Promise<ServerProcess> {
  const nodeArgs = [...IMAGE.nodeArgs, '--expose-gc', ...options.nodeFlags];
  if (options.cpuProfileDir !== undefined) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const pinned = hasTaskset();
  const command = [
    ...(pinned ? ['taskset', '-c', String(options.core)] : []),
    process.execPath,
    ...nodeArgs,
    options.mainFile,
    JSON.stringify(options.settings),
  ];
  const logFd = openSync(options.logFile, 'w');
  // `ulimit` is a shell builtin: a shell raises the limit, then exec replaces it with the server.
  const child = spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', ...command], {
    stdio: ['ignore', logFd, logFd, 'ipc'],
    // The AWS SDK reads these from the environment: the store's client goes to the stub, signed with dummy keys.
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: options.dynamoDbEndpoint,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_EC2_METADATA_DISABLED: 'true',
      NODE_OPTIONS: IMAGE.nodeOptions,
      ...options.environment,
    },
  });
  closeSync(logFd);
  // `sh` execs the server, so the child's pid is the server's.
  if (options.nice !== 0 && child.pid !== undefined) setPriority(child.pid, options.nice);
  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (reply: ServerReply): void => {
      if (reply.type === 'ready') resolve(reply.port);
      if (reply.type === 'failed') reject(new Error(`benchmark server failed to start: ${reply.message}`));
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`benchmark server exited with ${code} before it was ready`)));
  });
  return wrap(child, port, pinned ? options.core : undefined, options.logFile);
}

function wrap(child: ChildProcess, port: number, pinnedCore: number | undefined, logFile: string): ServerProcess {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const request = (message: ServerRequest): void => {
    if (child.connected) child.send(message);
  };
  return {
    port,
    pid: child.pid ?? -1,
    pinnedCore,
    stats(gc) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new Error('benchmark server did not answer a stats request within 30 s'));
        }, 30_000);
        const onMessage = (reply: ServerReply): void => {
          if (reply.type !== 'stats') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(reply.stats);
        };
        child.on('message', onMessage);
        request({ type: 'stats', gc });
      });
    },
    allocationStart(live = false) {
      request({ type: 'allocationStart', live });
    },
    allocationStop() {
      return new Promise((resolve, reject) => {
        const onMessage = (reply: ServerReply): void => {
          if (reply.type !== 'allocation' && reply.type !== 'failed') return;
          child.off('message', onMessage);
          if (reply.type === 'allocation') resolve(reply.profile);
          else reject(new Error(`allocation profile failed: ${reply.message}`));
        };
        child.on('message', onMessage);
        request({ type: 'allocationStop' });
      });
    },
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      request({ type: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
    logSummary() {
      return summariseLog(readFileSync(logFile, 'utf8'));
    },
  };
}

/** Counts JSON log lines by level; non-JSON lines (a crash trace) count as `raw`. */
export function summariseLog(text: string): { byLevel: Record<string, number>; top: string[] } {
  const byLevel: Record<string, number> = {};
  const messages = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let level = 'raw';
    let msg = line.slice(0, 160);
    try {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
      level = typeof entry.level === 'string' ? entry.level : 'raw';
      msg = typeof entry.msg === 'string' ? entry.msg : msg;
    } catch {
      // not JSON: keep the raw line
    }
    byLevel[level] = (byLevel[level] ?? 0) + 1;
    if (level !== 'info' && level !== 'debug' && level !== 'trace') messages.set(`${level}: ${msg}`, (messages.get(`${level}: ${msg}`) ?? 0) + 1);
  }
  const top = [...messages.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([text, count]) => `${count} × ${text}`);
  return { byLevel, top };
}
