import { describe, expect, it } from 'vitest';
import type { LevelResult } from '../../../runtime/tools/bench/level-result.js';
import { renderChart } from '../../../runtime/tools/bench/report-chart.js';
import { commandOf, renderReport } from '../../../runtime/tools/bench/report-markdown.js';
import type { BenchSummary, ModeResult } from '../../../runtime/tools/bench/summary.js';
import { judgeTargets } from '../../../runtime/tools/bench/summary.js';
import { parseBenchOptions } from '../../../runtime/tools/bench/bench-options.js';

const ms = (p99: number) => ({ count: 10, p50: p99 / 2, p90: p99, p99, max: p99, mean: p99 / 2 });

function level(sessions: number, pass: boolean, pingP99: number): LevelResult {
  return {
    mode: 'bot',
    sessions,
    live: sessions,
    windowS: 20,
    pingRttMs: ms(pingP99),
    latenessMs: ms(4),
    openedMs: ms(3),
    upgradeMs: ms(6),
    turnMs: ms(8),
    dtmfTurnMs: null,
    bargeInMs: ms(350),
    bargeInServerMs: ms(20),
    rateViolations: 0,
    rateViolationRules: {},
    protocolViolations: 0,
    violationExamples: [],
    sessionErrors: {},
    counts: { utterances: 10 },
    server: { cpuMsPerSessionSecond: 0.4, cpuUtilisation: sessions / 1000, loopUtilisation: 0.3, loopDelayP99Ms: 2, loopDelayMaxMs: 3, gcPauseShare: 0.01, gcPauseMaxMs: 4, rssBytes: 2e8, rssPerSessionBytes: 150_000, rssMarginalPerSessionBytes: 120_000, heapPerSessionBytes: 50_000, storeRequestsPerSessionMinute: 3 },
    generator: { cpuUtilisation: 0.2, loopDelayP99Ms: 1, loopDelayMaxMs: 1, gcPauseMaxMs: 1, heapUsedBytes: 1, frameSendLagMs: ms(2), bound: false },
    host: { foreignOnServerCore: 0.01, foreignOnGeneratorCore: 0.02, contended: false, attempts: 1, quietWaitS: 0 },
    serverWindowMicros: [0, 1],
    slo: pass ? { pass, failures: [] } : { pass, failures: ['ping RTT p99 300 ms ≥ 50'] },
  };
}

function summary(): BenchSummary {
  const options = parseBenchOptions(['--mode', 'bot']);
  if (options === 'help') throw new Error('unexpected help');
  const bot: ModeResult = {
    mode: 'bot',
    capacity: 500,
    stoppedBecause: 'SLO broken at 750 sessions',
    sloBroken: true,
    levels: [level(250, true, 10), level(500, true, 20), level(750, false, 300)],
    openedMs: ms(5),
    baseline: { rssBytes: 1e8, heapBytes: 2e7 },
    serverLog: { byLevel: {}, top: [] },
    storeRequests: {},
    profile: null,
    allocation: null,
  };
  const modes = { bot };
  return {
    benchmark: 'npm run bench',
    startedAt: '2026-11-21T00:00:00.000Z',
    durationS: 100,
    machine: { nproc: 2, cpuModel: 'Test CPU <x>', node: 'v20', platform: 'linux x64', serverCore: 0, generatorPinned: true },
    options,
    speech: 'local-endpoints',
    speechTimings: { recognizerHangoverMs: 700, recognizerLatencyMs: 300, synthesizerLatencyMs: 150, transcript: 'billing', bargeInOnsetMs: 180, endOfTurnSilenceMs: 700 },
    sender: { packetBytes: 3200, maxLeadMs: 1000 },
    finalStartsEveryTurn: true,
    slo: { pingRttP99Ms: 50, latenessP99Ms: 50 },
    modes,
    profiles: {},
    botOverListen: [],
    micro: null,
    targets: judgeTargets(modes),
  };
}

describe('bench report files', () => {
  it('draw one point per level, hollow where the SLO broke, and pin off-scale values to the top', () => {
    const svg = renderChart(summary());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('fill="white" stroke="#1f77b4"');
    expect(svg).toContain('↑300');
    expect(svg).toContain('Test CPU &lt;x&gt;');
    expect(svg.match(/<svg/g)).toHaveLength(1);
  });

  it('judge targets at the capacity level and report the misses', () => {
    const report = renderReport(summary());
    expect(report).toContain('| bot sessions within the SLO (one core) | ≥ 2000 sessions | 500 sessions | **missed** |');
    expect(report).toContain('| barge-in latency p50 | ≤ 250 ms | 175 ms | met |');
    expect(report).toContain('![Server CPU and p99 latencies against concurrent sessions](chart.svg)');
  });

  it('name a command that reproduces every option that shapes the figures', () => {
    const base = summary();
    // Splits the command's arguments as a shell would (double quotes only: commandOf quotes nothing else).
    const argvOf = (command: string): string[] =>
      (command.split(' -- ')[1] ?? '').match(/(?:[^\s"]+|"[^"]*")+/g)?.map((arg) => arg.replace(/"/g, '')) ?? [];
    const shaping = (argv: readonly string[]) => {
      const o = parseBenchOptions(argv);
      if (o === 'help') throw new Error('unexpected help');
      const { quick, modes, levels, rate, windowS, settleS, seed, nice, nodeFlags, speech } = o;
      return { quick, modes, levels, rate, windowS, settleS, seed, nice, nodeFlags, speech };
    };
    for (const argv of [
      ['--step', '100'],
      ['--mode', 'bot', '--fixed', '--sessions', '300', '--duration', '30'],
      ['--quick', '--speech', 'doubles'],
      ['--quick', '--mode', 'bot', '--sessions', '300'],
      ['--mode', 'listen', '--sessions', '1000', '--step', '100', '--rate', '50', '--settle', '3', '--seed', '7'],
      ['--node-flags=--max-semi-space-size=16 --trace-gc', '--mode', 'listen', '--fixed', '--sessions', '200'],
    ]) {
      const options = parseBenchOptions(argv);
      if (options === 'help') throw new Error('unexpected help');
      const command = commandOf({ ...base, options });
      expect(shaping(argvOf(command)), `${argv.join(' ')} → ${command}`).toEqual(shaping(argv));
    }
  });

  it('name the command that reproduces a run', () => {
    const base = summary();
    expect(commandOf(base)).toBe('npm run bench -- --mode bot');
    const shared = { ...base, options: { ...base.options, nice: -10, modes: ['bot', 'listen'] as const } };
    expect(commandOf(shared)).toBe('npm run bench -- --nice=-10');
    expect(renderReport(shared)).toContain('the machine is shared with other work');
  });
});
