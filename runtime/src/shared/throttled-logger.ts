import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

/** Budget of a {@link createThrottledLogger}. */
export interface LogBudget {
  /** Lines passed on per window; the rest are counted and summarised. */
  readonly maxLinesPerWindow: number;
  readonly windowMs: number;
  /** Longest string kept in a logged field (client-supplied text included); longer ones are cut. */
  readonly maxStringChars: number;
}

/** Per-session default: a normal call logs a few dozen lines; a hostile one cannot flood the log. */
export const SESSION_LOG_BUDGET: LogBudget = { maxLinesPerWindow: 40, windowMs: 10_000, maxStringChars: 200 };

/** A logger with a line budget, plus what the owner needs at the end. */
export interface ThrottledLogger extends Logger {
  /** Writes the pending "suppressed" summary, if any (call before the owner's last line). */
  flush(): void;
  /** Lines suppressed so far, in all windows. */
  readonly suppressed: number;
}

/**
 * Wraps a logger so one source (a session, a refusing listener) cannot flood the log: at most
 * `maxLinesPerWindow` lines per window pass, the rest are counted, and one `log lines suppressed`
 * line with the count replaces them when the next window opens or at `flush()`. Every string
 * field is cut to `maxStringChars`, so a client's 64 KB `type` never reaches the log whole.
 * Children share the parent's budget.
 */
export function createThrottledLogger(target: Logger, budget: LogBudget, clock: Clock): ThrottledLogger {
  const state = { windowStart: clock.now(), used: 0, pending: 0, total: 0 };

  function admit(): boolean {
    const now = clock.now();
    if (now - state.windowStart >= budget.windowMs) {
      flushTo(target);
      state.windowStart = now;
      state.used = 0;
    }
    if (state.used >= budget.maxLinesPerWindow) {
      state.pending += 1;
      state.total += 1;
      return false;
    }
    state.used += 1;
    return true;
  }

  function flushTo(logger: Logger): void {
    if (state.pending === 0) return;
    logger.warn({ suppressed: state.pending, windowMs: budget.windowMs }, 'log lines suppressed');
    state.pending = 0;
  }

  function wrap(logger: Logger): ThrottledLogger {
    const line =
      (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') =>
      (fields: object, msg: string): void => {
        if (admit()) logger[level](truncateFields(fields, budget.maxStringChars), msg);
      };
    return {
      trace: line('trace'),
      debug: line('debug'),
      info: line('info'),
      warn: line('warn'),
      error: line('error'),
      child: (bindings) => wrap(logger.child(truncateFields(bindings, budget.maxStringChars))),
      flush: () => flushTo(logger),
      get suppressed() {
        return state.total;
      },
    };
  }
  return wrap(target);
}

/** A copy of `fields` with long strings cut (one level into plain objects and arrays); errors are kept. */
export function truncateFields(fields: object, maxChars: number): object {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    const cut = truncateValue(value, maxChars, 1);
    if (cut !== value) {
      copy ??= { ...fields };
      copy[key] = cut;
    }
  }
  return copy ?? fields;
}

function truncateValue(value: unknown, maxChars: number, depth: number): unknown {
  if (typeof value === 'string') return value.length > maxChars ? `${value.slice(0, maxChars)}…(${value.length} chars)` : value;
  if (depth === 0 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) {
    const array: readonly unknown[] = value;
    const items: readonly unknown[] = array.length > 20 ? [...array.slice(0, 20), `…(${array.length} items)`] : array;
    const mapped = items.map((item) => truncateValue(item, maxChars, depth - 1));
    return items !== array || mapped.some((item, index) => item !== array[index]) ? mapped : array;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return truncateFields(value, maxChars);
}
