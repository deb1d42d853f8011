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
  /**
   * Writes the queue holds per session the process may hold (MAX_SESSIONS), at least 1,000: when every
   * session closes at once against a slow store, each leaves its record, its conversation state and
   * transcript lines queued (its record's create and finish among them). A queued write holds one
   * item of a few KB, so 2,000 sessions hold at most about 8,000 of them, tens of MB.
   */
  writeQueueSlotsPerSession: 4,
  writeQueueMinQueued: 1_000,
  /**
   * A session's create or finish (write-behind, nobody waits on it) waits this long for other calls'
   * to share its BatchWriteItem request: at 200 opens a second, about 20 creates per request instead of
   * 4 at 20 ms (each request costs the SDK about 1 ms of CPU, the performance log). Waiting creates
   * hold write-queue slots: at most a full request's 25 of the 32.
   */
  sessionCreateGatherMs: 100,
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
  /**
   * Call recordings waiting for S3: 32 held (their buffers count against RECORDING_BUFFER_MB, so the
   * bound is memory, not this number), 4 uploads at once, 6 attempts over about a minute of back-off
   * (1, 2, 4, 8, 16 s, jittered) before one is given up and counted in RecordingsLost.
   */
  recordingUploads: { maxQueued: 32, maxConcurrent: 4, maxAttempts: 6, retryBaseMs: 1_000, retryMaxMs: 30_000 },
  /** Sidecar entries (protocol messages and transcript lines) per recording, and characters per line. */
  recordingEntries: { maxEntries: 10_000, maxLineChars: 2_000 },
  /** At shutdown, recordings still waiting get this long (alongside the session records' flush) to be stored. */
  recordingFlushMs: 5_000,
} as const;
