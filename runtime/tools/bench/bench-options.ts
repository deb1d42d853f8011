import { parseArgs } from 'node:util';
import type { BenchSpeechPath } from './bench-constants.js';

/** `bot`: the looping call-steering bot answers every caller turn. `listen`: the bot never speaks. */
export type BenchMode = 'bot' | 'listen';

/** Everything one `npm run bench` does, after defaults. */
export interface BenchOptions {
  readonly quick: boolean;
  readonly modes: readonly BenchMode[];
  /** Session counts to hold, in order, per mode; the search stops at the first level that breaks the SLO. */
  readonly levels: Readonly<Record<BenchMode, readonly number[]>>;
  /** New sessions per second while ramping up to the next level. */
  readonly rate: number;
  /** Measurement window per level, after the ramp and the settle time. */
  readonly windowS: number;
  readonly settleS: number;
  /**
   * After the search, hold each mode's capacity once more with the server under `--cpu-prof` and
   * summarise its hot spots (a separate pass: profiling slows the server, so its figures are not used).
   */
  readonly profile: boolean;
  /** Codec and VAD micro-benchmarks. */
  readonly micro: boolean;
  /** Where the report, chart and JSON go; undefined = nowhere (quick runs, unless --out is given). */
  readonly out: string | undefined;
  readonly logLevel: string;
  /** Hard cap on the whole run; levels not reached are reported as not run. */
  readonly maxMinutes: number;
  readonly seed: number;
  /**
   * Scheduling priority (nice value) of the server and the generator; 0 = unchanged. On a machine
   * shared with other work, a negative value keeps neighbours from preempting the server (as a
   * dedicated vCPU would); it needs the privilege to raise priority.
   */
  readonly nice: number;
  /** Extra Node/V8 flags for the server process, to try a runtime setting (e.g. GC tuning) under load. */
  readonly nodeFlags: readonly string[];
  /** The production speech adapters against the local endpoints, or the doubles. */
  readonly speech: BenchSpeechPath;
}

export const HELP = `Usage: npm run bench -- [options]

  --quick               small levels and short windows: finishes in under a minute
  --mode <m>            bot | listen | both (default both)
  --sessions <n>        highest session count to try (default bot 4000, listen 8000)
  --step <n>            session count added per level (default 250)
  --fixed               hold --sessions only (no search)
  --rate <n>            new sessions per second while ramping (default 100)
  --duration <s>        measurement window per level (default 20)
  --settle <s>          wait after a ramp before measuring (default 5)
  --profile / --no-profile
                        after the search, a pass at each mode's capacity with the server under
                        --cpu-prof, and its hot spots in the report (default: on, off with --quick)
  --no-micro            skip the codec and VAD micro-benchmarks
  --out <dir>           write report.md, chart.svg, results.json there
                        (default bench-results; quick runs write nothing unless --out is given)
  --log-level <level>   server LOG_LEVEL (default warn)
  --max-minutes <n>     stop starting new levels after this long (default 30)
  --seed <n>            caller randomness (default 1)
  --node-flags="<flags>" extra Node/V8 flags for the server, e.g. --node-flags="--max-semi-space-size=32"
  --speech <path>       local-endpoints: the server runs the real Transcribe and Polly adapters (AWS SDK
                        clients) against local AWS-compatible endpoints on the generator's core (default);
                        doubles: deterministic recognizer and synthesizer doubles behind the speech ports
  --nice=<n>            run the server and the generator at this nice value, e.g. --nice=-10 on a
                        machine shared with other work (default 0: unchanged)
`;

/** What the options that shape the figures are when not given; {@link benchArgs} leaves these out. */
const DEFAULTS = {
  maxSessions: (mode: BenchMode, quick: boolean): number => (quick ? (mode === 'bot' ? 100 : 200) : mode === 'bot' ? 4000 : 8000),
  step: (quick: boolean, max: number): number => (quick ? max / 2 : 250),
  windowS: (quick: boolean): number => (quick ? 6 : 20),
  settleS: (quick: boolean): number => (quick ? 2 : 5),
  rate: 100,
  seed: 1,
  speech: 'local-endpoints',
} as const;

/** Parses `argv` (without node and script). Throws a RangeError with a readable message on bad input. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      mode: { type: 'string', default: 'both' },
      sessions: { type: 'string' },
      step: { type: 'string' },
      fixed: { type: 'boolean', default: false },
      rate: { type: 'string', default: String(DEFAULTS.rate) },
      duration: { type: 'string' },
      settle: { type: 'string' },
      profile: { type: 'boolean' },
      'no-profile': { type: 'boolean', default: false },
      'no-micro': { type: 'boolean', default: false },
      out: { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      'max-minutes': { type: 'string', default: '30' },
      seed: { type: 'string', default: String(DEFAULTS.seed) },
      nice: { type: 'string', default: '0' },
      'node-flags': { type: 'string', default: '' },
      speech: { type: 'string', default: DEFAULTS.speech },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const modes: readonly BenchMode[] =
    values.mode === 'both' ? ['bot', 'listen'] : values.mode === 'bot' || values.mode === 'listen' ? [values.mode] : [];
  if (modes.length === 0) throw new RangeError('--mode must be bot, listen or both');
  const quick = values.quick;
  if (values.speech !== 'local-endpoints' && values.speech !== 'doubles') throw new RangeError('--speech must be local-endpoints or doubles');
  const sessions = optionalInt(values.sessions, '--sessions', 1);
  const step = optionalInt(values.step, '--step', 1);
  const levelsFor = (mode: BenchMode): number[] => {
    const max = sessions ?? DEFAULTS.maxSessions(mode, quick);
    if (values.fixed) return [max];
    const by = step ?? DEFAULTS.step(quick, max);
    return stepLevels(by, max);
  };
  return {
    quick,
    modes,
    levels: { bot: levelsFor('bot'), listen: levelsFor('listen') },
    rate: requiredNumber(values.rate, '--rate', 1),
    windowS: requiredNumber(values.duration ?? String(DEFAULTS.windowS(quick)), '--duration', 1),
    settleS: requiredNumber(values.settle ?? String(DEFAULTS.settleS(quick)), '--settle', 0),
    profile: values['no-profile'] ? false : (values.profile ?? !quick),
    micro: !values['no-micro'],
    out: values.out ?? (quick ? undefined : 'bench-results'),
    logLevel: values['log-level'],
    maxMinutes: requiredNumber(values['max-minutes'], '--max-minutes', 1),
    seed: requiredNumber(values.seed, '--seed', 0),
    nice: niceValue(values.nice),
    nodeFlags: values['node-flags'].split(/\s+/).filter((flag) => flag !== ''),
    speech: values.speech,
  };
}

/** `by, 2·by, …` up to and including `max` (which is always the last level). */
export function stepLevels(by: number, max: number): number[] {
  if (!(by >= 1) || !(max >= 1)) throw new RangeError('step and maximum must be at least 1');
  const levels: number[] = [];
  for (let level = Math.round(by); level < max; level += Math.round(by)) levels.push(level);
  levels.push(max);
  return levels;
}

function niceValue(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < -20 || value > 19) throw new RangeError('--nice must be a whole number from -20 to 19');
  return value;
}

function optionalInt(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = requiredNumber(text, name, min);
  if (!Number.isInteger(value)) throw new RangeError(`${name} must be a whole number`);
  return value;
}

function requiredNumber(text: string, name: string, min: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a number ≥ ${min}`);
  return value;
}

/**
 * The arguments that give back `options`' modes, levels, timing, seed, speech path, priority and
 * flags (defaults left out), so a report can name the command that reproduces its figures. Where
 * and whether it writes, profiles or runs the micro-benchmarks is not part of the figures.
 */
export function benchArgs(o: BenchOptions): string[] {
  const args: string[] = [];
  if (o.quick) args.push('--quick');
  if (o.modes.length === 1) args.push(`--mode ${o.modes[0]!}`);
  args.push(...levelArgs(o));
  if (o.rate !== DEFAULTS.rate) args.push(`--rate ${o.rate}`);
  if (o.windowS !== DEFAULTS.windowS(o.quick)) args.push(`--duration ${o.windowS}`);
  if (o.settleS !== DEFAULTS.settleS(o.quick)) args.push(`--settle ${o.settleS}`);
  if (o.seed !== DEFAULTS.seed) args.push(`--seed ${o.seed}`);
  if (o.speech !== DEFAULTS.speech) args.push(`--speech ${o.speech}`);
  if (o.nice !== 0) args.push(`--nice=${o.nice}`);
  if (o.nodeFlags.length > 0) args.push(`--node-flags="${o.nodeFlags.join(' ')}"`);
  return args;
}

/** `--fixed`, `--sessions` and `--step` as {@link parseBenchOptions} turns them into each mode's levels. */
function levelArgs(o: BenchOptions): string[] {
  const lists = o.modes.map((mode) => ({ mode, levels: o.levels[mode] }));
  const first = lists[0]!.levels;
  const max = first.at(-1)!;
  const fixed = lists.every(({ levels }) => levels.length === 1);
  const args = fixed ? ['--fixed'] : [];
  if (lists.some(({ mode, levels }) => levels.at(-1) !== DEFAULTS.maxSessions(mode, o.quick))) args.push(`--sessions ${max}`);
  if (!fixed && first[0] !== DEFAULTS.step(o.quick, max)) args.push(`--step ${first[0]!}`);
  return args;
}
