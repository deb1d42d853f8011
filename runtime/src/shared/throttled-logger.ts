import type { Clock } from './clock.js';
import { writesLevel, type Logger, type LogLevel } from './logger.js';

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
  /** A child under the same budget. */
  child(bindings: object): ThrottledLogger;
}

/** The window accounting that a throttled logger and all its children share. */
class LineBudget {
  private windowStart: number;
  private used = 0;
  private pending = 0;
  total = 0;

  constructor(
    readonly budget: LogBudget,
    private readonly clock: Clock,
    private readonly target: Logger,
  ) {
    this.windowStart = clock.now();
  }

  admit(): boolean {
    const now = this.clock.now();
    if (now - this.windowStart >= this.budget.windowMs) {
      this.flushTo(this.target);
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.budget.maxLinesPerWindow) {
      this.pending += 1;
      this.total += 1;
      return false;
    }
    this.used += 1;
    return true;
  }

  flushTo(logger: Logger): void {
    if (this.pending === 0) return;
    logger.warn({ suppressed: this.pending, windowMs: this.budget.windowMs }, 'log lines suppressed');
    this.pending = 0;
  }
}

/**
 * One logger under a shared {@link LineBudget}. A class, not closures: every session holds one and
 * each of its components a child, so the methods live once on the prototype.
 */
class ThrottledChild implements ThrottledLogger {
  constructor(
    private readonly logger: Logger,
    private readonly lines: LineBudget,
  ) {}

  isLevelEnabled(level: LogLevel): boolean {
    return writesLevel(this.logger, level);
  }
  trace(fields: object, msg: string): void {
    this.write('trace', fields, msg);
  }
  debug(fields: object, msg: string): void {
    this.write('debug', fields, msg);
  }
  info(fields: object, msg: string): void {
    this.write('info', fields, msg);
  }
  warn(fields: object, msg: string): void {
    this.write('warn', fields, msg);
  }
  error(fields: object, msg: string): void {
    this.write('error', fields, msg);
  }
  child(bindings: object): ThrottledLogger {
    return new ThrottledChild(this.logger.child(truncateFields(bindings, this.lines.budget.maxStringChars)), this.lines);
  }
  flush(): void {
    this.lines.flushTo(this.logger);
  }
  get suppressed(): number {
    return this.lines.total;
  }

  /** Lines at a level the target does not write spend no budget: they could never flood the log. */
  private write(level: LogLevel, fields: object, msg: string): void {
    if (this.isLevelEnabled(level) && this.lines.admit()) this.logger[level](truncateFields(fields, this.lines.budget.maxStringChars), msg);
  }
}

/**
 * Wraps a logger so one source (a session, a refusing listener) cannot flood the log: at most
 * `maxLinesPerWindow` lines per window pass, the rest are counted, and one `log lines suppressed`
 * line with the count replaces them when the next window opens or at `flush()`. Every string
 * field is cut to `maxStringChars`, so a client's 64 KB `type` never reaches the log whole.
 * Children share the parent's budget.
 */
export function createThrottledLogger(target: Logger, budget: LogBudget, clock: Clock): ThrottledLogger {
  return new ThrottledChild(target, new LineBudget(budget, clock, target));
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
