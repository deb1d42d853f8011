import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { ServerMessage } from '../../src/protocol/index.js';
import { createPrng } from '../support/audio-gen.js';
import { BENCH_KEY, FRAME_MS, PING_EVERY_MS } from './bench-constants.js';
import { watchAcceptQueue } from './accept-queue.js';
import { BenchConnection, type ConnectionListener } from './bench-connection.js';
import { startDynamoDbStub, type DynamoDbStub } from './dynamodb-stub.js';
import { readCpuMs } from './proc-stat.js';
import { GENERATOR_CORE, SERVER_CORE } from './run-mode.js';
import { waitUntilQuiet, type Settled } from './settle.js';
import { frameCallerAudio } from './framed-audio.js';
import { FrameTicker } from './frame-ticker.js';
import { heapProfileFile, roundOrder, roundsTable } from './compare-rounds.js';
import { holdStill, letGo } from './hold-still.js';
import { bundleBenchServer, pinSelf, startServerProcess, type ServerProcess } from './server-process.js';
import { LAG_RESOLUTION_MS, loopDelayMs, percentile } from './stats.js';

/**
 * `npm run bench:compare`: side by side, one generator and one run. Drives this server's `listen`
 * connector (started here, pinned to core 0, speech recognition off: the reference's sample endpoint
 * does protocol, authentication and session handling only) and any other AudioHook server given by
 * URL and pid (e.g. the Genesys reference's sample endpoint, started by hand on core 0) with the same
 * listen-only load, one target at a time with the other stopped (hold-still.ts): each target first
 * left to become idle (settle.ts), then sessions opened at a fixed rate, a 200 ms PCMU frame per
 * session every 200 ms (the sessions' frames spread over the 200 ms, see DEFAULT_FRAME_SLOTS) and a
 * ping every 5 s, then a measured window. The generator is kept light so that what it measures is
 * the server's latency, not its own backlog: each frame is framed once (framed-audio.ts). CPU and
 * RSS come from /proc/<pid>, so the target must run on this machine. Prints a table per round
 * (`--rounds`, default 1), with more than one round a table of medians, and, last, one JSON line.
 */

/**
 * Groups of sessions whose frames go out together, one group every 200 ms / slots. The default, 2 ms
 * apart, spreads frames as independent calls do. 10 (20 ms apart, 400 frames a burst at 4,000
 * sessions) was this tool's schedule before the spread one, and is still the main benchmark's.
 */
const DEFAULT_FRAME_SLOTS = 100;

const HELP = `npm run bench:compare -- --compare-url ws://127.0.0.1:3001/api/v1/audiohook/ws --compare-pid N
  --compare-api-key K --compare-secret BASE64 [--sessions 500] [--rate 200] [--window 20]
  [--profile DIR]   write this server's CPU profile (.cpuprofile) to DIR
  [--heap-profile DIR]   write what holds this server's memory at the end of the window (sampled live objects by allocation site) to DIR/this-server-<sessions>[-round-<n>].heapprofile
  [--node-flags="<flags>"]   extra Node/V8 flags for this server, after the image's (e.g. --max-semi-space-size=32)
  [--store-requests off]   diagnostic: this server's DynamoDB client answers at its first middleware step (nothing serialized, signed or sent)
  [--shared-nonces off]   diagnostic: this server refuses replays on each task's own cache only (no nonce written to the session table; the reference keeps no nonces at all)
  [--rounds N]   repeat the pair N times, alternating which target goes first, and add a table of medians (min–max)
  [--frame-slots N]   send the sessions' frames in N groups spread over each 200 ms (default ${DEFAULT_FRAME_SLOTS}: a group every 2 ms; 10 = the old schedule, bursts every 20 ms)
`;
/** Sessions opened and closed on each target before the measured ramp, so neither is measured cold. */
const WARM_UP_SESSIONS = 50;
/**
 * How often the target's accept queue is looked at during the ramp. Since libuv 1.45 Node accepts
 * one connection per event-loop turn, so a busy loop leaves arrivals waiting there, where their
 * signatures age before the server sees them.
 */
const ACCEPT_QUEUE_LOOK_MS = 200;
/** Before a ramp, the target is watched in looks of this long until one finds it using under 5 % of a core (see settle.ts), for 60 s at most. */
const SETTLE = { intervalMs: 500, maxShare: 0.05, timeoutMs: 60_000 } as const;

interface Target {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly key: { readonly apiKey: string; readonly clientSecret: string };
  /** This server only: its process, for its event-loop delay during the ramp. */
  readonly process?: ServerProcess;
  /** This server only: the DynamoDB stub its session store talks to. */
  readonly store?: DynamoDbStub;
}

interface TargetResult {
  readonly name: string;
  readonly sessions: number;
  readonly failed: number;
  readonly cpuMsPerSessionSecond: number;
  readonly openedP50Ms: number;
  readonly openedP99Ms: number;
  readonly upgradeP50Ms: number;
  readonly upgradeP99Ms: number;
  readonly pingP99Ms: number;
  readonly pingMaxMs: number;
  readonly rssMb: number;
  /** This server's JS heap after a full collection at the end of the window: its live objects (null for another server). */
  readonly heapAfterGcMb: number | null;
  /** The target's CPU during the ramp over the sessions it opened (the frames of sessions already open included). */
  readonly rampCpuMsPerOpen: number;
  /** The target's CPU during the ramp over the ramp's wall time: 1 = its core saturated. */
  readonly rampBusyShare: number;
  /** The main thread's (event loop's) part of the target's CPU during the ramp; the rest is V8's workers (GC, compilation) and libuv's pool. */
  readonly rampMainThreadShare: number;
  readonly violations: number;
  /** Upgrades or opens that failed, by reason (e.g. `Unexpected server response: 401`). */
  readonly failures: Readonly<Record<string, number>>;
  /** How long the target took to become idle before the ramp (settle.ts). */
  readonly settled: Settled;
  /** Closing every session at once: the target's CPU from the first close until it was idle again, per session, and how long that took. */
  readonly close: { readonly cpuMsPerSession: number; readonly untilIdleMs: number };
  /** Longest event-loop delay during the ramp: the generator's, and the server's where known (else null). */
  readonly rampLoopMaxMs: { readonly generator: number; readonly server: number | null };
  /** Listen-queue overflows on this machine during the ramp (NaN where not Linux). */
  readonly rampListenOverflows: number;
  /** Most connections seen waiting in the target's accept queue, sampled every 100 ms during the ramp (NaN where not Linux). */
  readonly rampAcceptQueueMax: number;
  /** This server's longest GC pause during the ramp (null for another server). */
  readonly rampGcMaxMs: number | null;
  /** This server's DynamoDB requests by operation, during the ramp and during the window (null for another server). */
  readonly storeRequests: { readonly ramp: Readonly<Record<string, number>>; readonly window: Readonly<Record<string, number>> } | null;
}

function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line === null ? Number.NaN : Number(line[1]) / 1024;
}

/**
 * The machine's listen-queue overflows so far (Linux TcpExt ListenOverflows, all sockets), or NaN:
 * an overflow costs the client a SYN retransmit (1, 3, 7 s), which ages an upgrade's signature.
 */
function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((line) => line.startsWith('TcpExt:'));
    const [names, values] = lines.map((line) => line.split(/\s+/));
    const index = names?.indexOf('ListenOverflows') ?? -1;
    return index < 0 ? Number.NaN : Number(values?.[index]);
  } catch {
    return Number.NaN;
  }
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The traffic every run sends, warm-up or measured. */
interface Load {
  readonly ratePerS: number;
  /** One caller frame (200 ms of PCMU) framed for the wire (framed-audio.ts), the same bytes for every session and target. */
  readonly frame: Buffer;
  /** See DEFAULT_FRAME_SLOTS. */
  readonly frameSlots: number;
}

interface LiveSession {
  readonly connection: BenchConnection;
  nextPingAt: number;
}

/** The measured run's options (the warm-up has none). */
interface MeasureOptions {
  /** Where this server's live-object heap profile goes (a file in the directory); undefined = none. */
  readonly heapProfile: { readonly dir: string; readonly file: string } | undefined;
}

/** Listen-only load on one target: ramp, window, close. */
async function measure(
  target: Target,
  sessions: number,
  windowS: number,
  { ratePerS, frame, frameSlots }: Load,
  options: MeasureOptions = { heapProfile: undefined },
): Promise<TargetResult> {
  const opened: number[] = [];
  const upgraded: number[] = [];
  let pings: number[] = [];
  let failed = 0;
  const failures: Record<string, number> = {};
  const listener: ConnectionListener = {
    onAudio: () => undefined,
    onMessage: (_message: ServerMessage) => undefined,
    onPong: (rttMs) => pings.push(rttMs),
    onLost: () => (failed += 1),
  };
  const untilIdle = (): Promise<Settled> => waitUntilQuiet({ ...SETTLE, cpuMs: () => readCpuMs(target.pid).process });
  const settled = await untilIdle();
  const live: LiveSession[] = [];
  const ticker = new FrameTicker<LiveSession>(FRAME_MS, frameSlots, (session, dueMs) => {
    session.connection.sendFramedAudio(frame);
    if (dueMs >= session.nextPingAt) {
      session.connection.ping();
      session.nextPingAt += PING_EVERY_MS;
    }
  });
  ticker.start();
  // A signature verified long after it was made is refused as expired: these say which side was late.
  const generatorLoop = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  generatorLoop.enable();
  await target.process?.stats(false); // resets the server's delay histogram
  // Sampled from before the ramp, so every session's objects are seen where they were allocated.
  const heapProfile =
    target.process === undefined || options.heapProfile === undefined ? undefined : { server: target.process, ...options.heapProfile };
  heapProfile?.server.allocationStart(true);
  const overflowsBefore = listenOverflows();
  const storeAtStart = target.store?.byOperation;
  const port = Number(new URL(target.url).port);
  const acceptQueue = watchAcceptQueue(port, ACCEPT_QUEUE_LOOK_MS);
  const rampCpuBefore = readCpuMs(target.pid);
  const rampStarted = performance.now();
  const opening: Promise<void>[] = [];
  for (let i = 0; i < sessions; i++) {
    opening.push(
      (async () => {
        try {
          const connecting = performance.now();
          const connection = await BenchConnection.connect(target.url, listener, target.key);
          const sent = performance.now();
          upgraded.push(sent - connecting);
          await connection.open();
          opened.push(performance.now() - sent);
          const session = { connection, nextPingAt: performance.now() + PING_EVERY_MS * Math.random() };
          live.push(session);
          ticker.add(session);
        } catch (error) {
          failed += 1;
          const reason = error instanceof Error ? error.message : String(error);
          failures[reason] = (failures[reason] ?? 0) + 1;
        }
      })(),
    );
    await wait(1000 / ratePerS);
  }
  await Promise.all(opening);
  const rampCpuAfter = readCpuMs(target.pid);
  const rampCpuMs = rampCpuAfter.process - rampCpuBefore.process;
  const rampMainThreadCpuMs = rampCpuAfter.mainThread - rampCpuBefore.mainThread;
  const rampElapsedMs = performance.now() - rampStarted;
  const rampAcceptQueueMax = await acceptQueue.stop();
  generatorLoop.disable();
  const rampListenOverflows = listenOverflows() - overflowsBefore;
  const serverStats = await target.process?.stats(false);
  const rampLoopMaxMs = { generator: loopDelayMs(generatorLoop.max), server: serverStats?.loopDelayMaxMs ?? null };
  const rampGcMaxMs = serverStats?.gcPauseMaxMs ?? null;
  await wait(PING_EVERY_MS);
  pings = [];
  const storeAtWindow = target.store?.byOperation;
  const cpuBefore = readCpuMs(target.pid).process;
  const started = performance.now();
  await wait(windowS * 1000);
  const cpu = readCpuMs(target.pid).process - cpuBefore;
  const storeAtEnd = target.store?.byOperation;
  const elapsedS = (performance.now() - started) / 1000;
  const rss = rssMb(target.pid);
  const windowPings = pings;
  pings = [];
  // After the window's figures: a full collection stalls the server, and what it leaves is the live heap.
  const heapAfterGcMb = target.process === undefined ? null : (await target.process.stats(true)).heapUsedBytes / 2 ** 20;
  if (heapProfile !== undefined) writeFileSync(join(heapProfile.dir, heapProfile.file), await heapProfile.server.allocationStop());
  ticker.stop();
  const violations = live.reduce((sum, s) => sum + s.connection.violations.length, 0);
  const closeCpuBefore = readCpuMs(target.pid).process;
  const closeStarted = performance.now();
  await Promise.all(live.map((s) => s.connection.close(5_000)));
  await untilIdle();
  const close = {
    cpuMsPerSession: (readCpuMs(target.pid).process - closeCpuBefore) / Math.max(1, live.length),
    untilIdleMs: performance.now() - closeStarted,
  };
  const sortedOpened = opened.sort((a, b) => a - b);
  const sortedUpgraded = upgraded.sort((a, b) => a - b);
  const sortedPings = windowPings.sort((a, b) => a - b);
  return {
    name: target.name,
    sessions: live.length,
    failed,
    cpuMsPerSessionSecond: cpu / (live.length * elapsedS),
    openedP50Ms: percentile(sortedOpened, 50),
    openedP99Ms: percentile(sortedOpened, 99),
    upgradeP50Ms: percentile(sortedUpgraded, 50),
    upgradeP99Ms: percentile(sortedUpgraded, 99),
    pingP99Ms: percentile(sortedPings, 99),
    pingMaxMs: sortedPings.at(-1) ?? Number.NaN,
    rssMb: rss,
    heapAfterGcMb,
    rampCpuMsPerOpen: rampCpuMs / Math.max(1, opened.length),
    rampBusyShare: rampCpuMs / rampElapsedMs,
    rampMainThreadShare: rampMainThreadCpuMs / Math.max(1, rampCpuMs),
    violations,
    failures,
    settled,
    close,
    rampLoopMaxMs,
    rampGcMaxMs,
    rampListenOverflows,
    rampAcceptQueueMax,
    storeRequests:
      storeAtStart === undefined || storeAtWindow === undefined || storeAtEnd === undefined
        ? null
        : { ramp: countsBetween(storeAtStart, storeAtWindow), window: countsBetween(storeAtWindow, storeAtEnd) },
  };
}

/** Per-key growth from `before` to `after` (keys that did not grow are left out). */
function countsBetween(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).flatMap(([key, n]) => (n > (before[key] ?? 0) ? [[key, n - (before[key] ?? 0)]] : [])));
}

function table(results: readonly TargetResult[]): string {
  const row = (label: string, cell: (r: TargetResult) => string): string => `| ${label} | ${results.map(cell).join(' | ')} |`;
  return [
    `| | ${results.map((r) => r.name).join(' | ')} |`,
    `|---|${results.map(() => '---:').join('|')}|`,
    row('sessions (failed)', (r) => `${r.sessions} (${r.failed})`),
    row('waited for the target to be idle before the ramp', (r) => `${(r.settled.waitedMs / 1000).toFixed(1)} s${r.settled.quiet ? '' : ' (still busy: timed out)'}`),
    row('CPU per session-second', (r) => `${r.cpuMsPerSessionSecond.toFixed(3)} ms`),
    row('`opened` p50 / p99 during the ramp', (r) => `${r.openedP50Ms.toFixed(1)} / ${r.openedP99Ms.toFixed(1)} ms`),
    row('upgrade (until `101`) p50 / p99 during the ramp', (r) => `${r.upgradeP50Ms.toFixed(1)} / ${r.upgradeP99Ms.toFixed(1)} ms`),
    row('ping RTT p99 / max', (r) => `${r.pingP99Ms.toFixed(1)} / ${r.pingMaxMs.toFixed(1)} ms`),
    row('CPU during the ramp: per session opened / share of the core', (r) => `${r.rampCpuMsPerOpen.toFixed(2)} ms / ${(r.rampBusyShare * 100).toFixed(0)} %`),
    row('share of that CPU on the main thread (the rest: V8 workers, libuv pool)', (r) => `${(r.rampMainThreadShare * 100).toFixed(0)} %`),
    row('closing every session at once: CPU per session / time until idle', (r) => `${r.close.cpuMsPerSession.toFixed(2)} ms / ${(r.close.untilIdleMs / 1000).toFixed(1)} s`),
    row('RSS (this server: JS heap after a full GC)', (r) => `${r.rssMb.toFixed(0)} MB${r.heapAfterGcMb === null ? '' : ` (${r.heapAfterGcMb.toFixed(0)} MB)`}`),
    row('protocol violations', (r) => String(r.violations)),
    row('DynamoDB requests: ramp / window', (r) => (r.storeRequests === null ? '–' : `${formatCounts(r.storeRequests.ramp)} / ${formatCounts(r.storeRequests.window)}`)),
    row('listen-queue overflows / most connections waiting to be accepted, during the ramp', (r) => `${r.rampListenOverflows} / ${r.rampAcceptQueueMax}`),
    row('event-loop max during the ramp: generator / server (server GC max)', (r) =>
      `${r.rampLoopMaxMs.generator.toFixed(0)} / ${r.rampLoopMaxMs.server?.toFixed(0) ?? '–'} ms (${r.rampGcMaxMs?.toFixed(0) ?? '–'} ms)`,
    ),
  ].join('\n');
}

function formatCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([key, n]) => `${n} ${key}`).join(', ');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'compare-url': { type: 'string' },
      'compare-pid': { type: 'string' },
      'compare-api-key': { type: 'string' },
      'compare-secret': { type: 'string', default: '' },
      'compare-name': { type: 'string', default: 'reference' },
      sessions: { type: 'string', default: '500' },
      rate: { type: 'string', default: '200' },
      window: { type: 'string', default: '20' },
      profile: { type: 'string' },
      'heap-profile': { type: 'string' },
      'node-flags': { type: 'string', default: '' },
      'store-requests': { type: 'string', default: 'on' },
      'shared-nonces': { type: 'string', default: 'on' },
      rounds: { type: 'string', default: '1' },
      'frame-slots': { type: 'string', default: String(DEFAULT_FRAME_SLOTS) },
    },
  });
  const sessions = Number(values.sessions);
  const rate = Number(values.rate);
  const windowS = Number(values.window);
  const pid = Number(values['compare-pid']);
  const rounds = Number(values.rounds);
  const frameSlots = Number(values['frame-slots']);
  if (!(Number.isInteger(rounds) && rounds >= 1) || !(Number.isInteger(frameSlots) && frameSlots >= 1) || !['on', 'off'].includes(values['store-requests']) || !['on', 'off'].includes(values['shared-nonces']) || values['compare-url'] === undefined || values['compare-api-key'] === undefined || !Number.isInteger(pid) || pid === process.pid || !(sessions > 0 && rate > 0 && windowS > 0)) {
    process.stderr.write(HELP);
    return 2;
  }
  pinSelf(GENERATOR_CORE);
  const heapProfileDir = values['heap-profile'];
  if (heapProfileDir !== undefined) mkdirSync(heapProfileDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  const store = await startDynamoDbStub();
  const server = await startServerProcess({
    mainFile: await bundleBenchServer(work),
    dynamoDbEndpoint: store.endpoint,
    nice: 0,
    nodeFlags: values['node-flags'].split(/\s+/).filter((flag) => flag !== ''),
    settings: {
      logLevel: 'warn',
      maxSessions: sessions + 100,
      speech: 'off',
      ...(values['store-requests'] === 'off' ? { dynamoDb: 'no-requests' } : {}),
      ...(values['shared-nonces'] === 'off' ? { sharedNonces: 'off' } : {}),
    },
    core: SERVER_CORE,
    cpuProfileDir: values.profile,
    logFile: join(work, 'server.log'),
  });
  const random = createPrng(1);
  // Line noise near μ-law silence, the same bytes for every target.
  const frame = frameCallerAudio(Uint8Array.from({ length: 1600 }, () => 0xf8 + Math.floor(random() * 8)));
  const load: Load = { ratePerS: rate, frame, frameSlots };
  const targets: Target[] = [
    { name: values['shared-nonces'] === 'off' ? 'this server (listen, no shared nonces)' : 'this server (listen)', url: `ws://127.0.0.1:${server.port}/audiohook/listen`, pid: server.pid, key: BENCH_KEY, process: server, store },
    { name: values['compare-name'], url: values['compare-url'], pid, key: { apiKey: values['compare-api-key'], clientSecret: values['compare-secret'] } },
  ];
  // Interrupted while one target is stopped: let it go on (the reference is the user's process).
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      letGo(targets.map((target) => target.pid));
      process.exit(code);
    });
  }
  /** Each round's results, in the order it measured the targets. */
  const byRound: TargetResult[][] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const measured: TargetResult[] = [];
      for (const target of roundOrder(targets, round)) {
        process.stdout.write(`${rounds > 1 ? `round ${round}: ` : ''}${target.name}: ${sessions} sessions at ${rate}/s, ${windowS} s window (pid ${target.pid})\n`);
        const resumeOthers = holdStill(targets.filter((other) => other !== target).map((other) => other.pid));
        try {
          await measure(target, WARM_UP_SESSIONS, 1, load);
          const heapProfile = heapProfileDir === undefined ? undefined : { dir: heapProfileDir, file: heapProfileFile(sessions, round, rounds) };
          measured.push(await measure(target, sessions, windowS, load, { heapProfile }));
        } finally {
          resumeOthers();
        }
      }
      process.stdout.write(`${table(measured)}\n`);
      byRound.push(measured);
    }
  } finally {
    await server.stop();
    await store.close();
  }
  if (rounds > 1) process.stdout.write(`${roundsTable(byRound)}\n`);
  const results = byRound.flatMap((measured, i) => measured.map((result) => ({ ...result, round: i + 1 })));
  process.stdout.write(`${JSON.stringify({ benchmark: 'npm run bench:compare', sessions, rate, windowS, rounds, results })}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`compare failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
