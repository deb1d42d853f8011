import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { summariseAllocations, type AllocationProfile, type AllocationSummary } from './alloc-summary.js';
import type { BenchMode, BenchOptions } from './bench-options.js';
import type { CallerAudio } from './caller-audio.js';
import { mergeAttempts, toLevelResult, type LevelResult } from './level-result.js';
import { LoadRunner } from './load-runner.js';
import { summariseProfile, type CpuProfile, type Locate } from './profile-summary.js';
import { startDynamoDbStub } from './dynamodb-stub.js';
import { startBenchSpeechEndpoints } from './speech-endpoints.js';
import { startServerProcess } from './server-process.js';
import { appendAll, summarize } from './stats.js';
import { HOST_LIMITS, sustainedCapacity } from './slo.js';
import type { ModeResult } from './summary.js';

/** Cores: the server on the first, the load generator on the second (when the machine has two). */
export const SERVER_CORE = 0;
export const GENERATOR_CORE = 1;

/**
 * One mode end to end: a fresh server process, its idle baseline, the levels in order until one
 * breaks the SLO (or the time cap), the close transactions, the server's exit (which writes the CPU
 * profile when asked) and its log summary.
 */
export async function runMode(
  mode: BenchMode,
  levels: readonly number[],
  options: BenchOptions,
  audio: CallerAudio,
  run: {
    /** The bundled server (server-process.ts `bundleBenchServer`). */
    readonly mainFile: string;
    readonly deadlineMs: number;
    readonly profile: boolean;
    /** The core this process is pinned to, if it is. */
    readonly generatorCore: number | undefined;
    readonly progress: (line: string) => void;
  },
): Promise<ModeResult & { readonly pinnedCore: number | undefined }> {
  const { deadlineMs, progress } = run;
  const work = mkdtempSync(join(tmpdir(), `bench-${mode}-`));
  const store = await startDynamoDbStub();
  // In this (the generator's) process, so the endpoints' CPU is spent on the generator's core.
  const speech = await startBenchSpeechEndpoints(options.speech, Math.max(...levels) + 100);
  const server = await startServerProcess({
    mainFile: run.mainFile,
    dynamoDbEndpoint: store.endpoint,
    nice: options.nice,
    nodeFlags: options.nodeFlags,
    settings: { logLevel: options.logLevel, maxSessions: Math.max(...levels) + 100, speech: options.speech },
    core: SERVER_CORE,
    cpuProfileDir: run.profile ? work : undefined,
    logFile: join(work, 'server.log'),
    environment: speech.environment,
  }).catch(async (error: unknown) => {
    await store.close();
    await speech.close();
    throw error;
  });
  progress(`${mode}: server pid ${server.pid} on port ${server.port}${server.pinnedCore === undefined ? '' : `, core ${server.pinnedCore}`}; log ${join(work, 'server.log')}`);
  const idle = await server.stats(true);
  const baseline = { rssBytes: idle.rssBytes, heapBytes: idle.heapUsedBytes + idle.externalBytes };
  const runner = new LoadRunner(mode, server, audio, options.seed, { server: server.pinnedCore, generator: run.generatorCore }, () => store.requests);
  runner.start();
  const results: LevelResult[] = [];
  const openedWithinSlo: number[] = [];
  const coldOpened: number[] = [];
  let stoppedBecause = 'every level ran';
  let allocation: AllocationSummary | null = null;
  try {
    for (const level of levels) {
      if (performance.now() > deadlineMs) {
        stoppedBecause = `time cap (${options.maxMinutes} min) reached before ${level} sessions`;
        break;
      }
      await runner.rampTo(level, options.rate);
      // A profiling pass also samples allocations over the settle and the window(s): steady state.
      const allocationFrom = performance.now();
      if (run.profile) server.allocationStart();
      const attempts: LevelResult[] = [];
      const opened: number[] = [];
      do {
        const measurement = await runner.measure(level, options.settleS * 1000, options.windowS * 1000, options.quick ? 0 : HOST_LIMITS.maxQuietWaitMs);
        appendAll(opened, measurement.ramp.opened);
        attempts.push(toLevelResult(mode, measurement, baseline, results.at(-1)));
        progress(describe(attempts.at(-1)!));
        // --quick must stay under a minute: one window per level, contended or not.
      } while (attempts.at(-1)!.host.contended && attempts.length < (options.quick ? 1 : HOST_LIMITS.maxAttempts));
      const result = mergeAttempts(attempts);
      results.push(result);
      if (run.profile) {
        const profile = JSON.parse(await server.allocationStop()) as AllocationProfile;
        allocation = summariseAllocations(profile, { seconds: (performance.now() - allocationFrom) / 1000, locate: bundleLocator(run.mainFile) });
      }
      if (!result.slo.pass) {
        stoppedBecause = `SLO broken at ${level} sessions: ${result.slo.failures.join('; ')}`;
        break;
      }
      // The first ramp meets a cold server (JIT, first-use allocations): it stays in its level's row but
      // leaves the pooled figure when later ramps measured the warm server.
      if (results.length === 1) appendAll(coldOpened, opened);
      else appendAll(openedWithinSlo, opened);
    }
  } finally {
    await runner.stop();
    await server.stop();
    await store.close();
    await speech.close();
  }
  // The main thread's profile (`CPU.<date>.<time>.<pid>.0.<n>.cpuprofile`; worker threads have other ids).
  const profileFile = readdirSync(work).find((name) => name.endsWith('.cpuprofile') && name.includes(`.${server.pid}.0.`));
  // Steady state only: the profile is cut to the (last) level's measurement window.
  const window = results.at(-1)?.serverWindowMicros;
  const profile =
    profileFile === undefined
      ? null
      : summariseProfile(JSON.parse(readFileSync(join(work, profileFile), 'utf8')) as CpuProfile, {
          ...(window === undefined ? {} : { window }),
          locate: bundleLocator(run.mainFile),
        });
  if (profileFile !== undefined) progress(`${mode}: CPU profile ${join(work, profileFile)}`);
  return {
    mode,
    capacity: sustainedCapacity(results.map((r) => ({ sessions: r.sessions, pass: r.slo.pass }))),
    stoppedBecause,
    sloBroken: results.some((r) => !r.slo.pass),
    levels: results,
    openedMs: summarize(openedWithinSlo.length > 0 ? openedWithinSlo : coldOpened),
    baseline,
    serverLog: server.logSummary(),
    storeRequests: store.byOperation,
    profile,
    allocation,
    pinnedCore: server.pinnedCore,
  };
}

/** Maps frames of the bundle to source files and lines through its source map. */
function bundleLocator(mainFile: string): Locate {
  const map = new SourceMap(JSON.parse(readFileSync(`${mainFile}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  const bundleUrl = pathToFileURL(mainFile).href;
  const mapDir = resolve(mainFile, '..');
  return (url, line, column) => {
    if (url !== bundleUrl) return undefined;
    const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
    return { url: resolve(mapDir, entry.originalSource), line: entry.originalLine };
  };
}

function describe(r: LevelResult): string {
  const p99 = (s: { p99: number } | null): string => (s === null ? '-' : `${s.p99}`);
  return [
    `${r.mode} ${String(r.sessions).padStart(5)} sessions:`,
    `cpu ${(r.server.cpuUtilisation * 100).toFixed(0)}% (${r.server.cpuMsPerSessionSecond} ms/session-s)`,
    `rss/session ${Math.round(r.server.rssPerSessionBytes / 1024)} KB`,
    `p99 ping ${p99(r.pingRttMs)} late ${p99(r.latenessMs)} opened ${p99(r.openedMs)} turn ${p99(r.turnMs)} barge ${p99(r.bargeInMs)} ms`,
    `server loop max ${r.server.loopDelayMaxMs} gc max ${r.server.gcPauseMaxMs} ms`,
    `gen cpu ${(r.generator.cpuUtilisation * 100).toFixed(0)}% loop max ${r.generator.loopDelayMaxMs} gc max ${r.generator.gcPauseMaxMs} ms heap ${Math.round(r.generator.heapUsedBytes / 1048576)} MB${r.generator.bound ? ' (generator-bound)' : ''}`,
    `others on server core ${r.host.foreignOnServerCore ?? '?'}${r.host.contended ? ' (contended)' : ''}`,
    r.slo.pass ? 'SLO ok' : `SLO broken: ${r.slo.failures.join('; ')}`,
  ].join(' | ');
}
