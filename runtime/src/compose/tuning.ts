/**
 * Tuning values the application is built with that are not settings (docs: README configuration
 * table lists the settings). One place, named, each with why it has its value; change them here.
 */
export const TUNING = {
  /** Largest WebSocket message accepted: a Genesys audio frame is 1.6 KB (mono) to 3.2 KB (stereo) per 200 ms. */
  maxPayloadBytes: 256 * 1024,
  /** An upgrade request whose headers have not arrived by then is dropped (slowloris). */
  headersTimeoutMs: 10_000,
  /** A call's final work after the client's `close` (flush, persist) gets this long before `closed` is sent. */
  closingBudgetMs: 2_000,
  /** DynamoDB takes many writes in parallel; 32 in flight keeps a task's queue short at full load. */
  writeQueueMaxConcurrent: 32,
  /** At shutdown, queued session records get this long to land before the process exits. */
  writeQueueFlushMs: 5_000,
  /** How long a call's greeting may wait for the conversation state stored by the Data Action route. */
  conversationResumeTimeoutMs: 300,
  /** After speech ends with nothing recognized yet, how long to wait for a final transcript. */
  finalTranscriptWaitMs: 1_500,
  /** Extra wait for `playback_completed` beyond the audio's remaining play time. */
  playbackGraceMs: 3_000,
  /** Recognizer failures tolerated within a minute before the call is handed back with a fallback. */
  maxRecognizerFailuresPerMinute: 5,
  /** Embedded-metric-format lines are written once per this interval. */
  metricsIntervalMs: 60_000,
  /** How long to wait for the AWS credential chain before deciding there are no credentials (SPEECH_MODE=auto). */
  credentialProbeMs: 3_000,
} as const;
