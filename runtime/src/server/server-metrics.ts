import { METRIC_NAMES } from '../config/metric-names.js';
import type { CallMetrics } from '../session/call-metrics.js';
import type { SessionSummary } from '../session/audiohook-session.js';
import type { MetricSample } from './session-metrics.js';

/**
 * Counts what happens on this task between two metric records: calls report turns and failures,
 * sessions report how they ended. `sample()` returns the counts since the previous sample plus the
 * live-session gauge, and starts the next interval.
 */
export interface ServerMetrics extends CallMetrics {
  sessionEnded(summary: SessionSummary): void;
  /** Transcribe refused a stream (LimitExceededException: concurrent-stream quota or start rate). */
  transcribeLimited(): void;
  /** Polly throttled a request (ThrottlingException), or the process's request limiter was full. */
  pollyThrottled(): void;
  rateLimited(): void;
  /** Tokens one language model call used (llm bots, both routes served by this process). */
  modelTokens(inputTokens: number, outputTokens: number): void;
  /** A connection refused at the connection cap. */
  connectionRefused(): void;
  /** A call recording was not stored (upload given up, or dropped at the queue's bound). */
  recordingLost(): void;
  sample(activeSessions: number): MetricSample;
}

export function createServerMetrics(): ServerMetrics {
  let counts = fresh();
  return {
    turn(latencyMs) {
      counts.turns += 1;
      if (latencyMs !== undefined) counts.latencies.push(latencyMs);
    },
    bargeIn: () => void (counts.bargeIns += 1),
    recognizerFailure: () => void (counts.recognizerFailures += 1),
    synthesizerFailure: () => void (counts.synthesizerFailures += 1),
    transcriptDropped: (count) => void (counts.transcriptDropped += count),
    rateLimited: () => void (counts.rateLimited += 1),
    modelTokens(inputTokens, outputTokens) {
      counts.modelInputTokens += inputTokens;
      counts.modelOutputTokens += outputTokens;
    },
    connectionRefused: () => void (counts.connectionsRefused += 1),
    recordingLost: () => void (counts.recordingsLost += 1),
    transcribeLimited: () => void (counts.transcribeLimited += 1),
    pollyThrottled: () => void (counts.pollyThrottled += 1),
    sessionEnded(summary) {
      counts.rateLimited += summary.rateLimited;
      // Dropped paused frames and client error reports are the peer's business, not a failed session.
      if (summary.problems > summary.audioFramesDroppedWhilePaused + summary.rateLimited) counts.sessionErrors += 1;
    },
    sample(activeSessions) {
      const c = counts;
      counts = fresh();
      const sample: Record<string, MetricSample[string]> = {
        [METRIC_NAMES.activeSessions]: { value: activeSessions, unit: 'Count' },
        [METRIC_NAMES.turns]: { value: c.turns, unit: 'Count' },
        [METRIC_NAMES.bargeIns]: { value: c.bargeIns, unit: 'Count' },
        [METRIC_NAMES.rateLimited429]: { value: c.rateLimited, unit: 'Count' },
        [METRIC_NAMES.sessionErrors]: { value: c.sessionErrors, unit: 'Count' },
        [METRIC_NAMES.recognizerFailures]: { value: c.recognizerFailures, unit: 'Count' },
        [METRIC_NAMES.synthesizerFailures]: { value: c.synthesizerFailures, unit: 'Count' },
        [METRIC_NAMES.modelInputTokens]: { value: c.modelInputTokens, unit: 'Count' },
        [METRIC_NAMES.modelOutputTokens]: { value: c.modelOutputTokens, unit: 'Count' },
        [METRIC_NAMES.connectionsRefused]: { value: c.connectionsRefused, unit: 'Count' },
        [METRIC_NAMES.transcribeLimitExceeded]: { value: c.transcribeLimited, unit: 'Count' },
        [METRIC_NAMES.pollyThrottled]: { value: c.pollyThrottled, unit: 'Count' },
        [METRIC_NAMES.transcriptUtterancesDropped]: { value: c.transcriptDropped, unit: 'Count' },
        [METRIC_NAMES.recordingsLost]: { value: c.recordingsLost, unit: 'Count' },
      };
      // One value per record: the interval's mean keeps the line small; the log summary has the detail.
      if (c.latencies.length > 0) {
        const mean = c.latencies.reduce((a, b) => a + b, 0) / c.latencies.length;
        sample[METRIC_NAMES.turnLatencyMs] = { value: mean, unit: 'Milliseconds' };
      }
      return sample;
    },
  };
}

function fresh(): {
  turns: number;
  latencies: number[];
  bargeIns: number;
  recognizerFailures: number;
  synthesizerFailures: number;
  rateLimited: number;
  sessionErrors: number;
  modelInputTokens: number;
  modelOutputTokens: number;
  connectionsRefused: number;
  transcribeLimited: number;
  pollyThrottled: number;
  transcriptDropped: number;
  recordingsLost: number;
} {
  return {
    turns: 0,
    latencies: [],
    bargeIns: 0,
    recognizerFailures: 0,
    synthesizerFailures: 0,
    rateLimited: 0,
    sessionErrors: 0,
    modelInputTokens: 0,
    modelOutputTokens: 0,
    connectionsRefused: 0,
    transcribeLimited: 0,
    pollyThrottled: 0,
    transcriptDropped: 0,
    recordingsLost: 0,
  };
}
