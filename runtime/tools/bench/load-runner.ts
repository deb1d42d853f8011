import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPrng } from '../support/audio-gen.js';
import { checkGenesysRates } from '../support/genesys-rate-checker.js';
import { FRAME_MS, type ServerStats } from './bench-constants.js';
import { BenchConnection } from './bench-connection.js';
import type { BenchMode } from './bench-options.js';
import type { CallerAudio } from './caller-audio.js';
import { FrameTicker } from './frame-ticker.js';
import { foreignLoad, readCoreBusyMs } from './host-load.js';
import { SimulatedCaller } from './caller.js';
import { Recorder, type Samples } from './samples.js';
import { HOST_LIMITS } from './slo.js';
import { LAG_RESOLUTION_MS, loopDelayMs } from './stats.js';
import type { ServerProcess } from './server-process.js';

/**
 * Drives the simulated sessions of one mode against one server process: opens sessions at a fixed
 * rate, sends every session's frames on a real-time schedule from one 20 ms ticker (ten slots of
 * sessions, each slot every 200 ms), and measures fixed windows at each session count.
 */

/** Ten groups of sessions, one every 20 ms: the schedule the published figures were measured with. */
const SLOTS = 10;
/** Sends older than this before a window still feed the rate checker's buckets. */
const RATE_HISTORY_MS = 30_000;
const QUIET_PROBE_MS = 2_000;

interface Session {
  readonly caller: SimulatedCaller;
  readonly connection: BenchConnection;
  /** Violations already counted in an earlier window. */
  reportedViolations: number;
}

/** Raw measurements of one window at one session count; `level-result.ts` turns them into figures. */
export interface WindowMeasurement {
  readonly level: number;
  readonly live: number;
  readonly windowMs: number;
  readonly ramp: Samples;
  readonly window: Samples;
  readonly serverBefore: ServerStats;
  readonly serverAfter: ServerStats;
  /** After a forced GC, for memory per session. */
  readonly serverMemory: ServerStats;
  readonly rateViolations: number;
  readonly rateViolationRules: Record<string, number>;
  readonly protocolViolations: number;
  readonly violationExamples: readonly string[];
  readonly generatorCpuMs: number;
  readonly generatorLoopDelayP99Ms: number;
  readonly generatorLoopDelayMaxMs: number;
  /** The generator's longest GC pause in the window: it delays what the callers measure. */
  readonly generatorGcPauseMaxMs: number;
  readonly generatorHeapUsedBytes: number;
  /** Cores' worth of CPU other processes used on the server's and the generator's core (/proc/stat). */
  readonly foreignOnServerCore: number | undefined;
  readonly foreignOnGeneratorCore: number | undefined;
  /** DynamoDB requests the server made during the window. */
  readonly storeRequests: number;
  /** How long the window waited for other processes to leave the server's core. */
  readonly quietWaitMs: number;
}

export class LoadRunner {
  private readonly recorder = new Recorder();
  private readonly sessions: Session[] = [];
  private readonly ticker = new FrameTicker<Session>(FRAME_MS, SLOTS, (session, dueMs) => session.caller.tick(dueMs));
  private opened = 0;

  constructor(
    private readonly mode: BenchMode,
    private readonly server: ServerProcess,
    private readonly audio: CallerAudio,
    private readonly seed: number,
    /** Where the server and this process are pinned (undefined: not pinned, no per-core view). */
    private readonly cores: { readonly server: number | undefined; readonly generator: number | undefined },
    /** Session-store requests the server has made so far (the DynamoDB stub's count). */
    private readonly storeRequests: () => number,
  ) {}

  private get url(): string {
    return `ws://127.0.0.1:${this.server.port}/audiohook/${this.mode === 'bot' ? 'default' : 'listen'}`;
  }

  /** Starts the frame ticker: a late tick still serves each session once, with the time it was due. */
  start(): void {
    this.ticker.start();
  }

  /** Opens sessions at `rate` per second until `level` are open (or failed), then waits for them. */
  async rampTo(level: number, rate: number): Promise<void> {
    const toOpen = level - this.sessions.length;
    const started = performance.now();
    const openings: Promise<void>[] = [];
    for (let i = 0; i < toOpen; i++) {
      const waitMs = started + (i * 1000) / rate - performance.now();
      if (waitMs > 0) await sleep(waitMs);
      openings.push(this.openSession());
    }
    await Promise.all(openings);
  }

  /**
   * Measures one window: settle, wait (at most `maxQuietWaitMs`) until other processes leave the
   * server's core alone, then server and generator readings around `windowMs`, then the checks.
   */
  async measure(level: number, settleMs: number, windowMs: number, maxQuietWaitMs: number): Promise<WindowMeasurement> {
    const ramp = this.recorder.swap();
    await sleep(settleMs);
    const quietWaitMs = await this.waitForQuiet(maxQuietWaitMs);
    this.recorder.swap();
    const loopDelay = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    loopDelay.enable();
    let gcPauseMaxMs = 0;
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcPauseMaxMs = Math.max(gcPauseMaxMs, entry.duration);
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const serverBefore = await this.server.stats(false);
    const cpuBefore = process.cpuUsage();
    const coresBefore = readCoreBusyMs();
    const storeBefore = this.storeRequests();
    const from = performance.now();
    await sleep(windowMs);
    const serverAfter = await this.server.stats(false);
    const to = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const coresAfter = readCoreBusyMs();
    const storeRequests = this.storeRequests() - storeBefore;
    loopDelay.disable();
    gcObserver.disconnect();
    const window = this.recorder.swap();
    const rateViolationRules: Record<string, number> = {};
    let rateViolations = 0;
    let protocolViolations = 0;
    const violationExamples: string[] = [];
    for (const session of this.sessions) {
      for (const violation of checkGenesysRates(session.connection.takeSends(from - RATE_HISTORY_MS))) {
        if (violation.atMs < from || violation.atMs > to) continue;
        rateViolations += 1;
        rateViolationRules[violation.rule] = (rateViolationRules[violation.rule] ?? 0) + 1;
      }
      const { violations } = session.connection;
      protocolViolations += violations.length - session.reportedViolations;
      for (const text of violations.slice(session.reportedViolations)) if (violationExamples.length < 5) violationExamples.push(text);
      session.reportedViolations = violations.length;
    }
    const serverMemory = await this.server.stats(true);
    return {
      level,
      live: this.sessions.filter((session) => session.caller.live).length,
      windowMs: to - from,
      ramp,
      window,
      serverBefore,
      serverAfter,
      serverMemory,
      rateViolations,
      rateViolationRules,
      protocolViolations,
      violationExamples,
      generatorCpuMs: (cpu.user + cpu.system) / 1000,
      storeRequests,
      quietWaitMs,
      foreignOnServerCore:
        this.cores.server === undefined
          ? undefined
          : foreignLoad(coresBefore, coresAfter, this.cores.server, (serverAfter.cpuMicros - serverBefore.cpuMicros) / 1000, to - from),
      foreignOnGeneratorCore:
        this.cores.generator === undefined
          ? undefined
          : foreignLoad(coresBefore, coresAfter, this.cores.generator, (cpu.user + cpu.system) / 1000, to - from),
      generatorLoopDelayP99Ms: loopDelayMs(loopDelay.percentile(99)),
      generatorLoopDelayMaxMs: loopDelayMs(loopDelay.max),
      generatorGcPauseMaxMs: gcPauseMaxMs,
      generatorHeapUsedBytes: process.memoryUsage().heapUsed,
    };
  }

  /** Polls other processes' load on the server's core every 2 s until it is low or `maxWaitMs` passed. */
  private async waitForQuiet(maxWaitMs: number): Promise<number> {
    const core = this.cores.server;
    const started = performance.now();
    if (core === undefined || maxWaitMs <= 0) return 0;
    for (;;) {
      const before = { stats: await this.server.stats(false), cores: readCoreBusyMs(), at: performance.now() };
      await sleep(QUIET_PROBE_MS);
      const after = { stats: await this.server.stats(false), cores: readCoreBusyMs(), at: performance.now() };
      const foreign = foreignLoad(before.cores, after.cores, core, (after.stats.cpuMicros - before.stats.cpuMicros) / 1000, after.at - before.at);
      const waited = performance.now() - started;
      if (foreign === undefined || foreign <= HOST_LIMITS.foreignCores || waited >= maxWaitMs) return Math.round(waited);
    }
  }

  /** Stops the ticker and runs every session's close transaction. */
  async stop(): Promise<void> {
    this.ticker.stop();
    await Promise.all(this.sessions.map((session) => session.connection.close(5_000).catch(() => undefined)));
  }

  private async openSession(): Promise<void> {
    const index = this.opened++;
    const caller = new SimulatedCaller(this.mode, this.audio, createPrng(this.seed * 100_003 + index), this.recorder);
    const started = performance.now();
    let connection: BenchConnection;
    try {
      connection = await BenchConnection.connect(this.url, caller);
    } catch (error) {
      this.recorder.current.count(`upgrade failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const upgraded = performance.now();
    this.recorder.current.upgrade.push(upgraded - started);
    try {
      await connection.open();
    } catch (error) {
      this.recorder.current.count(`open failed: ${error instanceof Error ? error.message : String(error)}`);
      await connection.close(1_000);
      return;
    }
    const opened = performance.now();
    this.recorder.current.opened.push(opened - upgraded);
    caller.start(connection, opened);
    const session: Session = { caller, connection, reportedViolations: 0 };
    this.sessions.push(session);
    this.ticker.add(session);
  }
}
