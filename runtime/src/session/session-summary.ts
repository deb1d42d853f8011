import type { Phase } from '../protocol/index.js';
import { ERROR_CODES } from '../shared/error-codes.js';
import type { Problem } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/** The counters logged once per session and handed to the server when it ends. */
export interface SessionSummary {
  readonly outcome: 'closed' | 'socketLost';
  readonly lastPhase: Phase;
  readonly probe: boolean;
  readonly durationMs: number;
  readonly textIn: number;
  readonly textOut: number;
  readonly audioFramesIn: number;
  readonly audioBytesIn: number;
  readonly audioFramesDroppedWhilePaused: number;
  readonly problems: number;
  /** `error 429` reports from Genesys (our sending rate was too high). */
  readonly rateLimited: number;
  /** Client messages ignored after the session was ended for exceeding its inbound limits. */
  readonly inboundIgnored: number;
}

/**
 * Where the one `session ended` line goes when the session's logger is rate-limited: `flush` writes
 * the count of suppressed lines first, then the line goes to the unthrottled `logger`.
 */
export interface SummaryLogger {
  readonly flush: () => void;
  readonly logger: Logger;
}

/** What a session counts while it runs (mutable), for its {@link SessionSummary}. */
export type SessionCounters = ReturnType<typeof newCounters>;

export function newCounters() {
  return { textIn: 0, textOut: 0, audioFramesIn: 0, audioBytesIn: 0, droppedWhilePaused: 0, problems: 0, rateLimited: 0, inboundIgnored: 0 };
}

export function toSummary(
  c: SessionCounters,
  end: Pick<SessionSummary, 'outcome' | 'lastPhase' | 'probe' | 'durationMs'>,
): SessionSummary {
  return {
    ...end,
    textIn: c.textIn,
    textOut: c.textOut,
    audioFramesIn: c.audioFramesIn,
    audioBytesIn: c.audioBytesIn,
    audioFramesDroppedWhilePaused: c.droppedWhilePaused,
    problems: c.problems,
    rateLimited: c.rateLimited,
    inboundIgnored: c.inboundIgnored,
  };
}

/** Counts a problem the state machine reported and logs it, but audio that raced a pause only once. */
export function reportProblem(counters: SessionCounters, logger: Logger, p: Problem): void {
  counters.problems += 1;
  if (p.code === 'ERR_PROTOCOL_AUDIO_WHILE_PAUSED') {
    counters.droppedWhilePaused += 1;
    // Frames can race a pause; one line per session is enough.
    if (counters.droppedWhilePaused > 1) return;
  }
  const wire = ERROR_CODES[p.code].wire;
  logger.warn({ code: p.code, detail: p.detail, path: p.path, wire: wire.kind }, 'protocol problem');
}

/** The logger for a line that must be written past the session's line budget, after the count of lines suppressed so far. */
export function unthrottled(logger: Logger, summaryLogger: SummaryLogger | undefined): Logger {
  summaryLogger?.flush();
  return summaryLogger?.logger ?? logger;
}
