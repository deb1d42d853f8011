import type { Cancel, Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import { silentLogger, type Logger } from '../shared/logger.js';

/** CloudWatch units the server uses. */
export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

/** One metric value and its unit. */
export interface MetricDatum {
  readonly value: number;
  readonly unit: MetricUnit;
}

/** Metric name → value, e.g. `{ ActiveSessions: { value: 3, unit: 'Count' } }`. */
export type MetricSample = Readonly<Record<string, MetricDatum>>;

/** The `_aws` metadata member of an embedded-metric-format record. */
export interface EmfMetadata {
  readonly Timestamp: number;
  readonly CloudWatchMetrics: readonly {
    readonly Namespace: string;
    readonly Dimensions: readonly (readonly string[])[];
    readonly Metrics: readonly { readonly Name: string; readonly Unit: MetricUnit }[];
  }[];
}

/** A CloudWatch embedded-metric-format record: the metadata plus one root member per metric. */
export type EmfRecord = { readonly _aws: EmfMetadata } & Readonly<Record<string, number | EmfMetadata>>;

/** CloudWatch accepts at most 100 metrics per metric directive. */
const MAX_METRICS_PER_RECORD = 100;
/** Namespace and metric names are 1–255 characters. */
const MAX_NAME_CHARS = 255;

/**
 * Builds one CloudWatch embedded-metric-format record. The record carries no dimensions (not even a
 * task id), so CloudWatch aggregates all tasks into one series per metric: `Average` of
 * `ActiveSessions` is then the per-task load that target-tracking autoscaling needs.
 * Throws `RangeError` for input CloudWatch would reject (a programmer error, not a runtime one).
 */
export function toEmfRecord(namespace: string, metrics: MetricSample, timestampMs: number): EmfRecord {
  assertName('namespace', namespace);
  const names = Object.keys(metrics);
  if (names.length > MAX_METRICS_PER_RECORD) {
    throw new RangeError(`at most ${MAX_METRICS_PER_RECORD} metrics fit in one record`);
  }
  const values: Record<string, number> = {};
  const definitions: { Name: string; Unit: MetricUnit }[] = [];
  for (const name of names) {
    assertName('metric name', name);
    if (name === '_aws') throw new RangeError('"_aws" is reserved in embedded metric format');
    const datum = metrics[name]!;
    if (!Number.isFinite(datum.value)) throw new RangeError(`metric ${name} has a non-finite value`);
    values[name] = datum.value;
    definitions.push({ Name: name, Unit: datum.unit });
  }
  return {
    _aws: {
      Timestamp: Math.round(timestampMs),
      // `[[]]`: one empty dimension set, i.e. publish each metric without dimensions.
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [[]], Metrics: definitions }],
    },
    ...values,
  };
}

function assertName(what: string, name: string): void {
  if (name.length === 0 || name.length > MAX_NAME_CHARS) {
    throw new RangeError(`${what} must be 1 to ${MAX_NAME_CHARS} characters`);
  }
}

/** Options of {@link createMetricsPublisher}. */
export interface MetricsPublisherOptions {
  /** CloudWatch namespace (the `METRICS_NAMESPACE` the stack configures). */
  readonly namespace: string;
  /** Time source for the interval and the record timestamps. */
  readonly clock: Clock;
  /** Time between records, in ms. 60 000 matches the one-minute period autoscaling reads. */
  readonly intervalMs: number;
  /** Receives one JSON line (without newline) per interval, e.g. a stdout writer. */
  readonly write: (line: string) => void;
  /** Returns the metrics to publish now; an empty sample writes nothing. */
  readonly sample: () => MetricSample;
  /**
   * Receives a `warn` when sampling or writing fails; publishing goes on.
   * @default silentLogger
   */
  readonly logger?: Logger;
}

/** A running metrics publisher. */
export interface MetricsPublisher {
  /** Stops publishing; calling it twice is harmless. */
  stop(): void;
}

/**
 * Emits one embedded-metric-format line per interval. Deadlines advance by `intervalMs` from the
 * start, so a slow tick does not shift later ones.
 */
export function createMetricsPublisher(options: MetricsPublisherOptions): MetricsPublisher {
  const { namespace, clock, intervalMs, write, sample } = options;
  const logger = options.logger ?? silentLogger;
  assertName('namespace', namespace);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError('intervalMs must be a positive number');

  let nextAt = clock.now() + intervalMs;
  let cancel: Cancel | undefined;
  let stopped = false;

  function tick(): void {
    try {
      const metrics = sample();
      if (Object.keys(metrics).length > 0) write(JSON.stringify(toEmfRecord(namespace, metrics, clock.epochMs())));
    } catch (error) {
      logger.warn({ err: toError(error).message }, 'metrics publish failed');
    }
    if (stopped) return;
    nextAt += intervalMs;
    cancel = clock.setTimer(nextAt - clock.now(), tick);
  }

  cancel = clock.setTimer(intervalMs, tick);
  return {
    stop() {
      stopped = true;
      cancel?.();
      cancel = undefined;
    },
  };
}
