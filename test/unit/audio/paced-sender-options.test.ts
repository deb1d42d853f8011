import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PACED_SENDER_OPTIONS,
  resolvePacedSenderOptions,
  type PacedSenderOptions,
} from '../../../runtime/src/audio/paced-sender-options.js';

describe('resolvePacedSenderOptions', () => {
  it('returns the defaults when given nothing', () => {
    expect(resolvePacedSenderOptions()).toEqual(DEFAULT_PACED_SENDER_OPTIONS);
  });

  it('keeps a safety margin below the Genesys limits by default', () => {
    const { limits } = resolvePacedSenderOptions();
    expect(limits).toEqual({
      binary: { perSecond: 4, burst: 20 },
      text: { perSecond: 4, burst: 20 },
      pause: { perSecond: 1.6, burst: 3 },
      resume: { perSecond: 1.6, burst: 3 },
    });
  });

  it('merges a partial limit over the default of its class only', () => {
    const { limits } = resolvePacedSenderOptions({ limits: { text: { burst: 10 } } });
    expect(limits.text).toEqual({ perSecond: 4, burst: 10 });
    expect(limits.binary).toEqual({ perSecond: 4, burst: 20 });
  });

  it('returns a frozen object', () => {
    const resolved = resolvePacedSenderOptions({ packetBytes: 4000 });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.limits.binary)).toBe(true);
  });

  it.each<[string, PacedSenderOptions]>([
    ['packetBytes below 1600', { packetBytes: 1599 }],
    ['packetBytes above 64000', { packetBytes: 64_001, maxLeadMs: 10_000 }],
    ['a fractional packetBytes', { packetBytes: 3200.5 }],
    ['a non-positive maxLeadMs', { maxLeadMs: 0 }],
    ['a negative highWaterMarkBytes', { highWaterMarkBytes: -1 }],
    ['a zero backpressureRetryMs', { backpressureRetryMs: 0 }],
    ['an infinite maxLeadMs', { maxLeadMs: Infinity }],
    ['a zero rate', { limits: { text: { perSecond: 0 } } }],
    ['a burst below 1', { limits: { pause: { burst: 0 } } }],
    ['a fractional burst', { limits: { binary: { burst: 2.5 } } }],
  ])('rejects %s with RangeError', (_name, options) => {
    expect(() => resolvePacedSenderOptions(options)).toThrow(RangeError);
  });

  it('rejects a maxLeadMs shorter than one packet with RangeError', () => {
    expect(() => resolvePacedSenderOptions({ packetBytes: 16_000, maxLeadMs: 1999 })).toThrow(RangeError);
    expect(resolvePacedSenderOptions({ packetBytes: 16_000, maxLeadMs: 2000 }).maxLeadMs).toBe(2000);
  });

  it('rejects packets too small for the binary budget to keep up with real time', () => {
    expect(() => resolvePacedSenderOptions({ packetBytes: 1600 })).toThrow(RangeError);
    expect(resolvePacedSenderOptions({ packetBytes: 1600, limits: { binary: { perSecond: 5 } } }).packetBytes).toBe(1600);
  });

  it('rejects a value of the wrong type with TypeError', () => {
    expect(() => resolvePacedSenderOptions({ packetBytes: '3200' as unknown as number })).toThrow(TypeError);
    expect(() => resolvePacedSenderOptions({ maxLeadMs: Number.NaN })).toThrow(TypeError);
  });
});
