import type { BenchMode } from './bench-options.js';
import type { WindowMeasurement } from './load-runner.js';
import type { Samples } from './samples.js';
import { HOST_LIMITS, evaluateSlo, generatorBound, type SloVerdict } from './slo.js';
import { summarize, type Summary } from './stats.js';

/** The figures of one session count in one mode, as they appear in the JSON and the report. */
export interface LevelResult {
  readonly mode: BenchMode;
  readonly sessions: number;
  readonly live: number;
  readonly windowS: number;
  readonly pingRttMs: Summary | null;
  readonly latenessMs: Summary | null;
  /** Measured while ramping to this level, with the lower level's sessions live. */
  readonly openedMs: Summary | null;
  readonly upgradeMs: Summary | null;
  readonly turnMs: Summary | null;
  readonly dtmfTurnMs: Summary | null;
  readonly bargeInMs: Summary | null;
  readonly bargeInServerMs: Summary | null;
  readonly rateViolations: number;
  readonly rateViolationRules: Record<string, number>;
  readonly protocolViolations: number;
  readonly violationExamples: readonly string[];
  /** Refused, failed or lost sessions (ramp and window), by reason. */
  readonly sessionErrors: Record<string, number>;
  /** Other counts of the window: utterances, DTMF keys, barge-in attempts, misses. */
  readonly counts: Record<string, number>;
  readonly server: {
    readonly cpuMsPerSessionSecond: number;
    /** Share of one core used by the server during the window. */
    readonly cpuUtilisation: number;
    readonly loopUtilisation: number;
    readonly loopDelayP99Ms: number;
    readonly loopDelayMaxMs: number;
    /** GC pauses in the window: share of the window, and the longest. */
    readonly gcPauseShare: number;
    readonly gcPauseMaxMs: number;
    readonly rssBytes: number;
    readonly rssPerSessionBytes: number;
    /** RSS growth per session added since the previous level: the marginal cost, free of fixed overheads. */
    readonly rssMarginalPerSessionBytes: number | null;
    readonly heapPerSessionBytes: number;
    /** Session-store (DynamoDB) requests per session per minute. */
    readonly storeRequestsPerSessionMinute: number;
  };
  readonly generator: {
    readonly cpuUtilisation: number;
    readonly loopDelayP99Ms: number;
    readonly loopDelayMaxMs: number;
    readonly gcPauseMaxMs: number;
    readonly heapUsedBytes: number;
    readonly frameSendLagMs: Summary | null;
    /** The generator missed its own schedule: the window may understate the server. */
    readonly bound: boolean;
  };
  /** Other processes on the machine during the window (cores' worth, from /proc/stat). */
  readonly host: {
    readonly foreignOnServerCore: number | null;
    readonly foreignOnGeneratorCore: number | null;
    /** Other processes took a real share of the server's core: the window understates the server. */
    readonly contended: boolean;
    /** Windows measured at this level (a contended window is measured again, at most three times). */
    readonly attempts: number;
    /** Time spent before the window waiting for other processes to leave the server's core. */
    readonly quietWaitS: number;
  };
  /** The window on the server's monotonic clock (µs), to cut a CPU profile to it. */
  readonly serverWindowMicros: readonly [number, number];
  readonly slo: SloVerdict;
}

const ERROR_PREFIXES = ['lost', 'upgrade failed', 'open failed'];

function errorsOf(...samples: Samples[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const sample of samples) {
    for (const [name, count] of Object.entries(sample.counts)) {
      if (ERROR_PREFIXES.some((prefix) => name.startsWith(prefix))) errors[name] = (errors[name] ?? 0) + count;
    }
  }
  return errors;
}

/** Turns one window's raw readings into figures; `baseline` is the idle server after GC. */
export function toLevelResult(
  mode: BenchMode,
  m: WindowMeasurement,
  baseline: { rssBytes: number; heapBytes: number },
  previous?: Pick<LevelResult, 'live'> & { readonly server: Pick<LevelResult['server'], 'rssBytes'> },
): LevelResult {
  const windowS = m.windowMs / 1000;
  const cpuMs = (m.serverAfter.cpuMicros - m.serverBefore.cpuMicros) / 1000;
  const sessionErrors = errorsOf(m.ramp, m.window);
  const counts = Object.fromEntries(
    Object.entries(m.window.counts).filter(([name]) => !ERROR_PREFIXES.some((prefix) => name.startsWith(prefix))),
  );
  const pingRttMs = summarize(m.window.pingRtt);
  const latenessMs = summarize(m.window.lateness);
  const frameSendLagMs = summarize(m.window.frameSendLag);
  const generatorCpu = m.generatorCpuMs / m.windowMs;
  const heapBytes = m.serverMemory.heapUsedBytes + m.serverMemory.externalBytes;
  const perSession = (bytes: number): number => Math.round(bytes / Math.max(1, m.live));
  return {
    mode,
    sessions: m.level,
    live: m.live,
    windowS: Number(windowS.toFixed(2)),
    pingRttMs,
    latenessMs,
    openedMs: summarize(m.ramp.opened),
    upgradeMs: summarize(m.ramp.upgrade),
    turnMs: summarize(m.window.turn),
    dtmfTurnMs: summarize(m.window.dtmfTurn),
    bargeInMs: summarize(m.window.bargeIn),
    bargeInServerMs: summarize(m.window.bargeInServer),
    rateViolations: m.rateViolations,
    rateViolationRules: m.rateViolationRules,
    protocolViolations: m.protocolViolations,
    violationExamples: m.violationExamples,
    sessionErrors,
    counts,
    server: {
      cpuMsPerSessionSecond: Number((cpuMs / (Math.max(1, m.live) * windowS)).toFixed(4)),
      cpuUtilisation: Number((cpuMs / m.windowMs).toFixed(3)),
      loopUtilisation: Number(m.serverAfter.loopUtilisation.toFixed(3)),
      loopDelayP99Ms: Number(m.serverAfter.loopDelayP99Ms.toFixed(2)),
      loopDelayMaxMs: Number(m.serverAfter.loopDelayMaxMs.toFixed(2)),
      gcPauseShare: Number((m.serverAfter.gcPauseTotalMs / m.windowMs).toFixed(4)),
      gcPauseMaxMs: Number(m.serverAfter.gcPauseMaxMs.toFixed(2)),
      rssBytes: m.serverMemory.rssBytes,
      rssPerSessionBytes: perSession(m.serverMemory.rssBytes - baseline.rssBytes),
      rssMarginalPerSessionBytes:
        previous === undefined || m.live <= previous.live
          ? null
          : Math.round((m.serverMemory.rssBytes - previous.server.rssBytes) / (m.live - previous.live)),
      heapPerSessionBytes: perSession(heapBytes - baseline.heapBytes),
      storeRequestsPerSessionMinute: Number(((m.storeRequests * 60) / (Math.max(1, m.live) * windowS)).toFixed(2)),
    },
    generator: {
      cpuUtilisation: Number(generatorCpu.toFixed(3)),
      loopDelayP99Ms: Number(m.generatorLoopDelayP99Ms.toFixed(2)),
      loopDelayMaxMs: Number(m.generatorLoopDelayMaxMs.toFixed(2)),
      gcPauseMaxMs: Number(m.generatorGcPauseMaxMs.toFixed(2)),
      heapUsedBytes: m.generatorHeapUsedBytes,
      frameSendLagMs,
      bound: generatorBound(frameSendLagMs?.p99, generatorCpu),
    },
    host: {
      foreignOnServerCore: m.foreignOnServerCore ?? null,
      foreignOnGeneratorCore: m.foreignOnGeneratorCore ?? null,
      contended: (m.foreignOnServerCore ?? 0) > HOST_LIMITS.foreignCores,
      attempts: 1,
      quietWaitS: Math.round(m.quietWaitMs / 1000),
    },
    serverWindowMicros: [m.serverBefore.monotonicMicros, m.serverAfter.monotonicMicros],
    slo: sloOf(mode, m.level, m.live, pingRttMs, latenessMs, m.rateViolations, m.protocolViolations, sessionErrors),
  };
}

function sloOf(
  mode: BenchMode,
  level: number,
  live: number,
  pingRttMs: Summary | null,
  latenessMs: Summary | null,
  rateViolations: number,
  protocolViolations: number,
  sessionErrors: Record<string, number>,
): SloVerdict {
  return evaluateSlo({
    level,
    live,
    pingRttMs,
    latenessMs: mode === 'bot' ? latenessMs : null,
    rateViolations,
    protocolViolations,
    sessionErrors: Object.values(sessionErrors).reduce((sum, count) => sum + count, 0),
  });
}

/**
 * One level measured in several windows (the first ones contended): the least contended window's
 * figures, but every window's violations and errors, so a re-measurement can never hide a failure.
 */
export function mergeAttempts(attempts: readonly LevelResult[]): LevelResult {
  if (attempts.length === 0) throw new RangeError('no attempts to merge');
  const foreign = (r: LevelResult): number => r.host.foreignOnServerCore ?? 0;
  const best = attempts.reduce((a, b) => (foreign(b) < foreign(a) ? b : a));
  const sum = (pick: (r: LevelResult) => number): number => attempts.reduce((total, r) => total + pick(r), 0);
  const sessionErrors: Record<string, number> = {};
  const rateViolationRules: Record<string, number> = {};
  for (const r of attempts) {
    for (const [k, v] of Object.entries(r.sessionErrors)) sessionErrors[k] = (sessionErrors[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.rateViolationRules)) rateViolationRules[k] = (rateViolationRules[k] ?? 0) + v;
  }
  const rateViolations = sum((r) => r.rateViolations);
  const protocolViolations = sum((r) => r.protocolViolations);
  return {
    ...best,
    // The ramp belongs to the level, not to a window: only the first attempt followed it.
    openedMs: attempts[0]!.openedMs,
    upgradeMs: attempts[0]!.upgradeMs,
    rateViolations,
    rateViolationRules,
    protocolViolations,
    violationExamples: attempts.flatMap((r) => r.violationExamples).slice(0, 5),
    sessionErrors,
    host: { ...best.host, attempts: attempts.length },
    slo: sloOf(best.mode, best.sessions, best.live, best.pingRttMs, best.latenessMs, rateViolations, protocolViolations, sessionErrors),
  };
}
