/**
 * Soak test: many Genesys-like sessions cycling against the real application in this process for a
 * bounded time, with memory (RSS, heap after a forced GC) and active handles
 * (`process.getActiveResourcesInfo()`) sampled, to show that nothing grows once warm and that no
 * timer, socket or stream outlives the sessions.
 *
 *   npx tsx runtime/tools/soak.ts                                   → 5 min, 100 concurrent callers
 *   npx tsx runtime/tools/soak.ts --duration 600 --concurrency 200 --full-call-every 3 --samples soak.json
 *   npx tsx runtime/tools/soak.ts --help
 *
 * Speech is the deterministic doubles (no AWS); every call is signed and authenticated for real.
 * The last line printed is one JSON object (the report without the samples); `--samples FILE` also
 * writes every sample. Exit code 1 when a leak or a protocol violation was found.
 *
 * Each session: upgrade, open, 5 audio frames, ping, then either the caller hangs up (close → closed)
 * or, every `fullCallEvery`-th session, a whole call: the greeting plays, the caller keys 1, the bot
 * says its last prompt and hands back with disconnect, the caller closes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createApp, type App } from '../src/compose/app.js';
import { loadConfig } from '../src/config/load-config.js';
import { createRootLogger } from '../src/compose/logger.js';
import { systemClock } from '../src/shared/clock.js';
import { FakeSpeechRecognizer } from '../src/speech/fake/fake-speech-recognizer.js';
import { FakeSpeechSynthesizer } from '../src/speech/fake/fake-speech-synthesizer.js';
import { GenesysClient } from './simulator/genesys-client.js';

export interface SoakOptions {
  /** Cycling time after the warm-up, ms. */
  readonly durationMs: number;
  /** Warm-up before the first measurement, ms (caches, JIT, pools fill up). */
  readonly warmupMs: number;
  /** Sessions in flight at any time. */
  readonly concurrency: number;
  /** Every n-th session is a whole call ending with the bot's disconnect; 0 = none. */
  readonly fullCallEvery: number;
  readonly sampleEveryMs: number;
}

export interface SoakSample {
  /** Since the end of the warm-up. */
  readonly atMs: number;
  readonly rssMb: number;
  /** After a forced full GC: live heap only. */
  readonly heapUsedMb: number;
  readonly activeSessions: number;
  readonly resources: Readonly<Record<string, number>>;
}

export interface SoakReport {
  readonly options: SoakOptions;
  readonly sessions: {
    readonly completed: number;
    readonly fullCalls: number;
    readonly failed: number;
    /** Protocol violations the simulator saw (seq gaps, audio after closed, …). */
    readonly violations: number;
    /** The same, by kind (the violation text without its numbers). */
    readonly violationKinds: Readonly<Record<string, number>>;
    readonly perSecond: number;
  };
  /** Live heap (after GC) with no session up: after the warm-up and after the soak. */
  readonly idleHeapMb: { readonly warm: number; readonly end: number; readonly growth: number };
  readonly rssMb: { readonly warm: number; readonly end: number; readonly max: number };
  /** Least-squares slope of the in-run heap samples, MB per minute. */
  readonly heapSlopeMbPerMin: number;
  /**
   * Active handles by type: before the application started, with no session up after the soak, and
   * after the application stopped (which must equal `before`).
   */
  readonly resources: {
    readonly before: Readonly<Record<string, number>>;
    readonly idle: Readonly<Record<string, number>>;
    readonly stopped: Readonly<Record<string, number>>;
  };
  /**
   * TCP sockets with no session up after the soak: `app` = either end of a connection to the
   * AudioHook server (must be 0), `other` = elsewhere (the session store's keep-alive pool).
   */
  readonly sockets: { readonly app: number; readonly other: number };
  /** Handle types with more instances once the application stopped than before it started, plus app sockets left while idle. */
  readonly leakedResources: Readonly<Record<string, number>>;
  /** Log lines at error level or above (a bug in the server), session store lines excepted. */
  readonly errorLogLines: number;
  /**
   * Error lines of the session store (write-behind queue, ERR_STORE_* codes): reported on their own,
   * the store has its own outage and contract tests.
   */
  readonly storeErrorLogLines: number;
  /** Error and store-error lines by message, to tell them apart. */
  readonly errorMessages: Readonly<Record<string, number>>;
  readonly samples: readonly SoakSample[];
}

const TEST_KEY = { apiKey: 'soak-key', clientSecret: Buffer.from('soak-test-client-secret-0123456789').toString('base64') };
const BOTS_DIR = fileURLToPath(new URL('../bots', import.meta.url));
const FRAME = new Uint8Array(1_600).fill(0xff);
/** Handle types owned by the test or the runner rather than the server, ignored by the leak check. */
const IGNORED_RESOURCES = new Set(['TTYWrap', 'PipeWrap', 'ProcessWrap', 'SignalWrap', 'FSReqCallback', 'FSReqPromise', 'StatWatcher']);

/** A forced full garbage collection (V8 flag set at run time; works without --expose-gc). */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
})();

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) if (!IGNORED_RESOURCES.has(type)) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

const mb = (bytes: number): number => Math.round((bytes / 1_048_576) * 10) / 10;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the real application on 127.0.0.1:0 with speech doubles, a test key and its own embedded session table. */
interface ErrorTally {
  count: number;
  store: number;
  readonly byMessage: Record<string, number>;
}

async function startApp(errors: ErrorTally, dataDir: string): Promise<{ app: App; url: string; port: number }> {
  const config = loadConfig({
    LOCAL_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    AUDIOHOOK_API_KEYS: JSON.stringify({ [TEST_KEY.apiKey]: TEST_KEY.clientSecret }),
    MAX_SESSIONS: '5000',
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!/"level":"(error|fatal)"/.test(line)) continue;
        const entry = JSON.parse(line) as { msg?: string; component?: string; code?: string };
        const message = entry.msg ?? '';
        errors.byMessage[message] = (errors.byMessage[message] ?? 0) + 1;
        if (entry.component === 'write-behind' || entry.code?.startsWith('ERR_STORE') === true) errors.store += 1;
        else errors.count += 1;
      }
      done();
    },
  });
  const app = await createApp(config, {
    clock: systemClock,
    logger: createRootLogger(config.logLevel, sink),
    defaultBotsDir: BOTS_DIR,
    speech: {
      mode: 'custom',
      recognizer: new FakeSpeechRecognizer({ clock: systemClock, transcripts: [] }),
      synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 6 }),
    },
  });
  const address = await app.server.listen(0, '127.0.0.1');
  return { app, url: `ws://127.0.0.1:${address.port}/audiohook/default`, port: address.port };
}

interface Tally {
  started: number;
  completed: number;
  fullCalls: number;
  failed: number;
  violations: number;
  readonly violationKinds: Record<string, number>;
}

/** One session as described in the file comment. Never rejects: failures are counted. */
async function runSession(url: string, full: boolean, tally: Tally): Promise<void> {
  tally.started += 1;
  let client: GenesysClient | undefined;
  try {
    client = await GenesysClient.connect({ url, ...TEST_KEY, simulatePlayback: full });
    const opened = await client.open();
    if (opened.type !== 'opened') throw new Error(`open answered ${opened.type}`);
    for (let i = 0; i < 5; i++) client.sendAudio(FRAME);
    await client.ping();
    if (full) {
      const greeting = client;
      await waitUntil(() => greeting.audio.length > 0, 5_000);
      const disconnect = client.waitFor('disconnect', 10_000);
      client.dtmf('1');
      await disconnect;
      tally.fullCalls += 1;
    } else {
      await client.close('end', 10_000);
    }
    await client.closed;
    tally.violations += client.violations.length;
    for (const violation of client.violations) {
      const kind = violation.replace(/\d+/g, 'N');
      tally.violationKinds[kind] = (tally.violationKinds[kind] ?? 0) + 1;
    }
    tally.completed += 1;
  } catch {
    tally.failed += 1;
    client?.drop();
  }
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** Keeps `concurrency` sessions in flight until `untilMs` (performance.now()). */
async function cycle(url: string, options: SoakOptions, untilMs: number, tally: Tally): Promise<void> {
  let index = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < untilMs) {
      index += 1;
      const full = options.fullCallEvery > 0 && index % options.fullCallEvery === 0;
      await runSession(url, full, tally);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}

/**
 * Open TCP sockets of this process, split by whether they belong to a connection with the server on
 * `appPort`. Uses `process._getActiveHandles()` (undocumented, present in every Node LTS) because
 * `getActiveResourcesInfo()` only gives types.
 */
function socketCensus(appPort: number): { app: number; other: number } {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  let app = 0;
  let other = 0;
  for (const handle of handles) {
    const socket = handle as { localPort?: unknown; remotePort?: unknown };
    if (typeof socket.localPort !== 'number') continue;
    if (socket.localPort === appPort || socket.remotePort === appPort) app += 1;
    else other += 1;
  }
  return { app, other };
}

/** Waits until no session is up and their sockets had a moment to close, then measures. */
async function settle(app: App): Promise<{ heapMb: number; rssMb: number; resources: Record<string, number> }> {
  await waitUntil(() => app.server.activeSessions === 0, 15_000);
  await sleep(300);
  collectGarbage();
  const memory = process.memoryUsage();
  return { heapMb: mb(memory.heapUsed), rssMb: mb(memory.rss), resources: countResources() };
}

function slopePerMinute(samples: readonly SoakSample[]): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const meanX = samples.reduce((s, p) => s + p.atMs, 0) / n;
  const meanY = samples.reduce((s, p) => s + p.heapUsedMb, 0) / n;
  const num = samples.reduce((s, p) => s + (p.atMs - meanX) * (p.heapUsedMb - meanY), 0);
  const den = samples.reduce((s, p) => s + (p.atMs - meanX) ** 2, 0);
  return den === 0 ? 0 : Math.round((num / den) * 60_000 * 100) / 100;
}

/** Runs the soak in this process and returns the report; the server is stopped at the end. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const errors: ErrorTally = { count: 0, store: 0, byMessage: {} };
  const before = countResources();
  const dataDir = await mkdtemp(join(tmpdir(), 'soak-data-'));
  const { app, url, port } = await startApp(errors, dataDir);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await app.server.drain(0);
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const tally: Tally = { started: 0, completed: 0, fullCalls: 0, failed: 0, violations: 0, violationKinds: {} };
    await cycle(url, options, performance.now() + options.warmupMs, tally);
    const warm = await settle(app);
    const completedBefore = tally.completed;

    const startedAt = performance.now();
    const samples: SoakSample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sleep(options.sampleEveryMs);
        if (!sampling) break;
        collectGarbage();
        const memory = process.memoryUsage();
        samples.push({
          atMs: Math.round(performance.now() - startedAt),
          rssMb: mb(memory.rss),
          heapUsedMb: mb(memory.heapUsed),
          activeSessions: app.server.activeSessions,
          resources: countResources(),
        });
      }
    })();
    await cycle(url, options, startedAt + options.durationMs, tally);
    sampling = false;
    await sampler;
    const elapsedMs = performance.now() - startedAt;
    const end = await settle(app);
    const sockets = socketCensus(port);
    await stop();
    await sleep(100);
    const afterStop = countResources();

    const leakedResources: Record<string, number> = {};
    for (const [type, count] of Object.entries(afterStop)) {
      const extra = count - (before[type] ?? 0);
      if (extra > 0) leakedResources[type] = extra;
    }
    if (sockets.app > 0) leakedResources.appSockets = sockets.app;
    return {
      options,
      sessions: {
        completed: tally.completed,
        fullCalls: tally.fullCalls,
        failed: tally.failed,
        violations: tally.violations,
        violationKinds: tally.violationKinds,
        perSecond: Math.round(((tally.completed - completedBefore) / elapsedMs) * 1000 * 10) / 10,
      },
      idleHeapMb: { warm: warm.heapMb, end: end.heapMb, growth: Math.round((end.heapMb - warm.heapMb) * 10) / 10 },
      rssMb: { warm: warm.rssMb, end: end.rssMb, max: Math.max(warm.rssMb, end.rssMb, ...samples.map((s) => s.rssMb)) },
      heapSlopeMbPerMin: slopePerMinute(samples),
      resources: { before, idle: end.resources, stopped: afterStop },
      sockets,
      leakedResources,
      errorLogLines: errors.count,
      storeErrorLogLines: errors.store,
      errorMessages: errors.byMessage,
      samples,
    };
  } finally {
    await stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '100' },
      'full-call-every': { type: 'string', default: '4' },
      'sample-every': { type: 'string', default: '1' },
      samples: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'npx tsx runtime/tools/soak.ts [--duration s] [--warmup s] [--concurrency n] [--full-call-every n] [--sample-every s] [--samples file.json]\n',
    );
    return;
  }
  const options: SoakOptions = {
    durationMs: Number(values.duration) * 1000,
    warmupMs: Number(values.warmup) * 1000,
    concurrency: Number(values.concurrency),
    fullCallEvery: Number(values['full-call-every']),
    sampleEveryMs: Number(values['sample-every']) * 1000,
  };
  const report = await runSoak(options);
  if (values.samples !== undefined) await writeFile(values.samples, JSON.stringify(report.samples, null, 2));
  const { samples: _samples, ...summary } = report;
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  const clean = report.sessions.violations === 0 && report.errorLogLines === 0 && Object.keys(report.leakedResources).length === 0;
  process.exitCode = clean ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
