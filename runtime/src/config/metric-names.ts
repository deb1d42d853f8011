/**
 * CloudWatch metric names the server publishes (embedded metric format, no dimensions). The CDK
 * dashboard, alarms and scaling policy import this file, so the infrastructure and the runtime
 * cannot drift apart. Names only.
 */
export const METRIC_NAMES = Object.freeze({
  /** Gauge: live sessions on this task (autoscaling target). */
  activeSessions: 'ActiveSessions',
  /** Count: bot turns taken. */
  turns: 'Turns',
  /** Milliseconds from the end of the caller's turn to the first bot audio sent. */
  turnLatencyMs: 'TurnLatencyMs',
  /** Count: prompts the caller interrupted. */
  bargeIns: 'BargeIns',
  /** Count: `error 429` rate-limit reports from Genesys. */
  rateLimited429: 'RateLimited429',
  /** Count: sessions that ended with a protocol problem or an internal error. */
  sessionErrors: 'SessionErrors',
  /** Count: speech recognition stream failures. */
  recognizerFailures: 'RecognizerFailures',
  /** Count: speech synthesis failures. */
  synthesizerFailures: 'SynthesizerFailures',
  /** Count: input tokens of language model calls (llm bots). */
  modelInputTokens: 'ModelInputTokens',
  /** Count: output tokens of language model calls (llm bots). */
  modelOutputTokens: 'ModelOutputTokens',
  /** Count: connections refused at the connection cap (MAX_CONNECTIONS). */
  connectionsRefused: 'ConnectionsRefused',
  /** Count: Transcribe LimitExceededException (concurrent-stream quota or start rate reached). */
  transcribeLimitExceeded: 'TranscribeLimitExceeded',
  /** Count: Polly throttling (ThrottlingException, or this task's request limiter full). */
  pollyThrottled: 'PollyThrottled',
  /** Count: utterances a listen-only bot did not store because its transcript safety bound was reached. */
  transcriptUtterancesDropped: 'TranscriptUtterancesDropped',
  /** Count: call recordings not stored (upload given up after its retries, or dropped at the queue's bound). */
  recordingsLost: 'RecordingsLost',
} as const);
