import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { startLocalAws } from '../local-aws/local-aws-server.js';
import { prerenderPrompts } from '../local-aws/polly/synthesize-speech.js';
import { BENCH_BOTS_DIR, BENCH_SPEECH, type BenchSpeechPath } from './bench-constants.js';

/** The local AWS endpoints of one mode's run, and the environment that points the server at them. */
export interface BenchSpeechEndpoints {
  readonly environment: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Starts the local Transcribe streaming and Polly endpoints for the `local-endpoints` path, timed
 * like the doubles so turn latency is computed the same way: every segment says the bench bot's
 * intent, its final comes `recognizerLatencyMs` after the hangover closes it, and every synthesis
 * starts `synthesizerLatencyMs` after the request. Quotas are lifted: the benchmark measures the
 * server, not the account's limits. Nothing runs for the `doubles` path.
 */
export async function startBenchSpeechEndpoints(path: BenchSpeechPath, maxStreams: number): Promise<BenchSpeechEndpoints> {
  if (path === 'doubles') return { environment: {}, close: () => Promise.resolve() };
  const aws = await startLocalAws({
    transcribe: {
      maxConcurrentStreams: maxStreams,
      defaultPhrase: BENCH_SPEECH.transcript,
      finalLatencyMs: BENCH_SPEECH.recognizerLatencyMs,
      hangoverMs: BENCH_SPEECH.recognizerHangoverMs,
    },
    polly: { requestsPerSecond: 1e6, burst: 1e6, firstByteDelayMs: BENCH_SPEECH.synthesizerLatencyMs },
    warmUp: true,
  });
  // eSpeak renders synchronously in this process, which is also the load generator: render the bench
  // bots' prompts now, not while the first sessions are being measured.
  await prerenderPrompts(benchPrompts());
  return { environment: aws.environment('us-east-1'), close: () => aws.close() };
}

/** The texts the bench bots and the server's fallback say, placeholders filled with their fallbacks. */
function benchPrompts(): string[] {
  const texts = new Set<string>([loadConfig({}).fallbackPrompt]);
  const collect = (value: unknown, key: string): void => {
    if (typeof value === 'string' && PROMPT_KEYS.has(key)) texts.add(value.replace(/\{\{\s*[\w.]+\s*(?:\|([^}]*))?\}\}/g, (_match, fallback?: string) => fallback ?? ''));
    else if (Array.isArray(value)) value.forEach((item) => collect(item, key));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, k);
  };
  for (const file of readdirSync(BENCH_BOTS_DIR).filter((name) => name.endsWith('.json'))) {
    collect(JSON.parse(readFileSync(join(BENCH_BOTS_DIR, file), 'utf8')) as unknown, '');
  }
  return [...texts];
}

const PROMPT_KEYS = new Set(['greeting', 'followUp', 'prompt', 'noMatch', 'noInput']);
