/**
 * Names of the environment variables the runtime reads. The CDK constructs in `lib/` import this
 * file to set container and Lambda environments, so the infrastructure and the runtime cannot drift.
 * Names only: defaults and validation live in `schema.ts`.
 */
export const ENV = Object.freeze({
  /** `production` turns off the development API key and pretty defaults. */
  NODE_ENV: 'NODE_ENV',
  PORT: 'PORT',
  HOST: 'HOST',
  LOG_LEVEL: 'LOG_LEVEL',
  /** JSON object `{ "<apiKey>": "<base64 client secret or empty>" }` for local runs. */
  AUDIOHOOK_API_KEYS: 'AUDIOHOOK_API_KEYS',
  /** Secrets Manager secret id (name or ARN) whose value has the AUDIOHOOK_API_KEYS shape. */
  API_KEYS_SECRET_ID: 'API_KEYS_SECRET_ID',
  API_KEYS_REFRESH_MS: 'API_KEYS_REFRESH_MS',
  /** How long after a rotation of the key secret the keys of its previous version stay valid (0 = never). */
  API_KEYS_PREVIOUS_GRACE_MS: 'API_KEYS_PREVIOUS_GRACE_MS',
  /**
   * Data Action (REST) route keys for local runs, separate from AudioHook keys:
   * JSON `{ "<key>": { "organizationId": "<Genesys organization uuid>" } }`.
   */
  DATA_ACTION_API_KEYS: 'DATA_ACTION_API_KEYS',
  /** Secrets Manager secret id whose value has the DATA_ACTION_API_KEYS shape (created by the stack). */
  DATA_ACTION_KEYS_SECRET_ID: 'DATA_ACTION_KEYS_SECRET_ID',
  /** Directory of bot definitions; the file name (without .json) is the connector id. */
  BOTS_DIR: 'BOTS_DIR',
  DRAIN_TIMEOUT_MS: 'DRAIN_TIMEOUT_MS',
  MAX_SESSIONS: 'MAX_SESSIONS',
  /** Open client sockets (upgraded or not) beyond which new connections are refused at once. */
  MAX_CONNECTIONS: 'MAX_CONNECTIONS',
  /** Idle keep-alive HTTP connections are closed after this; longer than the ALB idle timeout. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  /** Sustained non-audio client messages per second a session may send before it is ended. */
  INBOUND_MESSAGES_PER_SECOND: 'INBOUND_MESSAGES_PER_SECOND',
  /** How many times faster than real time caller audio may arrive (sustained) before the session is ended. */
  INBOUND_AUDIO_SPEED_LIMIT: 'INBOUND_AUDIO_SPEED_LIMIT',
  SIGNATURE_CLOCK_SKEW_MS: 'SIGNATURE_CLOCK_SKEW_MS',
  SIGNATURE_MAX_AGE_MS: 'SIGNATURE_MAX_AGE_MS',
  AUTH_FAILURE_DELAY_MS: 'AUTH_FAILURE_DELAY_MS',
  OPEN_TIMEOUT_MS: 'OPEN_TIMEOUT_MS',
  CLOSE_TIMEOUT_MS: 'CLOSE_TIMEOUT_MS',
  IDLE_TIMEOUT_MS: 'IDLE_TIMEOUT_MS',
  /** Log transcripts, DTMF digits and input variables at debug level (personal data). */
  LOG_CALLER_DATA: 'LOG_CALLER_DATA',
  /** DynamoDB table for session records; unset = embedded local table. */
  SESSION_TABLE_NAME: 'SESSION_TABLE_NAME',
  SESSION_TTL_DAYS: 'SESSION_TTL_DAYS',
  /** Longest a voice call holds a turn's conversation state before writing it (0 = after every turn). */
  CONVERSATION_WRITE_INTERVAL_MS: 'CONVERSATION_WRITE_INTERVAL_MS',
  /** How caller ANI/DNIS are stored: `store`, `hash` (default) or `drop`. */
  PARTICIPANT_DATA_POLICY: 'PARTICIPANT_DATA_POLICY',
  /** Key for hashing ANI/DNIS (HMAC-SHA256); without it plain SHA-256 is used. */
  PARTICIPANT_HASH_SALT: 'PARTICIPANT_HASH_SALT',
  LOCAL_DATA_DIR: 'LOCAL_DATA_DIR',
  /** Record every call (personal data; off by default). A bot file's `record: true` records that connector's calls. */
  RECORD_ALL_CALLS: 'RECORD_ALL_CALLS',
  /** S3 bucket for recordings (set by the stack when recording is enabled); unset = `<LOCAL_DATA_DIR>/recordings`. */
  RECORDINGS_BUCKET: 'RECORDINGS_BUCKET',
  /** KMS key (ARN or id) the recordings are encrypted with; unset = the bucket's default key. */
  RECORDINGS_KMS_KEY_ID: 'RECORDINGS_KMS_KEY_ID',
  /** Longest audio one recording keeps; the rest of the call is not recorded and the sidecar says `truncated`. */
  RECORDING_MAX_DURATION_MS: 'RECORDING_MAX_DURATION_MS',
  /** Memory (MB) all recording buffers of the process may take, calls in progress and uploads waiting. */
  RECORDING_BUFFER_MB: 'RECORDING_BUFFER_MB',
  /** CloudWatch namespace for the embedded-metric-format lines the server logs. */
  METRICS_NAMESPACE: 'METRICS_NAMESPACE',
  /** Set by the ECS agent on Fargate; enables task scale-in protection while calls are live. */
  ECS_AGENT_URI: 'ECS_AGENT_URI',
  AWS_REGION: 'AWS_REGION',
  /**
   * Bedrock Runtime endpoint (the SDK's standard service-specific setting), e.g. a local
   * Bedrock-compatible endpoint; `llm` bots run against it even without AWS credentials.
   */
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
  /** `auto` (AWS speech when credentials resolve, else offline), `aws`, or `offline`. */
  SPEECH_MODE: 'SPEECH_MODE',
  /** Polly engine: `neural` (default), `standard`, `generative`, `long-form`. */
  POLLY_ENGINE: 'POLLY_ENGINE',
  /**
   * Polly requests this process starts per second at most (queued beyond it); default 75 % of the
   * engine's default account quota (neural, generative, long-form 8/s: 6; standard 80/s: 60).
   */
  POLLY_MAX_REQUESTS_PER_SECOND: 'POLLY_MAX_REQUESTS_PER_SECOND',
  /** Age at which a Transcribe stream is renewed, below the service's 4-hour limit. */
  TRANSCRIBE_STREAM_RENEW_MS: 'TRANSCRIBE_STREAM_RENEW_MS',
  /** Silence that ends the caller's turn. */
  END_OF_TURN_SILENCE_MS: 'END_OF_TURN_SILENCE_MS',
  /** Voiced audio that counts as the caller starting to speak (barge-in). */
  BARGE_IN_ONSET_MS: 'BARGE_IN_ONSET_MS',
  /** Longest wait for a prompt's first synthesized audio (retries included) before the call degrades. */
  SYNTHESIS_TIMEOUT_MS: 'SYNTHESIS_TIMEOUT_MS',
  /** Said before handing the call back when a dependency fails. */
  FALLBACK_PROMPT: 'FALLBACK_PROMPT',
  /** Bytes of PCMU per outbound audio message (1600–64000). */
  AUDIO_PACKET_BYTES: 'AUDIO_PACKET_BYTES',
  /** How far outbound audio may run ahead of real-time playback. */
  AUDIO_MAX_LEAD_MS: 'AUDIO_MAX_LEAD_MS',
} as const);

export type EnvKey = (typeof ENV)[keyof typeof ENV];
