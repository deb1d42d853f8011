/**
 * Replays Genesys's limits on server → client messages (AudioHook §6.5, per session) over a recorded
 * list of sends and reports every violation. Deliberately independent of runtime/src/audio: the limits
 * are restated here at their true values, so a wrong constant in the sender cannot hide itself.
 */

/** Message class of a recorded send; `pause` and `resume` also count as text. */
export type SendKind = 'text' | 'binary' | 'pause' | 'resume';

/** One message as it left the server. */
export interface SendRecord {
  /** Monotonic time of the send, in ms. */
  readonly atMs: number;
  readonly kind: SendKind;
  /** Payload length: bytes for binary, characters for text. */
  readonly bytes: number;
  /**
   * For binary: the packet ends a prompt (its last byte is the last of audio handed over before an
   * end-of-prompt). Only such a packet may be shorter than the minimum. Absent means false.
   */
  readonly endsPrompt?: boolean;
}

/** Rules a send can break. */
export type RateRule =
  | 'binaryRate'
  | 'textRate'
  | 'pauseRate'
  | 'resumeRate'
  | 'binaryTooSmall'
  | 'binaryTooLarge'
  | 'textTooLarge'
  | 'timeWentBackwards';

/** One broken rule at one send. */
export interface RateViolation {
  /** Index of the send in the record list. */
  readonly index: number;
  readonly atMs: number;
  readonly rule: RateRule;
}

/** Limits the checker replays; the defaults are Genesys's own. */
export interface GenesysLimits {
  readonly binary: { readonly perSecond: number; readonly burst: number };
  readonly text: { readonly perSecond: number; readonly burst: number };
  readonly pause: { readonly perSecond: number; readonly burst: number };
  readonly resume: { readonly perSecond: number; readonly burst: number };
  readonly minBinaryBytes: number;
  readonly maxBinaryBytes: number;
  readonly maxTextChars: number;
}

/** The true limits: 5/s burst 25 for text and binary, 2/s burst 4 for pause and resume; 1600–64000 bytes. */
export const GENESYS_LIMITS: GenesysLimits = Object.freeze({
  binary: { perSecond: 5, burst: 25 },
  text: { perSecond: 5, burst: 25 },
  pause: { perSecond: 2, burst: 4 },
  resume: { perSecond: 2, burst: 4 },
  minBinaryBytes: 1600,
  maxBinaryBytes: 64_000,
  maxTextChars: 65_535,
});

// A bucket that starts full; a send when less than one token is left is a violation and takes nothing
// (the peer rejects it rather than letting it borrow).
class Bucket {
  private level: number;
  private lastMs: number | undefined;

  constructor(private readonly limit: { readonly perSecond: number; readonly burst: number }) {
    this.level = limit.burst;
  }

  take(atMs: number): boolean {
    if (this.lastMs !== undefined) {
      this.level = Math.min(this.limit.burst, this.level + ((atMs - this.lastMs) * this.limit.perSecond) / 1000);
    }
    this.lastMs = atMs;
    // 1e-9: a sender pacing exactly at the rate lands on the token boundary up to float rounding.
    if (this.level < 1 - 1e-9) return false;
    this.level = Math.max(0, this.level - 1);
    return true;
  }
}

/** Checks `sends` (in send order) against `limits` and returns every violation, in order. */
export function checkGenesysRates(
  sends: readonly SendRecord[],
  limits: GenesysLimits = GENESYS_LIMITS,
): RateViolation[] {
  const buckets = {
    binary: new Bucket(limits.binary),
    text: new Bucket(limits.text),
    pause: new Bucket(limits.pause),
    resume: new Bucket(limits.resume),
  };
  const violations: RateViolation[] = [];
  let lastMs = -Infinity;
  sends.forEach((send, index) => {
    const report = (rule: RateRule): void => {
      violations.push({ index, atMs: send.atMs, rule });
    };
    if (send.atMs < lastMs) report('timeWentBackwards');
    lastMs = Math.max(lastMs, send.atMs);
    switch (send.kind) {
      case 'binary':
        if (!buckets.binary.take(send.atMs)) report('binaryRate');
        if (send.bytes > limits.maxBinaryBytes) report('binaryTooLarge');
        if (send.bytes < limits.minBinaryBytes && send.endsPrompt !== true) report('binaryTooSmall');
        return;
      case 'pause':
      case 'resume':
        if (!buckets[send.kind].take(send.atMs)) report(send.kind === 'pause' ? 'pauseRate' : 'resumeRate');
        break;
      case 'text':
        break;
    }
    if (!buckets.text.take(send.atMs)) report('textRate');
    if (send.bytes > limits.maxTextChars) report('textTooLarge');
  });
  return violations;
}
