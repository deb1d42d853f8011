import type { AllocationSummary } from './alloc-summary.js';
import { benchArgs } from './bench-options.js';
import type { LevelResult } from './level-result.js';
import type { ProfileSummary } from './profile-summary.js';
import type { Summary } from './stats.js';
import type { BenchSummary, ModeResult } from './summary.js';

/** The markdown report of a run (bench-results/report.md) and the README "Performance" section. */

const ms = (s: Summary | null | undefined): string => (s === null || s === undefined ? '–' : `${s.p50} / ${s.p99}`);
const p99 = (s: Summary | null | undefined): string => (s === null || s === undefined ? '–' : `${s.p99}`);
const kb = (bytes: number): string => `${Math.round(bytes / 102.4) / 10}`;
const mega = (perSecond: number): string => `${(perSecond / 1e6).toFixed(0)} M`;
const count = (record: Record<string, number>): number => Object.values(record).reduce((sum, n) => sum + n, 0);

function levelTable(levels: readonly LevelResult[]): string[] {
  const rows = levels.map((l) =>
    [
      l.sessions,
      `${(l.server.cpuUtilisation * 100).toFixed(0)}%`,
      l.server.cpuMsPerSessionSecond,
      `${kb(l.server.rssPerSessionBytes)} (${l.server.rssMarginalPerSessionBytes === null ? '–' : kb(l.server.rssMarginalPerSessionBytes)})`,
      ms(l.pingRttMs),
      p99(l.latenessMs),
      ms(l.openedMs),
      ms(l.turnMs),
      ms(l.bargeInMs),
      `${l.rateViolations} / ${l.protocolViolations} / ${count(l.sessionErrors)}`,
      `${(l.generator.cpuUtilisation * 100).toFixed(0)}%${l.generator.bound ? ' ⚠' : ''}`,
      `${l.host.foreignOnServerCore ?? '?'}${l.host.contended ? ' ⚠' : ''} (${l.host.attempts})`,
      l.slo.pass ? 'met' : `**broken**: ${l.slo.failures.join('; ')}`,
    ].join(' | '),
  );
  return [
    '| sessions | server CPU | CPU ms / session-s | RSS / session KB (marginal) | ping p50 / p99 ms | lateness p99 ms | opened p50 / p99 ms | turn p50 / p99 ms | barge-in p50 / p99 ms | rate / protocol / session errors | generator CPU | others on server core (windows) | SLO |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((row) => `| ${row} |`),
  ];
}

/** Self time of the AWS SDK packages per session-store request made in the profiled window. */
function sdkCostLine(profile: ProfileSummary, level: LevelResult | null): string {
  if (level === null) return '';
  const requests = (level.server.storeRequestsPerSessionMinute * level.live * level.windowS) / 60;
  const sdkMs = profile.byArea.filter((a) => a.area.startsWith('@smithy/') || a.area.startsWith('@aws-sdk/')).reduce((sum, a) => sum + a.ms, 0);
  if (requests < 1) return '';
  return ` AWS SDK packages (session store): ${sdkMs.toFixed(0)} ms self time for about ${Math.round(requests)} DynamoDB requests, ${(sdkMs / requests).toFixed(2)} ms per request.`;
}

function profileSection(title: string, profile: ProfileSummary, level: LevelResult | null): string[] {
  return [
    `### ${title}`,
    '',
    `Steady state: the samples of the measurement window only. Busy ${profile.busyMs} ms of ${profile.totalMs} ms sampled (idle ${profile.idleMs} ms).${sdkCostLine(profile, level)}`,
    '',
    '| area | self ms | % of busy |',
    '|---|---:|---:|',
    ...profile.byArea.slice(0, 12).map((a) => `| ${a.area} | ${a.ms} | ${a.pct} |`),
    '',
    '| top self time | where | ms | % |',
    '|---|---|---:|---:|',
    ...profile.topSelf.map((h) => `| \`${h.name}\` | ${h.where} | ${h.ms} | ${h.pct} |`),
    '',
    '| our functions by inclusive time | where | ms | % |',
    '|---|---|---:|---:|',
    ...profile.topInclusiveOurs.map((h) => `| \`${h.name}\` | ${h.where} | ${h.ms} | ${h.pct} |`),
    '',
  ];
}

function allocationSection(title: string, a: AllocationSummary): string[] {
  const rows = (sites: AllocationSummary['byOurFunction']): string[] => sites.map((s) => `| \`${s.name}\` | ${s.where} | ${s.mb} | ${s.pct} |`);
  return [
    `### ${title}`,
    '',
    `V8 sampling heap profiler with collected objects kept, over ${a.seconds} s of steady state: about ${a.totalMb} MB allocated, ${a.mbPerSecond} MB/s; the garbage collection time in the CPU profile above is the price of it. By area: ${a.byArea.map((x) => `${x.area} ${x.pct}%`).join(', ')}.`,
    '',
    '| innermost function of ours on the stack | where | MB | % |',
    '|---|---|---:|---:|',
    ...rows(a.byOurFunction),
    '',
    '| allocation outside our code (timers, SDK, streams) | where | MB | % |',
    '|---|---|---:|---:|',
    ...rows(a.outsideOurCode),
    '',
  ];
}

function modeSection(mode: ModeResult): string[] {
  const counts = mode.levels.at(-1)?.counts ?? {};
  return [
    `## ${mode.mode === 'bot' ? 'Bot (looping call-steering flow bot)' : 'Listen-only'}`,
    '',
    `Capacity within the SLO: **${mode.sloBroken ? '' : '≥ '}${mode.capacity} sessions**. Search ended: ${mode.stoppedBecause}.`,
    `\`opened\` p50 / p99 over the ramps within the SLO after the first (which met a cold server): ${ms(mode.openedMs)} ms. Idle server RSS ${kb(mode.baseline.rssBytes)} KB.`,
    `Last window's caller activity: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`,
    `Server log lines by level: ${JSON.stringify(mode.serverLog.byLevel)}${mode.serverLog.top.length > 0 ? `; most frequent: ${mode.serverLog.top.join('; ')}` : ''}.`,
    '',
    ...levelTable(mode.levels),
    '',
  ];
}

export function renderReport(summary: BenchSummary): string {
  const { machine, options } = summary;
  const lines = [
    '# Benchmark report (`npm run bench`)',
    '',
    `Run ${summary.startedAt} with \`${commandOf(summary)}\`, ${summary.durationS} s. Machine: ${machine.cpuModel}, ${machine.nproc} cores, Node ${machine.node}, ${machine.platform}.`,
    `Server process ${machine.serverCore === undefined ? 'not pinned (no taskset)' : `pinned to core ${machine.serverCore}`}; load generator ${machine.generatorPinned ? 'pinned to the other core' : 'not pinned'}${options.nice === 0 ? '' : `; both at nice ${options.nice} (the machine is shared with other work)`}; server started as the image starts it (runtime/Dockerfile: its \`CMD\` flags and \`NODE_OPTIONS\`)${options.nodeFlags.length === 0 ? '' : ` and flags \`${options.nodeFlags.join(' ')}\``}.`,
    `Levels: ${options.modes.map((m) => `${m} ${options.levels[m].join(', ')}`).join('; ')}; ramp ${options.rate} new sessions/s; ${options.settleS} s settle; ${options.windowS} s window per level.`,
    '',
    '![Server CPU and p99 latencies against concurrent sessions](chart.svg)',
    '',
    '## Targets',
    '',
    '| target | goal | measured | verdict |',
    '|---|---|---:|---|',
    ...summary.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured ?? '–'} ${t.measured === null ? '' : t.unit} | ${t.met === null ? (t.measured === null ? 'not measured' : 'open (no level broke the SLO)') : t.met ? 'met' : '**missed**'} |`),
    '',
    'Columns: p50 / p99 in ms. "Others on server core": cores\' worth of CPU that other processes on this shared machine used on the server\'s core during the window (/proc/stat), and how many windows were measured (a window above 0.1 is measured again, at most three times, keeping every violation seen); ⚠ marks a contended window or a generator that missed its own 200 ms schedule (p99 > 20 ms).',
    '',
    `Latency and memory targets are judged at the level each capacity claim rests on (the highest within the SLO). SLO per level: ping RTT p99 < ${summary.slo.pingRttP99Ms} ms, outbound audio lateness p99 < ${summary.slo.latenessP99Ms} ms, no rate-limit violation (Genesys limits replayed by \`runtime/tools/support/genesys-rate-checker.ts\`), no protocol violation, no session refused or lost.`,
    '',
    ...(['bot', 'listen'] as const).flatMap((mode) => (summary.modes[mode] === undefined ? [] : modeSection(summary.modes[mode]))),
    '## Bot ÷ listen-only',
    '',
    ...(summary.botOverListen.length === 0
      ? ['No session count ran within the SLO in both modes.']
      : ['| sessions | CPU ratio | RSS ratio |', '|---:|---:|---:|', ...summary.botOverListen.map((r) => `| ${r.sessions} | ${r.cpu} | ${r.rss} |`)]),
    '',
    ...(summary.micro === null
      ? []
      : [
          '## Micro-benchmarks (one core)',
          '',
          `μ-law → PCM16 ${mega(summary.micro.mulawDecodeSamplesPerSecond)} samples/s; PCM16 → μ-law ${mega(summary.micro.mulawEncodeSamplesPerSecond)} samples/s; WebRTC VAD ${mega(summary.micro.vadSamplesPerSecond)} samples/s. Decode + VAD alone would serve ${summary.micro.realtimeStreamsPerCore} real-time 8 kHz streams per core.`,
          '',
          `VAD release after speech (time it keeps flagging line noise as speech): ${summary.micro.vadReleaseAfterSpeechMs.map((v) => `${v.noiseDbfs} dBFS mode ${v.mode}: ${v.releaseMs} ms`).join('; ')}. The server uses mode 2.`,
          '',
        ]),
    ...Object.entries(summary.profiles).flatMap(([mode, pass]) =>
      [
        ...(pass.profile === null ? [] : profileSection(`CPU profile, ${mode}, ${pass.sessions} sessions (server under --cpu-prof)`, pass.profile, pass.level)),
        ...(pass.allocation === null ? [] : allocationSection(`Allocations, ${mode}, ${pass.sessions} sessions`, pass.allocation)),
      ],
    ),
    '## Method',
    '',
    summary.speech === 'local-endpoints'
      ? `- The server is the real application (\`createApp\`) in its own process with the production speech adapters: the AWS SDK's Transcribe streaming and Polly clients, over HTTP/2, against the local AWS-compatible endpoints (runtime/tools/local-aws) in the generator's process. Every segment says \`${summary.speechTimings.transcript}\`; its final comes ${summary.speechTimings.recognizerLatencyMs} ms after the endpoint's VAD hangover (${summary.speechTimings.recognizerHangoverMs} ms) closes it; every synthesis answers after ${summary.speechTimings.synthesizerLatencyMs} ms with eSpeak audio (behind the production prompt cache and sentence pipeline).`
      : `- The server is the real application (\`createApp\`) in its own process with deterministic speech doubles: the fake recognizer emits \`${summary.speechTimings.transcript}\` ${summary.speechTimings.recognizerLatencyMs} ms after it closes an utterance (${summary.speechTimings.recognizerHangoverMs} ms energy hangover); every synthesis waits ${summary.speechTimings.synthesizerLatencyMs} ms and then streams the fake's μ-law (behind the production prompt cache and sentence pipeline, so the double's sine generator runs once per text).`,
    '- Each session: signed upgrade, `open`, one 1600-byte PCMU frame every 200 ms on a real-time schedule (pink line noise at -60 dBFS, or a 1.4 s speech-like utterance whose onset falls anywhere in its first frame), `ping` every 5 s, and the Genesys playback reports. With the bot, the caller answers each prompt 0.3–2.5 s after it has played, presses 1 instead of speaking every fifth answer and talks over every third reply 0.8–2 s into it. Listen-only, it talks every 3–6 s and presses 1 every fifth time.',
    summary.speech === 'local-endpoints'
      ? '- Turn latency (server-added) = first reply audio − arrival of the frame on which the server\'s VAD ends the caller\'s turn: the endpoint has streamed partials by then, so the server commits the transcript at once (turn-detector.ts) without waiting for the final. Repeated prompts come from the production prompt cache; a cache miss includes the local Polly\'s first-byte delay, as a real task\'s would include Polly\'s.'
      : `- Turn latency (server-added) = first reply audio − (arrival of the frame that closes the utterance at the recognizer + ${summary.speechTimings.recognizerLatencyMs} ms + ${summary.speechTimings.synthesizerLatencyMs} ms). The final, not the VAD, starts every turn: ${summary.finalStartsEveryTurn ? 'checked' : '**not guaranteed for every clip**'}.`,
    '- Barge-in latency = `barge_in` arrival − capture time of the first speech sample (the frame carrying it is sent 200 ms after its start, as Genesys packetizes), so it includes packetization and the 180 ms onset the server requires.',
    '- Audio lateness = arrival of each packet after a prompt\'s first − the time the paced sender\'s own rule (at most the configured lead ahead of real-time playback) allowed it.',
    '- CPU and memory are read inside the server process (`process.cpuUsage()`, RSS after a forced GC) over IPC; per-session memory is the RSS growth over the idle server divided by live sessions (in brackets: the growth per session added since the previous level).',
    '- The session store is the real DynamoDB adapter and write-behind queue, against a stub endpoint in the generator process that answers every call at once: the SDK\'s cost is measured, DynamoDB\'s is not.',
    '- The fake recognizer is part of the measured CPU, as Transcribe\'s adapter would be; when V8 inlines its `write()` into `voice-call.ts` `onAudio`, its time shows there in the profile.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** The command line that reproduces a run's options (defaults left out). */
export function commandOf(summary: BenchSummary): string {
  const args = benchArgs(summary.options);
  return `npm run bench${args.length === 0 ? '' : ` -- ${args.join(' ')}`}`;
}
