import { Session } from 'node:inspector';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApp } from '../../src/compose/app.js';
import { createDynamoDbClient } from '../../src/compose/aws-clients.js';
import type { SharedNonceStore } from '../../src/store/dynamodb-nonce-store.js';
import type { SpeechServices } from '../../src/compose/speech.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createRootLogger } from '../../src/compose/logger.js';
import { delay, systemClock, type Clock } from '../../src/shared/clock.js';
import { FakeSpeechRecognizer } from '../../src/speech/fake/fake-speech-recognizer.js';
import { FakeSpeechSynthesizer } from '../../src/speech/fake/fake-speech-synthesizer.js';
import { PipelinedSynthesizer } from '../../src/speech/pipelined-synthesizer.js';
import type { SpeechSynthesizer, SynthesisRequest } from '../../src/speech/ports.js';
import { PromptCache } from '../../src/speech/prompt-cache.js';
import {
  BENCH_BOTS_DIR,
  BENCH_KEY,
  BENCH_SENDER,
  BENCH_SPEECH,
  type BenchServerSettings,
  type ServerReply,
  type ServerRequest,
} from './bench-constants.js';
import { LAG_RESOLUTION_MS, loopDelayMs } from './stats.js';

/**
 * The benchmark's server process: the real application (config loader, key store, signature checks,
 * bots, paced sender, VAD) with the production speech adapters against the generator's local AWS
 * endpoints, or with deterministic speech doubles (`--speech doubles`), on 127.0.0.1 and a free port. It reports
 * its port and, on request, its own CPU, memory and event-loop readings over the IPC channel, so the
 * load generator in the other process never estimates the server's cost from outside.
 */

/**
 * Every request waits the fixed latency and then streams the fake's μ-law. The fake sits behind the
 * production prompt cache so its sine synthesis runs once per distinct text: the benchmark must
 * measure our server, not the double's signal generator.
 */
class FixedLatencySynthesizer implements SpeechSynthesizer {
  constructor(
    private readonly inner: SpeechSynthesizer,
    private readonly clock: Clock,
    private readonly latencyMs: number,
  ) {}

  async *synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      await delay(this.clock, this.latencyMs, signal);
    } catch {
      return; // aborted while "waiting for the service": end quietly, as the port requires
    }
    yield* this.inner.synthesize(request, signal);
  }
}

/** The deterministic doubles of `--speech doubles`, timed as BENCH_SPEECH says. */
function speechDoubles(clock: Clock): SpeechServices {
  const recognizer = new FakeSpeechRecognizer({
    clock,
    transcripts: () => BENCH_SPEECH.transcript,
    latencyMs: BENCH_SPEECH.recognizerLatencyMs,
    hangoverMs: BENCH_SPEECH.recognizerHangoverMs,
  });
  const fake = new FakeSpeechSynthesizer({ clock, latencyMs: 0 });
  const synthesizer = new PipelinedSynthesizer(new FixedLatencySynthesizer(new PromptCache(fake), clock, BENCH_SPEECH.synthesizerLatencyMs));
  return { mode: 'custom', recognizer, synthesizer };
}

/** A shared nonce store every nonce is new to (BenchServerSettings.sharedNonces): the task's own replay cache decides. */
const TASK_CACHE_ONLY: SharedNonceStore = { recordOnce: () => Promise.resolve('recorded') };

/** A DynamoDB client whose every call succeeds with an empty answer at its first middleware step (BenchServerSettings.dynamoDb). */
function shortCircuitedDynamoDbClient(): DynamoDBClient {
  const client = createDynamoDbClient({ region: 'us-east-1' });
  client.middlewareStack.add(() => () => Promise.resolve({ output: { $metadata: {} } as never, response: {} }), { step: 'initialize', priority: 'high', name: 'benchNoRequests' });
  return client;
}

function send(reply: ServerReply): void {
  process.send?.(reply);
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as BenchServerSettings;
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: settings.logLevel,
    AUDIOHOOK_API_KEYS: JSON.stringify({ [BENCH_KEY.apiKey]: BENCH_KEY.clientSecret }),
    MAX_SESSIONS: String(settings.maxSessions),
    // Production refuses participant hashes without a salt (the stack injects one from its secret).
    PARTICIPANT_HASH_SALT: 'benchmark-salt-not-a-secret',
    BOTS_DIR: BENCH_BOTS_DIR,
    // The real DynamoDB adapter, against the generator's stub endpoint (AWS_ENDPOINT_URL_DYNAMODB).
    SESSION_TABLE_NAME: 'bench-sessions',
    AWS_REGION: 'us-east-1',
    AUDIO_PACKET_BYTES: String(BENCH_SENDER.packetBytes),
    AUDIO_MAX_LEAD_MS: String(BENCH_SENDER.maxLeadMs),
    BARGE_IN_ONSET_MS: String(BENCH_SPEECH.bargeInOnsetMs),
    END_OF_TURN_SILENCE_MS: String(BENCH_SPEECH.endOfTurnSilenceMs),
    // local-endpoints: compose/speech.ts builds the production Transcribe and Polly clients, which reach
    // the generator's local endpoints through AWS_ENDPOINT_URL_* in this process's environment.
    SPEECH_MODE: settings.speech === 'local-endpoints' ? 'aws' : 'offline',
  });
  const clock = systemClock;
  const logger = createRootLogger(config.logLevel);
  const app = await createApp(config, {
    ...(settings.dynamoDb === 'no-requests' ? { dynamoDb: shortCircuitedDynamoDbClient() } : {}),
    ...(settings.sharedNonces === 'off' ? { sharedNonces: TASK_CACHE_ONLY } : {}),
    clock,
    logger,
    defaultBotsDir: BENCH_BOTS_DIR,
    ...(settings.speech === 'doubles' ? { speech: speechDoubles(clock) } : {}),
  });
  const address = await app.server.listen(0, '127.0.0.1');

  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  let lastElu = performance.eventLoopUtilization();
  // GC pauses stop every session at once: the usual cause of a latency tail with a CPU to spare.
  const gc = { totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  const inspector = new Session();
  inspector.connect();
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => inspector.post(method, params, (error, result) => (error === null ? resolve(result) : reject(error))));
  process.on('message', (request: ServerRequest) => {
    if (request.type === 'allocationStart') {
      // By default objects the GC has already collected stay in the samples: what allocates, not what is live.
      const collected = request.live !== true;
      void post('HeapProfiler.enable').then(() =>
        post('HeapProfiler.startSampling', { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: collected, includeObjectsCollectedByMinorGC: collected }),
      );
      return;
    }
    if (request.type === 'allocationStop') {
      void post('HeapProfiler.stopSampling').then(
        (result) => send({ type: 'allocation', profile: JSON.stringify((result as { profile: unknown }).profile) }),
        (error: unknown) => send({ type: 'failed', message: String(error) }),
      );
      return;
    }
    if (request.type === 'exit') {
      // process.exit (not a signal) so --cpu-prof writes its profile.
      lag.disable();
      process.exit(0);
    }
    const collect = (globalThis as { gc?: () => void }).gc;
    if (request.gc && collect !== undefined) collect();
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    send({
      type: 'stats',
      stats: {
        cpuMicros: cpu.user + cpu.system,
        monotonicMicros: Number(process.hrtime.bigint() / 1000n),
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        externalBytes: memory.external,
        activeSessions: app.server.activeSessions,
        loopDelayP99Ms: loopDelayMs(lag.percentile(99)),
        loopDelayMaxMs: loopDelayMs(lag.max),
        loopUtilisation: elu.utilization,
        gcPauseTotalMs: gc.totalMs,
        gcPauseMaxMs: gc.maxMs,
      },
    });
    lag.reset();
    gc.totalMs = 0;
    gc.maxMs = 0;
  });
  // The generator is gone (crashed or killed): do not linger as an orphan holding a port.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: address.port });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
