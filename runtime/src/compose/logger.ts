import { pino } from 'pino';
import type { Logger } from '../shared/logger.js';

/**
 * Header and field paths that may carry credentials. pino replaces them before a line is written, so
 * a careless `log.info({ headers })` still cannot leak a key.
 */
export const REDACTED_PATHS = [
  'headers["x-api-key"]',
  'headers.signature',
  'headers["signature-input"]',
  'headers.authorization',
  '*.clientSecret',
  'clientSecret',
  'apiKey',
  '*.apiKey',
];

/** The root logger: JSON lines on stdout, secrets redacted. */
export function createRootLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'audiohook-voicebot' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
