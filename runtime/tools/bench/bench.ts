import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, setPriority, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadVadEngine } from '../../src/audio/vad.js';
import { BENCH_SENDER, BENCH_SPEECH } from './bench-constants.js';
import { HELP, parseBenchOptions, type BenchMode } from './bench-options.js';
import { buildCallerAudio } from './caller-audio.js';
import { relaunchWithFileLimit } from './file-limit.js';
import { runMicroBenchmarks } from './micro-bench.js';
import { renderChart } from './report-chart.js';
import { renderReport } from './report-markdown.js';
import { GENERATOR_CORE, runMode } from './run-mode.js';
import { bundleBenchServer, pinSelf } from './server-process.js';
import { SLO } from './slo.js';
import { headline, judgeTargets, machineInfo, ratios, type BenchSummary, type ModeResult } from './summary.js';

/**
 * `npm run bench`: many simulated Genesys sessions against the real server in its own process
 * (pinned to core 0, this generator on core 1), stepping the session count up until the SLO breaks,
 * with the bot and listen-only; codec and VAD micro-benchmarks; optional CPU profile. Progress goes to
 * stdout line by line; the last line is one JSON object of the figures.
 */
async function main(): Promise<number> {
  let options;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  // One socket per session plus the stub's and the pipes'.
  const relaunched = await relaunchWithFileLimit(Math.max(...options.modes.flatMap((m) => options.levels[m])) + 256);
  if (relaunched !== undefined) return relaunched;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const deadlineMs = started + options.maxMinutes * 60_000;
  const progress = (line: string): void => {
    process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
  };
  // One core for the server, the other for the generator; on a single core both share it.
  const generatorPinned = cpus().length > 1 && pinSelf(GENERATOR_CORE);
  const generatorCore = generatorPinned ? GENERATOR_CORE : undefined;
  // Fails without the privilege to raise priority: better to stop than to run a different benchmark.
  if (options.nice !== 0) setPriority(options.nice);
  progress(`speech: ${options.speech === 'local-endpoints' ? 'production Transcribe and Polly adapters against local endpoints (on the generator core)' : 'deterministic doubles'}`);
  progress(`generator ${generatorPinned ? `pinned to core ${GENERATOR_CORE}` : 'not pinned'}${options.nice === 0 ? '' : `, nice ${options.nice}`}; levels ${options.modes.map((m) => `${m} ${options.levels[m].join(',')}`).join(' / ')}`);

  const vad = await loadVadEngine();
  const micro = options.micro ? runMicroBenchmarks(vad, options.quick ? 300 : 1500) : null;
  if (micro !== null) progress(`micro: μ-law decode ${fmt(micro.mulawDecodeSamplesPerSecond)} samples/s, encode ${fmt(micro.mulawEncodeSamplesPerSecond)}, VAD ${fmt(micro.vadSamplesPerSecond)}`);
  const audio = buildCallerAudio(vad, options.speech);
  const mainFile = await bundleBenchServer(mkdtempSync(join(tmpdir(), 'bench-server-')));
  progress(`server bundled as production bundles it: ${mainFile}`);
  if (options.speech === 'doubles' && !audio.finalStartsEveryTurn) progress('warning: the VAD may end some turns after the final transcript; turn latency then includes VAD wait');

  const modes: Partial<Record<BenchMode, ModeResult>> = {};
  let serverCore: number | undefined;
  for (const mode of options.modes) {
    const result = await runMode(mode, options.levels[mode], options, audio, { mainFile, deadlineMs, profile: false, generatorCore, progress });
    serverCore = result.pinnedCore;
    modes[mode] = result;
    progress(`${mode}: capacity ${result.capacity} sessions (${result.stoppedBecause})`);
  }
  const profiles: BenchSummary['profiles'] = {};
  if (options.profile) {
    for (const mode of options.modes) {
      // Profile where the capacity claim rests, or at the first level when none met the SLO.
      const sessions = modes[mode]!.capacity > 0 ? modes[mode]!.capacity : options.levels[mode][0]!;
      progress(`${mode}: profiling pass at ${sessions} sessions (server under --cpu-prof; figures not used)`);
      const result = await runMode(mode, [sessions], options, audio, { mainFile, deadlineMs: Number.POSITIVE_INFINITY, profile: true, generatorCore, progress });
      profiles[mode] = { sessions, level: result.levels[0] ?? null, profile: result.profile, allocation: result.allocation };
    }
  }

  const summary: BenchSummary = {
    benchmark: 'npm run bench',
    startedAt,
    durationS: Math.round((performance.now() - started) / 1000),
    machine: machineInfo(serverCore, generatorPinned),
    options,
    speech: options.speech,
    speechTimings: BENCH_SPEECH,
    sender: BENCH_SENDER,
    finalStartsEveryTurn: audio.finalStartsEveryTurn,
    slo: SLO,
    modes,
    profiles,
    botOverListen: ratios(modes.bot, modes.listen),
    micro,
    targets: judgeTargets(modes),
  };
  let resultsFile: string | undefined;
  if (options.out !== undefined) {
    const out = resolve(options.out);
    mkdirSync(out, { recursive: true });
    resultsFile = join(out, 'results.json');
    writeFileSync(resultsFile, `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(join(out, 'chart.svg'), renderChart(summary));
    writeFileSync(join(out, 'report.md'), renderReport(summary));
    progress(`wrote results.json, chart.svg, report.md to ${out}`);
  }
  process.stdout.write(`${JSON.stringify(headline(summary, resultsFile))}\n`);
  return 0;
}

function fmt(perSecond: number): string {
  return `${(perSecond / 1e6).toFixed(0)} M`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
