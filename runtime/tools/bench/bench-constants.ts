import { fileURLToPath } from 'node:url';

/**
 * Settings the load generator and the benchmark server must agree on: the key pair, the speech
 * doubles' fixed timings (turn latency is computed client-side from them) and the paced sender's
 * packet size and lead (audio lateness is computed client-side from them).
 */
export const BENCH_KEY = {
  apiKey: 'bench-api-key',
  clientSecret: Buffer.from('benchmark-client-secret-not-for-production').toString('base64'),
} as const;

export const BENCH_SPEECH = {
  /**
   * Fake recognizer: silence that closes an utterance (energy detector), in ms. With the latency below,
   * finals come about 1 s after speech ends (as Transcribe's do) and always after the server's VAD has
   * ended the turn, so the final, not the VAD, starts each bot turn (checked at start-up).
   */
  recognizerHangoverMs: 700,
  /** Fake recognizer: from the close of an utterance to its final transcript, in ms. */
  recognizerLatencyMs: 300,
  /** Fake synthesizer: from each request to its first audio, in ms. */
  synthesizerLatencyMs: 150,
  /** What every caller utterance "says": an intent of the bench bot, so every turn gets a reply. */
  transcript: 'billing',
  /** The server's barge-in onset and end-of-turn silence (the config defaults, set explicitly). */
  bargeInOnsetMs: 180,
  endOfTurnSilenceMs: 700,
} as const;

export const BENCH_SENDER = {
  packetBytes: 3200,
  maxLeadMs: 1000,
} as const;

/** The benchmark's bots: connector `default` (the looping flow bot, mode bot) and `listen` (listen-only). */
export const BENCH_BOTS_DIR = fileURLToPath(new URL('./bots', import.meta.url));

/** Genesys's caller audio: 200 ms of PCMU per binary message. */
export const FRAME_MS = 200;
export const FRAME_BYTES = 1600;
export const PING_EVERY_MS = 5000;

/** Messages between the load generator and the benchmark server process (IPC). */
export type ServerRequest =
  | { readonly type: 'stats'; readonly gc: boolean }
  /** `live`: only objects still alive when sampling stops (what holds memory), not everything allocated. */
  | { readonly type: 'allocationStart'; readonly live?: boolean }
  | { readonly type: 'allocationStop' }
  | { readonly type: 'exit' };

export type ServerReply =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'stats'; readonly stats: ServerStats }
  | { readonly type: 'failed'; readonly message: string }
  /** The V8 sampling heap profile (HeapProfiler.stopSampling's `profile`), as JSON text. */
  | { readonly type: 'allocation'; readonly profile: string };

/** One reading of the server process, taken inside it. */
export interface ServerStats {
  /** process.cpuUsage() user + system, in µs since the process started. */
  readonly cpuMicros: number;
  /** The monotonic clock V8's CPU profiles are stamped with, in µs: places the window in a profile. */
  readonly monotonicMicros: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Memory outside the JS heap (includes ArrayBuffers): socket buffers and audio. */
  readonly externalBytes: number;
  readonly activeSessions: number;
  /** Event-loop delay since the previous reading, in ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** Event-loop utilisation since the previous reading, 0..1. */
  readonly loopUtilisation: number;
  /** Garbage-collection pauses since the previous reading: total and longest, in ms. */
  readonly gcPauseTotalMs: number;
  readonly gcPauseMaxMs: number;
}

/**
 * Which speech the server runs: the production Transcribe and Polly adapters (real SDK clients) against
 * the local AWS-compatible endpoints (runtime/tools/local-aws, in the generator's process), or the
 * deterministic doubles behind the speech ports.
 */
export type BenchSpeechPath = 'local-endpoints' | 'doubles';

/** Settings passed to the benchmark server process as its one argument (JSON). */
export interface BenchServerSettings {
  readonly logLevel: string;
  readonly maxSessions: number;
  /** `off`: the offline speech mode, recognition off (the side-by-side comparison's like-for-like job). */
  readonly speech: BenchSpeechPath | 'off';
  /**
   * `no-requests` (diagnostic, `bench:compare --store-requests off`): the DynamoDB client answers every
   * call at its first middleware step, so nothing is serialized, signed or sent. The SDK still builds
   * each command's middleware stack (the document client's and the low-level client's), a large part
   * of a request's cost: this is the server without most, not all, of the store's SDK work. Absent =
   * the real client against the generator's stub endpoint.
   */
  readonly dynamoDb?: 'no-requests';
  /**
   * `off` (diagnostic, `bench:compare --shared-nonces off`): no nonce is written to the session
   * table; replays are refused by the task's own cache only, as by a single task or by a server
   * that, like the AudioHook reference, does not share its nonces. Absent = the shipped check.
   */
  readonly sharedNonces?: 'off';
}
