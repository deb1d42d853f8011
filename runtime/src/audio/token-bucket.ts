import type { Clock } from '../shared/clock.js';

/** Size and refill rate of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Most tokens the bucket holds (the allowed burst); the bucket starts full. */
  readonly capacity: number;
  /** Tokens added per second of monotonic time (the sustained rate). */
  readonly refillPerSecond: number;
}

/**
 * A token bucket on the injected clock: pure arithmetic on `clock.now()`, no timers. One per message
 * class per session; owned by whoever paces that class.
 */
export interface TokenBucket {
  /** Takes `n` tokens if they are all available now; otherwise takes nothing and returns false. */
  tryTake(n?: number): boolean;
  /**
   * Milliseconds until `n` tokens will be available (0 if they are now). `Infinity` when `n` exceeds
   * the capacity, since the bucket can never hold that many.
   */
  msUntilAvailable(n?: number): number;
  /**
   * Empties the bucket and stops refilling until the monotonic time `untilMs` (429 back-off): sending
   * then resumes at the sustained rate, not with a burst, because the peer's own bucket is empty.
   * A pause never shortens an earlier, longer one.
   */
  pauseUntil(untilMs: number): void;
  /** Tokens available now (fractional). */
  readonly tokens: number;
}

// Float refill arithmetic can leave a bucket a hair short of a whole token at the exact instant the
// token was computed to arrive; without this a timer set for that instant would find nothing to take.
const EPSILON = 1e-9;

/**
 * Creates a full {@link TokenBucket}; throws RangeError for a non-positive capacity or rate. A class
 * rather than closures: every session holds four, and a closure-built bucket took about 1 KB of heap.
 */
export function createTokenBucket(options: TokenBucketOptions, clock: Clock): TokenBucket {
  const { capacity, refillPerSecond } = options;
  if (!(Number.isFinite(capacity) && capacity > 0)) throw new RangeError('capacity must be a positive finite number');
  if (!(Number.isFinite(refillPerSecond) && refillPerSecond > 0)) {
    throw new RangeError('refillPerSecond must be a positive finite number');
  }
  return new ClockTokenBucket(capacity, refillPerSecond / 1000, clock);
}

class ClockTokenBucket implements TokenBucket {
  private level: number;
  private lastMs: number;
  private pausedUntilMs = -Infinity;

  constructor(
    private readonly capacity: number,
    private readonly refillPerMs: number,
    private readonly clock: Clock,
  ) {
    this.level = capacity;
    this.lastMs = clock.now();
  }

  tryTake(n = 1): boolean {
    const nowMs = this.clock.now();
    if (nowMs < this.pausedUntilMs) return false;
    this.refill(nowMs);
    if (this.level + EPSILON < n) return false;
    this.level = Math.max(0, this.level - n);
    return true;
  }

  msUntilAvailable(n = 1): number {
    if (n > this.capacity) return Infinity;
    const nowMs = this.clock.now();
    this.refill(nowMs);
    const startMs = Math.max(nowMs, this.pausedUntilMs);
    const missing = n - this.level;
    const waitMs = startMs - nowMs + (missing > EPSILON ? missing / this.refillPerMs : 0);
    return Math.max(0, waitMs);
  }

  pauseUntil(untilMs: number): void {
    this.refill(this.clock.now());
    this.level = 0;
    if (untilMs > this.pausedUntilMs) this.pausedUntilMs = untilMs;
  }

  get tokens(): number {
    this.refill(this.clock.now());
    return this.level;
  }

  /** Brings `level` up to `nowMs`; time before the end of a pause adds nothing. */
  private refill(nowMs: number): void {
    const fromMs = Math.max(this.lastMs, this.pausedUntilMs);
    if (nowMs > fromMs) this.level = Math.min(this.capacity, this.level + (nowMs - fromMs) * this.refillPerMs);
    if (nowMs > this.lastMs) this.lastMs = nowMs;
  }
}
