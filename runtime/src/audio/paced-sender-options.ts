// Wire limits come from protocol/constants.ts, the one place they are written (eslint.config.js lets
// audio/ import that file and nothing else of protocol/).
import {
  DEFAULT_AUDIO_MAX_LEAD_MS,
  DEFAULT_AUDIO_PACKET_BYTES,
  MAX_BINARY_MESSAGE_BYTES,
  MIN_AUDIO_PACKET_BYTES,
  PCMU_BYTES_PER_MS,
} from '../protocol/constants.js';

/** Sustained rate and burst of one outbound message class, modelled as a token bucket. */
export interface RateLimit {
  /** Messages per second on average (token refill rate). */
  readonly perSecond: number;
  /** Messages that may go back to back (bucket capacity); a whole number ≥ 1. */
  readonly burst: number;
}

/** Per-class limits the sender keeps to. `pause` and `resume` messages also count as `text`. */
export interface OutboundRateLimits {
  readonly binary: RateLimit;
  readonly text: RateLimit;
  readonly pause: RateLimit;
  readonly resume: RateLimit;
}

/** Options of the paced sender; every field is optional and merged over the defaults. */
export interface PacedSenderOptions {
  /**
   * Bytes of PCMU per binary message; only the last packet of a prompt may be shorter.
   * @default 3200 (400 ms at 8 kHz: 2.5 messages/s at real time, half the Genesys limit of 5/s, so
   * end-of-prompt short packets, back-to-back prompts and a burst after a stall all fit the budget)
   */
  readonly packetBytes?: number;
  /**
   * How far sent audio may run ahead of real-time playback at the peer, in ms. Bounds what Genesys has
   * buffered (and must discard on barge-in) while absorbing network jitter. At least one packet long.
   * @default 1000
   */
  readonly maxLeadMs?: number;
  /** Binary messages wait while the socket buffers more than this many bytes. @default 65536 */
  readonly highWaterMarkBytes?: number;
  /** How often to look at the socket buffer again while above the high-water mark, in ms. @default 20 */
  readonly backpressureRetryMs?: number;
  /**
   * Message rate limits. Partial objects are merged per class.
   * @default {@link DEFAULT_OUTBOUND_RATE_LIMITS}
   */
  readonly limits?: { readonly [K in keyof OutboundRateLimits]?: Partial<RateLimit> };
}

/** {@link PacedSenderOptions} after defaults are merged and the result validated. */
export type ResolvedPacedSenderOptions = Readonly<Required<Omit<PacedSenderOptions, 'limits'>>> & {
  readonly limits: OutboundRateLimits;
};


/**
 * Default limits: Genesys allows 5/s with bursts of 25 for text and binary, 2/s with bursts of 4 for
 * pause and resume (AudioHook §6.5, per session). We keep a fifth below the average and the burst because
 * the peer's clock and ours differ, frames queue in the network, and the exact algorithm is unpublished.
 */
export const DEFAULT_OUTBOUND_RATE_LIMITS: OutboundRateLimits = Object.freeze({
  binary: Object.freeze({ perSecond: 4, burst: 20 }),
  text: Object.freeze({ perSecond: 4, burst: 20 }),
  pause: Object.freeze({ perSecond: 1.6, burst: 3 }),
  resume: Object.freeze({ perSecond: 1.6, burst: 3 }),
});

/** The defaults {@link resolvePacedSenderOptions} merges under the caller's options. */
export const DEFAULT_PACED_SENDER_OPTIONS: ResolvedPacedSenderOptions = Object.freeze({
  packetBytes: DEFAULT_AUDIO_PACKET_BYTES,
  maxLeadMs: DEFAULT_AUDIO_MAX_LEAD_MS,
  highWaterMarkBytes: 65_536,
  backpressureRetryMs: 20,
  limits: DEFAULT_OUTBOUND_RATE_LIMITS,
});

const LIMIT_CLASSES = ['binary', 'text', 'pause', 'resume'] as const;

/**
 * Merges `options` over the defaults and validates the result (as `ws` does): TypeError for a value
 * of the wrong type, RangeError for a value or combination out of range. Returns a frozen object.
 */
export function resolvePacedSenderOptions(options: PacedSenderOptions = {}): ResolvedPacedSenderOptions {
  const d = DEFAULT_PACED_SENDER_OPTIONS;
  const limits = Object.fromEntries(
    LIMIT_CLASSES.map((cls) => {
      const merged = { ...d.limits[cls], ...options.limits?.[cls] };
      checkNumber(merged.perSecond, `limits.${cls}.perSecond`, { min: 0, exclusiveMin: true });
      checkNumber(merged.burst, `limits.${cls}.burst`, { min: 1, integer: true });
      return [cls, Object.freeze(merged)];
    }),
  ) as unknown as OutboundRateLimits;
  const resolved = {
    packetBytes: options.packetBytes ?? d.packetBytes,
    maxLeadMs: options.maxLeadMs ?? d.maxLeadMs,
    highWaterMarkBytes: options.highWaterMarkBytes ?? d.highWaterMarkBytes,
    backpressureRetryMs: options.backpressureRetryMs ?? d.backpressureRetryMs,
    limits: Object.freeze(limits),
  };
  checkNumber(resolved.packetBytes, 'packetBytes', { min: MIN_AUDIO_PACKET_BYTES, max: MAX_BINARY_MESSAGE_BYTES, integer: true });
  checkNumber(resolved.maxLeadMs, 'maxLeadMs', { min: 0, exclusiveMin: true });
  checkNumber(resolved.highWaterMarkBytes, 'highWaterMarkBytes', { min: 0, integer: true });
  checkNumber(resolved.backpressureRetryMs, 'backpressureRetryMs', { min: 0, exclusiveMin: true });

  const packetMs = resolved.packetBytes / PCMU_BYTES_PER_MS;
  if (resolved.maxLeadMs < packetMs) {
    throw new RangeError(`maxLeadMs (${resolved.maxLeadMs}) must be at least one packet long (${packetMs} ms)`);
  }
  // Real-time playback needs 1000/packetMs packets a second; a smaller binary budget starves the caller.
  const packetsPerSecond = 1000 / packetMs;
  if (packetsPerSecond > resolved.limits.binary.perSecond) {
    throw new RangeError(
      `packetBytes (${resolved.packetBytes}) needs ${packetsPerSecond} binary messages/s for real-time playback, ` +
        `above limits.binary.perSecond (${resolved.limits.binary.perSecond})`,
    );
  }
  return Object.freeze(resolved);
}

function checkNumber(
  value: unknown,
  name: string,
  rule: { min: number; max?: number; exclusiveMin?: boolean; integer?: boolean },
): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${name} must be a number`);
  const belowMin = rule.exclusiveMin === true ? value <= rule.min : value < rule.min;
  if (belowMin || (rule.max !== undefined && value > rule.max) || !Number.isFinite(value)) {
    const bound = `${rule.exclusiveMin === true ? '>' : '≥'} ${rule.min}${rule.max === undefined ? '' : ` and ≤ ${rule.max}`}`;
    throw new RangeError(`${name} must be ${bound}`);
  }
  if (rule.integer === true && !Number.isInteger(value)) throw new RangeError(`${name} must be an integer`);
}
