import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import type { BENCH_SENDER, BENCH_SPEECH, BenchSpeechPath } from './bench-constants.js';
import type { AllocationSummary } from './alloc-summary.js';
import type { BenchMode, BenchOptions } from './bench-options.js';
import type { LevelResult } from './level-result.js';
import type { MicroResults } from './micro-bench.js';
import type { ProfileSummary } from './profile-summary.js';
import { verdict, type SLO, type TargetVerdict } from './slo.js';
import type { Summary } from './stats.js';

/** Everything one mode's run produced. */
export interface ModeResult {
  readonly mode: BenchMode;
  /** Highest session count within the SLO (0 = none). */
  readonly capacity: number;
  /** Why the search ended: an SLO failure, the last level, or the time cap. */
  readonly stoppedBecause: string;
  /** A level broke the SLO: `capacity` is the limit. Otherwise it is only a lower bound. */
  readonly sloBroken: boolean;
  readonly levels: readonly LevelResult[];
  /** `open` → `opened` over the ramps of every level within the SLO, at the configured rate. */
  readonly openedMs: Summary | null;
  readonly baseline: { readonly rssBytes: number; readonly heapBytes: number };
  readonly serverLog: { readonly byLevel: Record<string, number>; readonly top: readonly string[] };
  /** Session-store (DynamoDB stub) requests over the whole mode run, by operation. */
  readonly storeRequests: Readonly<Record<string, number>>;
  /** Set only on a profiling pass. */
  readonly profile: ProfileSummary | null;
  /** Set only on a profiling pass: where the server's garbage comes from. */
  readonly allocation: AllocationSummary | null;
}

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  readonly serverCore: number | undefined;
  readonly generatorPinned: boolean;
}

/** The full result: written as results.json; its headline goes to stdout. */
export interface BenchSummary {
  readonly benchmark: 'npm run bench';
  readonly startedAt: string;
  readonly durationS: number;
  readonly machine: Machine;
  readonly options: BenchOptions;
  /** Which speech the server ran: the real adapters against local endpoints, or the doubles. */
  readonly speech: BenchSpeechPath;
  /** The timings both paths use (the local endpoints are set to them). */
  readonly speechTimings: typeof BENCH_SPEECH;
  readonly sender: typeof BENCH_SENDER;
  /** The final transcript, not the VAD, starts every turn (checked on the caller audio at start-up). */
  readonly finalStartsEveryTurn: boolean;
  readonly slo: typeof SLO;
  readonly modes: Partial<Record<BenchMode, ModeResult>>;
  /** The profiling passes: one level per mode with the server under --cpu-prof. */
  readonly profiles: Partial<
    Record<
      BenchMode,
      {
        readonly sessions: number;
        readonly level: LevelResult | null;
        readonly profile: ProfileSummary | null;
        readonly allocation: AllocationSummary | null;
      }
    >
  >;
  /** Bot ÷ listen-only at the session counts both modes ran within the SLO. */
  readonly botOverListen: readonly { readonly sessions: number; readonly cpu: number; readonly rss: number }[];
  readonly micro: MicroResults | null;
  readonly targets: readonly TargetVerdict[];
}

export function machineInfo(serverCore: number | undefined, generatorPinned: boolean): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux: os.cpus() is as good as it gets
  }
  return { nproc: cpus().length, cpuModel, node: process.version, platform: `${process.platform} ${process.arch}`, serverCore, generatorPinned };
}

/** The level the capacity claim rests on: the highest within the SLO, else the first one measured. */
export function claimLevel(mode: ModeResult | undefined): LevelResult | undefined {
  if (mode === undefined) return undefined;
  return mode.levels.find((level) => level.sessions === mode.capacity) ?? mode.levels[0];
}

export function ratios(bot: ModeResult | undefined, listen: ModeResult | undefined): BenchSummary['botOverListen'] {
  if (bot === undefined || listen === undefined) return [];
  return bot.levels.flatMap((level) => {
    const other = listen.levels.find((candidate) => candidate.sessions === level.sessions);
    if (other === undefined || !level.slo.pass || !other.slo.pass) return [];
    return [
      {
        sessions: level.sessions,
        cpu: Number((level.server.cpuMsPerSessionSecond / other.server.cpuMsPerSessionSecond).toFixed(2)),
        rss: Number((level.server.rssPerSessionBytes / Math.max(1, other.server.rssPerSessionBytes)).toFixed(2)),
      },
    ];
  });
}

/** The targets, judged at the level each capacity claim rests on. */
export function judgeTargets(modes: BenchSummary['modes']): TargetVerdict[] {
  const bot = claimLevel(modes.bot);
  const listen = claimLevel(modes.listen);
  const kb = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : Math.round(bytes / 102.4) / 10);
  return [
    capacityVerdict('bot sessions within the SLO (one core)', modes.bot, 2000),
    capacityVerdict('listen-only sessions within the SLO (one core)', modes.listen, 4000),
    verdict('listen-only CPU per session-second', listen?.server.cpuMsPerSessionSecond, '≤', 0.12, 'ms'),
    verdict('opened p99 (bot ramps)', modes.bot?.openedMs?.p99, '≤', 20, 'ms'),
    verdict('opened p99 (listen-only ramps)', modes.listen?.openedMs?.p99, '≤', 20, 'ms'),
    verdict('server-added turn latency p99', bot?.turnMs?.p99, '≤', 20, 'ms'),
    verdict('barge-in latency p50', bot?.bargeInMs?.p50, '≤', 250, 'ms'),
    verdict('barge-in latency p99', bot?.bargeInMs?.p99, '≤', 400, 'ms'),
    verdict('memory per listen-only session', kb(listen?.server.rssPerSessionBytes), '≤', 50, 'KB'),
    verdict('memory per bot session', kb(bot?.server.rssPerSessionBytes), '≤', 200, 'KB'),
  ];
}

/** A search that ended before any level broke the SLO proves only a lower bound: below the target, it is open. */
function capacityVerdict(name: string, mode: ModeResult | undefined, target: number): TargetVerdict {
  const judged = verdict(name, mode?.capacity, '≥', target, 'sessions');
  return mode !== undefined && !mode.sloBroken && judged.met === false ? { ...judged, met: null } : judged;
}

/** The figures the last stdout line carries (results.json has every level). */
export function headline(summary: BenchSummary, resultsFile: string | undefined): Record<string, unknown> {
  const modeFigures = (mode: ModeResult | undefined): Record<string, unknown> | null => {
    const level = claimLevel(mode);
    if (mode === undefined || level === undefined) return null;
    return {
      capacity: mode.capacity,
      capacityIsLowerBound: !mode.sloBroken,
      stoppedBecause: mode.stoppedBecause,
      atSessions: level.sessions,
      cpuMsPerSessionSecond: level.server.cpuMsPerSessionSecond,
      rssPerSessionKB: Math.round(level.server.rssPerSessionBytes / 102.4) / 10,
      pingRttP99Ms: level.pingRttMs?.p99 ?? null,
      latenessP99Ms: level.latenessMs?.p99 ?? null,
      openedP50Ms: mode.openedMs?.p50 ?? null,
      openedP99Ms: mode.openedMs?.p99 ?? null,
      turnP50Ms: level.turnMs?.p50 ?? null,
      turnP99Ms: level.turnMs?.p99 ?? null,
      bargeInP50Ms: level.bargeInMs?.p50 ?? null,
      bargeInP99Ms: level.bargeInMs?.p99 ?? null,
    };
  };
  return {
    benchmark: summary.benchmark,
    quick: summary.options.quick,
    speech: summary.speech,
    durationS: summary.durationS,
    bot: modeFigures(summary.modes.bot),
    listen: modeFigures(summary.modes.listen),
    botOverListenCpu: summary.botOverListen.map((r) => ({ sessions: r.sessions, ratio: r.cpu })),
    micro: summary.micro === null ? null : {
      mulawDecodeSamplesPerSecond: summary.micro.mulawDecodeSamplesPerSecond,
      mulawEncodeSamplesPerSecond: summary.micro.mulawEncodeSamplesPerSecond,
      vadSamplesPerSecond: summary.micro.vadSamplesPerSecond,
    },
    targetsMet: summary.targets.filter((t) => t.met === true).length,
    targetsMissed: summary.targets.filter((t) => t.met === false).map((t) => t.name),
    results: resultsFile ?? null,
  };
}
