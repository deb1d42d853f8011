import { ENV } from './env-keys.js';
import type { StartupProblem } from '../shared/startup-problems.js';
import { configSchema, type Config } from './schema.js';

/** Which environment variable feeds which config field. */
const SOURCES: Readonly<Record<keyof Config, string>> = {
  nodeEnv: ENV.NODE_ENV,
  port: ENV.PORT,
  host: ENV.HOST,
  logLevel: ENV.LOG_LEVEL,
  apiKeysJson: ENV.AUDIOHOOK_API_KEYS,
  apiKeysSecretId: ENV.API_KEYS_SECRET_ID,
  apiKeysRefreshMs: ENV.API_KEYS_REFRESH_MS,
  apiKeysPreviousGraceMs: ENV.API_KEYS_PREVIOUS_GRACE_MS,
  dataActionApiKeysJson: ENV.DATA_ACTION_API_KEYS,
  dataActionKeysSecretId: ENV.DATA_ACTION_KEYS_SECRET_ID,
  botsDir: ENV.BOTS_DIR,
  drainTimeoutMs: ENV.DRAIN_TIMEOUT_MS,
  maxSessions: ENV.MAX_SESSIONS,
  maxConnections: ENV.MAX_CONNECTIONS,
  httpKeepAliveTimeoutMs: ENV.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  inboundMessagesPerSecond: ENV.INBOUND_MESSAGES_PER_SECOND,
  inboundAudioSpeedLimit: ENV.INBOUND_AUDIO_SPEED_LIMIT,
  signatureClockSkewMs: ENV.SIGNATURE_CLOCK_SKEW_MS,
  signatureMaxAgeMs: ENV.SIGNATURE_MAX_AGE_MS,
  authFailureDelayMs: ENV.AUTH_FAILURE_DELAY_MS,
  openTimeoutMs: ENV.OPEN_TIMEOUT_MS,
  closeTimeoutMs: ENV.CLOSE_TIMEOUT_MS,
  idleTimeoutMs: ENV.IDLE_TIMEOUT_MS,
  logCallerData: ENV.LOG_CALLER_DATA,
  sessionTableName: ENV.SESSION_TABLE_NAME,
  sessionTtlDays: ENV.SESSION_TTL_DAYS,
  conversationWriteIntervalMs: ENV.CONVERSATION_WRITE_INTERVAL_MS,
  participantDataPolicy: ENV.PARTICIPANT_DATA_POLICY,
  participantHashSalt: ENV.PARTICIPANT_HASH_SALT,
  localDataDir: ENV.LOCAL_DATA_DIR,
  recordAllCalls: ENV.RECORD_ALL_CALLS,
  recordingsBucket: ENV.RECORDINGS_BUCKET,
  recordingsKmsKeyId: ENV.RECORDINGS_KMS_KEY_ID,
  recordingMaxDurationMs: ENV.RECORDING_MAX_DURATION_MS,
  recordingBufferMb: ENV.RECORDING_BUFFER_MB,
  metricsNamespace: ENV.METRICS_NAMESPACE,
  ecsAgentUri: ENV.ECS_AGENT_URI,
  awsRegion: ENV.AWS_REGION,
  bedrockEndpointUrl: ENV.AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
  speechMode: ENV.SPEECH_MODE,
  pollyEngine: ENV.POLLY_ENGINE,
  pollyMaxRequestsPerSecond: ENV.POLLY_MAX_REQUESTS_PER_SECOND,
  transcribeStreamRenewMs: ENV.TRANSCRIBE_STREAM_RENEW_MS,
  endOfTurnSilenceMs: ENV.END_OF_TURN_SILENCE_MS,
  bargeInOnsetMs: ENV.BARGE_IN_ONSET_MS,
  synthesisTimeoutMs: ENV.SYNTHESIS_TIMEOUT_MS,
  fallbackPrompt: ENV.FALLBACK_PROMPT,
  audioPacketBytes: ENV.AUDIO_PACKET_BYTES,
  audioMaxLeadMs: ENV.AUDIO_MAX_LEAD_MS,
};

/** Every problem with the configuration at once, so one start tells the operator everything. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads the configuration from an environment once (main.ts at start, the Lambda at cold start),
 * validates it against the schema and returns it frozen. Throws ConfigError listing all problems.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const checked = checkConfig(env);
  if (checked.config === undefined) throw new ConfigError(checked.problems.map((p) => `${p.source}: ${p.message}`));
  return checked.config;
}

/** {@link loadConfig} as a start-up check: the config when valid, else every problem by env var. */
export function checkConfig(env: Readonly<Record<string, string | undefined>>): {
  readonly config: Config | undefined;
  readonly problems: readonly StartupProblem[];
} {
  const raw: Record<string, string | undefined> = {};
  for (const [field, name] of Object.entries(SOURCES)) {
    const value = env[name];
    raw[field] = value !== undefined && value.trim() === '' && field !== 'apiKeysJson' ? undefined : value;
  }
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return { config: Object.freeze(parsed.data), problems: [] };
  return {
    config: undefined,
    problems: parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      return { source: SOURCES[field as keyof Config] ?? field, message: issue.message };
    }),
  };
}
