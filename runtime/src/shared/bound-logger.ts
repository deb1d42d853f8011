import { writesLevel, type Logger, type LogLevel } from './logger.js';

/**
 * A logger that adds fixed fields (a session's ids) to every line it writes, and whose children
 * add theirs, all on one target logger. The lines are those of a pino child with the same bindings.
 *
 * Why not a pino child: a child holds its bindings' JSON and its own level methods, about 1 KB of
 * heap for as long as its call lasts, where this is a few dozen bytes. The price is merging the
 * bindings into each line written (only lines at a level the target writes), and a session writes a
 * few lines at `info` (none at `warn`).
 */
export class BoundLogger implements Logger {
  constructor(
    private readonly target: Logger,
    private readonly bindings: object,
  ) {}

  isLevelEnabled(level: LogLevel): boolean {
    return writesLevel(this.target, level);
  }
  trace(fields: object, msg: string): void {
    if (this.isLevelEnabled('trace')) this.target.trace(this.with(fields), msg);
  }
  debug(fields: object, msg: string): void {
    if (this.isLevelEnabled('debug')) this.target.debug(this.with(fields), msg);
  }
  info(fields: object, msg: string): void {
    if (this.isLevelEnabled('info')) this.target.info(this.with(fields), msg);
  }
  warn(fields: object, msg: string): void {
    if (this.isLevelEnabled('warn')) this.target.warn(this.with(fields), msg);
  }
  error(fields: object, msg: string): void {
    if (this.isLevelEnabled('error')) this.target.error(this.with(fields), msg);
  }
  child(bindings: object): Logger {
    return new BoundLogger(this.target, { ...this.bindings, ...bindings });
  }

  /** A line's own field wins over a binding of the same name (a pino child would write both). */
  private with(fields: object): object {
    return { ...this.bindings, ...fields };
  }
}
