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
  let request: DigitCollection | undefined;
  let digits = '';
  let cancelTimer: Cancel | undefined;

  const finish = (): void => {
    cancelTimer?.();
    cancelTimer = undefined;
    const entry = digits;
    request = undefined;
    digits = '';
    onDigits(entry);
  };

  return {
    collect(next) {
      cancelTimer?.();
      cancelTimer = undefined;
      request = next;
      digits = '';
    },
    press(digit) {
      if (request === undefined) return onDigits(digit);
      if (digit === request.terminator) return finish();
      digits += digit;
      if (digits.length >= request.maxDigits) return finish();
      cancelTimer?.();
      cancelTimer = clock.setTimer(request.interDigitTimeoutMs, finish);
    },
    get collecting() {
      return request !== undefined;
    },
    cancel() {
      cancelTimer?.();
      cancelTimer = undefined;
      request = undefined;
      digits = '';
    },
  };
}
