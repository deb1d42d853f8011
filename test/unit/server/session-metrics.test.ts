import { describe, expect, it } from 'vitest';
import {
  createMetricsPublisher,
  toEmfRecord,
  type MetricSample,
} from '../../../runtime/src/server/session-metrics.js';
import type { Logger } from '../../../runtime/src/shared/logger.js';
import { FakeClock } from '../../support/fake-clock.js';

const NAMESPACE = 'GenesysVoiceBot/VoiceBot';
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('toEmfRecord', () => {
  it('builds an embedded-metric-format record with one directive and the values at the root', () => {
    // GIVEN two metrics with different units
    const metrics: MetricSample = {
      ActiveSessions: { value: 3, unit: 'Count' },
      TurnLatencyMs: { value: 812.5, unit: 'Milliseconds' },
    };
    // WHEN the record is built
    const record = toEmfRecord(NAMESPACE, metrics, T0);
    // THEN it has the EMF shape CloudWatch Logs extracts metrics from
    expect(JSON.parse(JSON.stringify(record))).toEqual({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [
          {
            Namespace: NAMESPACE,
            Dimensions: [[]],
            Metrics: [
              { Name: 'ActiveSessions', Unit: 'Count' },
              { Name: 'TurnLatencyMs', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      ActiveSessions: 3,
      TurnLatencyMs: 812.5,
    });
  });

  it('publishes without any dimension so that all tasks share one series per metric', () => {
    // GIVEN / WHEN a record for one gauge
    const record = toEmfRecord(NAMESPACE, { ActiveSessions: { value: 1, unit: 'Count' } }, T0);
    // THEN its only dimension set is empty and no extra root members (such as a task id) exist
    expect(record._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([[]]);
    expect(Object.keys(record).sort()).toEqual(['ActiveSessions', '_aws']);
  });

  it('writes the timestamp as whole epoch milliseconds', () => {
    // GIVEN / WHEN a fractional timestamp
    const record = toEmfRecord(NAMESPACE, { Turns: { value: 1, unit: 'Count' } }, T0 + 0.6);
    // THEN it is rounded, as CloudWatch expects an integer
    expect(record._aws.Timestamp).toBe(T0 + 1);
  });

  it('rejects values CloudWatch would refuse', () => {
    // GIVEN / WHEN / THEN: non-finite values, the reserved name, empty names and too many metrics throw
    expect(() => toEmfRecord(NAMESPACE, { Turns: { value: Number.NaN, unit: 'Count' } }, T0)).toThrow(RangeError);
    expect(() => toEmfRecord(NAMESPACE, { _aws: { value: 1, unit: 'None' } }, T0)).toThrow(RangeError);
    expect(() => toEmfRecord('', { Turns: { value: 1, unit: 'Count' } }, T0)).toThrow(RangeError);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`M${i}`, { value: i, unit: 'None' as const }]));
    expect(() => toEmfRecord(NAMESPACE, many, T0)).toThrow(RangeError);
  });
});

describe('createMetricsPublisher', () => {
  function setup(sample: () => MetricSample): { clock: FakeClock; lines: string[]; warnings: string[]; stop: () => void } {
    const clock = new FakeClock({ epochMs: T0 });
    const lines: string[] = [];
    const warnings: string[] = [];
    const logger: Logger = {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: (_f, msg) => void warnings.push(msg),
      error: () => undefined,
      child: () => logger,
    };
    const publisher = createMetricsPublisher({
      namespace: NAMESPACE,
      clock,
      intervalMs: 60_000,
      write: (line) => lines.push(line),
      sample,
      logger,
    });
    return { clock, lines, warnings, stop: () => publisher.stop() };
  }

  it('writes exactly one line per interval with the values sampled at that moment', () => {
    // GIVEN a session count that changes over time
    let active = 0;
    const { clock, lines } = setup(() => ({ ActiveSessions: { value: active, unit: 'Count' } }));
    // WHEN three intervals pass
    active = 2;
    clock.advance(60_000);
    active = 5;
    clock.advance(60_000);
    active = 1;
    clock.advance(59_999);
    // THEN two lines exist so far, each a complete EMF record stamped with the wall clock
    expect(lines).toHaveLength(2);
    const records = lines.map((l) => JSON.parse(l) as { ActiveSessions: number; _aws: { Timestamp: number } });
    expect(records.map((r) => r.ActiveSessions)).toEqual([2, 5]);
    expect(records.map((r) => r._aws.Timestamp)).toEqual([T0 + 60_000, T0 + 120_000]);
    clock.advance(1);
    expect(lines).toHaveLength(3);
  });

  it('writes nothing for an empty sample', () => {
    // GIVEN a sampler with nothing to report
    const { clock, lines } = setup(() => ({}));
    // WHEN an interval passes
    clock.advance(60_000);
    // THEN no line is written
    expect(lines).toEqual([]);
  });

  it('keeps publishing after a failed sample and reports the failure', () => {
    // GIVEN a sampler that fails once
    let calls = 0;
    const { clock, lines, warnings } = setup(() => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return { Turns: { value: 4, unit: 'Count' } };
    });
    // WHEN two intervals pass
    clock.advance(120_000);
    // THEN the failure is logged and the next interval still publishes
    expect(warnings).toEqual(['metrics publish failed']);
    expect(lines).toHaveLength(1);
  });

  it('stops publishing when stopped', () => {
    // GIVEN a running publisher
    const { clock, lines, stop } = setup(() => ({ Turns: { value: 1, unit: 'Count' } }));
    clock.advance(60_000);
    // WHEN it is stopped
    stop();
    clock.advance(600_000);
    // THEN no further line appears and no timer is left behind
    expect(lines).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
