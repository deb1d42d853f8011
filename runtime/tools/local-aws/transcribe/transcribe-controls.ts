/** Settings of the local Transcribe streaming endpoint; durations in ms. */
export interface TranscribeEndpointSettings {
  /** Concurrent streams allowed; the next one gets LimitExceededException (the quota is 25 by default). @default 25 */
  maxConcurrentStreams: number;
  /** A stream that receives no audio this long ends with BadRequestException, as the service does. @default 15000 */
  idleTimeoutMs: number;
  /** Maximum stream duration (wall clock); then LimitExceededException. The service allows 4 h. @default 14400000 */
  maxStreamMs: number;
  /** From the end of speech (after the hangover) to its final result. @default 300 */
  finalLatencyMs: number;
  /** Extra delay on the response and on every result: a slow service. @default 0 */
  resultDelayMs: number;
  /** Unvoiced audio that closes a segment. @default 600 */
  hangoverMs: number;
  /** Voiced audio that opens a segment. @default 120 */
  onsetVoicedMs: number;
  /** Audio between partial results of an open segment. @default 400 */
  partialEveryMs: number;
  /**
   * What a segment says when the script is empty. The default is marked as a placeholder so nobody
   * mistakes it for recognition: the endpoint does not recognise speech.
   */
  defaultPhrase: string;
}

export const DEFAULT_TRANSCRIBE_SETTINGS: Readonly<TranscribeEndpointSettings> = {
  maxConcurrentStreams: 25,
  idleTimeoutMs: 15_000,
  maxStreamMs: 4 * 60 * 60 * 1000,
  finalLatencyMs: 300,
  resultDelayMs: 0,
  hangoverMs: 600,
  onsetVoicedMs: 120,
  partialEveryMs: 400,
  defaultPhrase: '[local transcribe placeholder]',
};

/** A failure to inject into the next stream that starts. */
export type TranscribeFault =
  /** Refused at start with LimitExceededException (HTTP 429), as when the quota or rate is exceeded. */
  | { readonly kind: 'limitExceeded' }
  /** Refused at start with ServiceUnavailableException (HTTP 503). */
  | { readonly kind: 'serviceUnavailable' }
  /** Accepted, then InternalFailureException inside the stream once this much audio has arrived. */
  | { readonly kind: 'internalFailure'; readonly afterAudioMs: number };

/**
 * What a test scripts: the phrases segments say (one per segment, in order, across streams) and the
 * faults the next streams meet. Settings are live: a change applies to streams started afterwards
 * (and, for `resultDelayMs`, to results sent afterwards).
 */
export class TranscribeControls {
  readonly settings: TranscribeEndpointSettings;
  private readonly phrases: string[] = [];
  private readonly faults: TranscribeFault[] = [];
  /** Streams started (accepted) so far. */
  streamsStarted = 0;
  /** Streams refused with LimitExceededException because of the concurrent-stream quota. */
  streamsOverQuota = 0;
  /** Streams open now. */
  activeStreams = 0;

  constructor(settings: Partial<TranscribeEndpointSettings> = {}) {
    this.settings = { ...DEFAULT_TRANSCRIBE_SETTINGS, ...settings };
  }

  /** Queues phrases: each segment the endpoint finds (in any stream) takes the next one. */
  say(...phrases: string[]): this {
    this.phrases.push(...phrases);
    return this;
  }

  /** Queues a fault for the next stream that starts (one fault per stream, in order). */
  failNextStream(fault: TranscribeFault): this {
    this.faults.push(fault);
    return this;
  }

  /** Phrases not yet used. */
  get pendingPhrases(): readonly string[] {
    return this.phrases;
  }

  /** @internal The phrase of the next segment. */
  takePhrase(): string {
    return this.phrases.shift() ?? this.settings.defaultPhrase;
  }

  /** @internal The fault of the stream starting now, if any. */
  takeFault(): TranscribeFault | undefined {
    return this.faults.shift();
  }
}
