import type { Summary } from './stats.js';

/**
 * The service level a session count must meet to count as sustained, and the targets. Pure:
 * the runner measures, these functions judge.
 */
export const SLO = {
  pingRttP99Ms: 50,
  latenessP99Ms: 50,
} as const;

/** Beyond these the load generator itself is saturated and the window says little about the server. */
export const GENERATOR_LIMITS = {
  frameSendLagP99Ms: 20,
  cpuUtilisation: 0.9,
} as const;

/** Other processes using more than this (cores' worth) on the server's core make a window contended. */
export const HOST_LIMITS = {
  foreignCores: 0.1,
  /** Windows measured per level at most while they are contended. */
  maxAttempts: 3,
  /** Longest wait before a window for other processes to leave the server's core, in ms. */
  maxQuietWaitMs: 60_000,
} as const;

/** What the SLO looks at in one window. */
export interface SloInput {
  readonly level: number;
  readonly live: number;
  readonly pingRttMs: Summary | null;
  /** Null when no audio went out (listen-only). */
  readonly latenessMs: Summary | null;
  readonly rateViolations: number;
  readonly protocolViolations: number;
  /** Sessions refused, failed to open, or lost. */
  readonly sessionErrors: number;
}

export interface SloVerdict {
  readonly pass: boolean;
  /** Why it failed, one phrase per broken condition. */
  readonly failures: readonly string[];
}

export function evaluateSlo(input: SloInput): SloVerdict {
  const failures: string[] = [];
  if (input.pingRttMs === null) failures.push('no ping answered');
  else if (!(input.pingRttMs.p99 < SLO.pingRttP99Ms)) failures.push(`ping RTT p99 ${input.pingRttMs.p99} ms ≥ ${SLO.pingRttP99Ms}`);
  if (input.latenessMs !== null && !(input.latenessMs.p99 < SLO.latenessP99Ms)) {
    failures.push(`audio lateness p99 ${input.latenessMs.p99} ms ≥ ${SLO.latenessP99Ms}`);
  }
  if (input.rateViolations > 0) failures.push(`${input.rateViolations} rate-limit violations`);
  if (input.protocolViolations > 0) failures.push(`${input.protocolViolations} protocol violations`);
  if (input.sessionErrors > 0) failures.push(`${input.sessionErrors} sessions refused, failed or lost`);
  if (input.live < input.level) failures.push(`${input.live} of ${input.level} sessions live`);
  return { pass: failures.length === 0, failures };
}

/** Whether the generator kept its own real-time schedule during a window. */
export function generatorBound(frameSendLagP99Ms: number | undefined, cpuUtilisation: number): boolean {
  return (frameSendLagP99Ms ?? 0) > GENERATOR_LIMITS.frameSendLagP99Ms || cpuUtilisation > GENERATOR_LIMITS.cpuUtilisation;
}

/**
 * The highest session count that met the SLO with every lower level also meeting it (a search stops
 * at the first failure); 0 when the first level failed.
 */
export function sustainedCapacity(levels: readonly { readonly sessions: number; readonly pass: boolean }[]): number {
  let capacity = 0;
  for (const level of levels) {
    if (!level.pass) break;
    capacity = level.sessions;
  }
  return capacity;
}

/** One target of the issue and how the run did against it. */
export interface TargetVerdict {
  readonly name: string;
  readonly target: string;
  /** null when the run did not measure it (mode not run, no samples). */
  readonly measured: number | null;
  readonly unit: string;
  readonly met: boolean | null;
}

/** `measured op limit`, or an unmeasured verdict. */
export function verdict(name: string, measured: number | null | undefined, op: '≤' | '≥', limit: number, unit: string): TargetVerdict {
  const value = measured ?? null;
  const met = value === null ? null : op === '≤' ? value <= limit : value >= limit;
  return { name, target: `${op} ${limit} ${unit}`, measured: value, unit, met };
}
