import type { Cancel, Clock } from '../shared/clock.js';

/** How the bot asked for digits (the `collectDigits` action). */
export interface DigitCollection {
  readonly maxDigits: number;
  readonly terminator?: string;
  readonly interDigitTimeoutMs: number;
}

/**
 * Collects DTMF digits for one call. Without an active collection every key is an input of its own
 * (DTMF menus: "press 1 for billing"); with one, keys accumulate until the terminator, the maximum
 * count or the inter-digit timeout, then the whole entry is handed over once.
 */
export interface DigitCollector {
  /** Starts collecting as the bot asked; replaces any collection in progress. */
  collect(request: DigitCollection): void;
  /** A key from the caller. */
  press(digit: string): void;
  /** Whether a collection is waiting for keys. */
  readonly collecting: boolean;
  /** Drops any collection and its timer. */
  cancel(): void;
}

export function createDigitCollector(clock: Clock, onDigits: (digits: string) => void): DigitCollector {
  return new CallDigitCollector(clock, onDigits);
}

/** A class: one per call, and an object literal with a getter would be a dictionary-mode object. */
class CallDigitCollector implements DigitCollector {
  private request: DigitCollection | undefined;
  private digits = '';
  private cancelTimer: Cancel | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onDigits: (digits: string) => void,
  ) {}

  collect(next: DigitCollection): void {
    this.cancel();
    this.request = next;
  }

  press(digit: string): void {
    const { request } = this;
    if (request === undefined) return this.onDigits(digit);
    if (digit === request.terminator) return this.finish();
    this.digits += digit;
    if (this.digits.length >= request.maxDigits) return this.finish();
    this.cancelTimer?.();
    this.cancelTimer = this.clock.setTimer(request.interDigitTimeoutMs, () => this.finish());
  }

  get collecting(): boolean {
    return this.request !== undefined;
  }

  cancel(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.request = undefined;
    this.digits = '';
  }

  private finish(): void {
    const entry = this.digits;
    this.cancel();
    this.onDigits(entry);
  }
}
