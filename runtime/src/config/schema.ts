import { z } from 'zod';
import {
  DEFAULT_AUDIO_MAX_LEAD_MS,
  DEFAULT_AUDIO_PACKET_BYTES,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_OPEN_TIMEOUT_MS,
  MAX_BINARY_MESSAGE_BYTES,
  MIN_AUDIO_PACKET_BYTES,
} from '../protocol/constants.js';
import { ALB_IDLE_TIMEOUT_SECONDS, DEFAULT_MAX_CONNECTIONS, keepAliveTimeoutMsFor } from './server-limits.js';

const ms = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .default('false')
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/**
 * The server's configuration, read from the environment once at start (see env-keys.ts for the
 * variable names). Durations are milliseconds, named `...Ms`.
 */
export const configSchema = z
  .object({
    nodeEnv: z.enum(['development', 'production', 'test']).default('development'),
    port: z.coerce.number().int().min(0).max(65_535).default(8080),
    host: z.string().min(1).default('0.0.0.0'),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** Local API keys: JSON `{ "<apiKey>": "<base64 client secret or empty>" }`. */
    apiKeysJson: optionalText,
    /** Secrets Manager secret with the same JSON shape; used on AWS. */
    apiKeysSecretId: optionalText,
    apiKeysRefreshMs: ms(300_000, 10_000),
    /** AWSPREVIOUS keys stay valid this long after a rotation is seen (0 = never). */
    apiKeysPreviousGraceMs: ms(3_600_000),
    /** Data Action route keys: JSON `{ "<key>": { "organizationId": "<uuid>" } }`. */
    dataActionApiKeysJson: optionalText,
    /** Secrets Manager secret with the same JSON shape; used on AWS. */
    dataActionKeysSecretId: optionalText,
    botsDir: optionalText,
    /** Up to 110 s so a drain finishes inside ECS's 120 s stop timeout. */
    drainTimeoutMs: ms(110_000),
    maxSessions: z.coerce.number().int().min(1).default(2_000),
    maxConnections: z.coerce.number().int().min(1).default(DEFAULT_MAX_CONNECTIONS),
    httpKeepAliveTimeoutMs: ms(keepAliveTimeoutMsFor(ALB_IDLE_TIMEOUT_SECONDS), 1_000),
    inboundMessagesPerSecond: z.coerce.number().int().min(1).max(1_000).default(20),
    inboundAudioSpeedLimit: z.coerce.number().min(1.1).max(100).default(2),
    signatureClockSkewMs: ms(3_000),
    signatureMaxAgeMs: ms(10_000, 1_000),
    authFailureDelayMs: ms(500),
    openTimeoutMs: ms(DEFAULT_OPEN_TIMEOUT_MS, 100),
    closeTimeoutMs: ms(DEFAULT_CLOSE_TIMEOUT_MS, 100),
    idleTimeoutMs: ms(DEFAULT_IDLE_TIMEOUT_MS, 1_000),
    logCallerData: flag,
    sessionTableName: optionalText,
    sessionTtlDays: z.coerce.number().int().min(1).max(3_650).default(30),
    /** The most conversation state a crashed task can lose; 0 writes after every turn. */
    conversationWriteIntervalMs: z.coerce.number().int().min(0).max(60_000).default(15_000),
    participantDataPolicy: z.enum(['store', 'hash', 'drop']).default('hash'),
    participantHashSalt: optionalText,
    localDataDir: z.string().min(1).default('.data'),
    recordAllCalls: flag,
    recordingsBucket: optionalText,
    recordingsKmsKeyId: optionalText,
    /** 30 min: 28.8 MB for a caller and a bot channel of PCMU, held until the upload. */
    recordingMaxDurationMs: z.coerce.number().int().min(10_000).max(14_400_000).default(1_800_000),
    /** A quarter of the default 1 GiB task. */
    recordingBufferMb: z.coerce.number().int().min(1).max(65_536).default(256),
    metricsNamespace: z.string().min(1).default('GenesysVoiceBot'),
    ecsAgentUri: optionalText,
    awsRegion: optionalText,
    /** Bedrock Runtime endpoint for `llm` bots (a local compatible endpoint); unset = AWS's. */
    bedrockEndpointUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    speechMode: z.enum(['auto', 'aws', 'offline']).default('auto'),
    pollyEngine: z.enum(['neural', 'standard', 'generative', 'long-form']).default('neural'),
    /** Unset = 75 % of the engine's default quota (see `defaultPollyRequestsPerSecond`). */
    pollyMaxRequestsPerSecond: z.coerce.number().positive().max(10_000).optional(),
    /** Transcribe ends a stream at 4 h (14,400 s, not adjustable); renew at least a minute before. */
    transcribeStreamRenewMs: z.coerce.number().int().min(60_000).max(14_340_000).default(14_100_000),
    endOfTurnSilenceMs: ms(700, 200),
    bargeInOnsetMs: ms(180, 40),
    synthesisTimeoutMs: ms(1_500, 200),
    fallbackPrompt: z.string().min(1).default("I'm sorry, something went wrong on our side. Let me pass you back."),
    audioPacketBytes: z.coerce.number().int().min(MIN_AUDIO_PACKET_BYTES).max(MAX_BINARY_MESSAGE_BYTES).default(DEFAULT_AUDIO_PACKET_BYTES),
    audioMaxLeadMs: ms(DEFAULT_AUDIO_MAX_LEAD_MS, 200),
  })
  .superRefine((config, ctx) => {
    if (config.apiKeysJson !== undefined && config.apiKeysSecretId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiKeysSecretId'],
        message: 'set either AUDIOHOOK_API_KEYS or API_KEYS_SECRET_ID, not both',
      });
    }
    // The server needs AudioHook keys; the Data Action Lambda only its own keys (checked where composed).
    const anyKeys = [config.apiKeysJson, config.apiKeysSecretId, config.dataActionApiKeysJson, config.dataActionKeysSecretId].some((v) => v !== undefined);
    if (config.nodeEnv === 'production' && !anyKeys) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiKeysSecretId'],
        message: 'production needs API keys: set API_KEYS_SECRET_ID (or AUDIOHOOK_API_KEYS)',
      });
    }
    if (config.dataActionApiKeysJson !== undefined && config.dataActionKeysSecretId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['dataActionKeysSecretId'],
        message: 'set either DATA_ACTION_API_KEYS or DATA_ACTION_KEYS_SECRET_ID, not both',
      });
    }
    if (config.nodeEnv === 'production' && config.participantDataPolicy === 'hash' && config.participantHashSalt === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['participantHashSalt'],
        message:
          'production with PARTICIPANT_DATA_POLICY=hash needs a salt: unsalted hashes of phone numbers are reversed in seconds. Set PARTICIPANT_HASH_SALT (the stack injects it from its salt secret), or choose PARTICIPANT_DATA_POLICY=drop',
      });
    }
    if (config.maxConnections < config.maxSessions) {
      ctx.addIssue({ code: 'custom', path: ['maxConnections'], message: 'must be at least MAX_SESSIONS (every session holds a connection)' });
    }
    if (config.drainTimeoutMs > 0 && config.closeTimeoutMs > config.drainTimeoutMs + 60_000) {
      ctx.addIssue({ code: 'custom', path: ['closeTimeoutMs'], message: 'close timeout is far longer than the drain timeout' });
    }
  });

export type Config = Readonly<z.infer<typeof configSchema>>;

/**
 * Polly's default SynthesizeSpeech quota per engine (requests per second, per account and Region;
 * aws-notes §2) and the share of it one process takes by default. Below the quota so the service
 * rarely throttles; raise POLLY_MAX_REQUESTS_PER_SECOND with the quota (docs/deploy.md).
 */
export const POLLY_DEFAULT_TPS_QUOTA = { neural: 8, generative: 8, 'long-form': 8, standard: 80 } as const;

export function defaultPollyRequestsPerSecond(engine: Config['pollyEngine']): number {
  return POLLY_DEFAULT_TPS_QUOTA[engine] * 0.75;
}
