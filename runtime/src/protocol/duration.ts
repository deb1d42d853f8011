import { err, ok, type Result } from '../shared/result.js';

/** AudioHook durations are ISO-8601 seconds only: `PT0S`, `PT0.2S`, `PT12.34S` (§2.4). */
const DURATION_PATTERN = /^PT(\d*\.)?\d+S$/;

/** Parses an AudioHook duration to milliseconds (fractional milliseconds kept). */
export function parseDuration(text: string): Result<number, 'invalid'> {
  if (!DURATION_PATTERN.test(text)) return err('invalid');
  const seconds = Number(text.slice(2, -1));
  return Number.isFinite(seconds) ? ok(seconds * 1000) : err('invalid');
}

/** Formats milliseconds as an AudioHook duration with at most millisecond precision. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`duration must be a finite non-negative number: ${ms}`);
  const seconds = Math.round(ms) / 1000;
  return `PT${seconds.toString()}S`;
}

/** True if `text` is a valid AudioHook duration. */
export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text);
}
