/** Where a call reports what the operator dashboards count; implemented by the server's metrics. */
export interface CallMetrics {
  /** A bot turn was taken; `latencyMs` is the time from the end of the caller's turn to the first bot audio, when the turn spoke. */
  turn(latencyMs?: number): void;
  bargeIn(): void;
  recognizerFailure(): void;
  synthesizerFailure(): void;
  /** Utterances a listen-only bot heard but did not store: its transcript safety bound was reached. */
  transcriptDropped(count: number): void;
}

/** Metrics that go nowhere (tests, tools). */
export const noCallMetrics: CallMetrics = {
  turn: () => undefined,
  bargeIn: () => undefined,
  recognizerFailure: () => undefined,
  synthesizerFailure: () => undefined,
  transcriptDropped: () => undefined,
};
