/** The levels a line is written at. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * The logging surface the runtime depends on: a subset of pino's, so code can be handed pino (or a
 * session's BoundLogger over it) in production and a capturing logger in tests. Fields first, constant message second.
 */
export interface Logger {
  /**
   * Whether a line at `level` would be written (pino's own method). Wrappers ask it before building
   * a line's fields or counting it; absent means every level is written.
   */
  isLevelEnabled?(level: LogLevel): boolean;
  trace(fields: object, msg: string): void;
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
  child(bindings: object): Logger;
}

/** Whether `logger` writes lines at `level`: a logger without `isLevelEnabled` writes every level. */
export function writesLevel(logger: Logger, level: LogLevel): boolean {
  return logger.isLevelEnabled?.(level) ?? true;
}

/** A logger that drops everything; for tools and tests that do not inspect logs. */
export const silentLogger: Logger = {
  isLevelEnabled: () => false,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
