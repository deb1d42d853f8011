import type { WebSocket } from 'ws';
import type { AuthenticatedPeer } from '../auth/ports.js';
import type { SessionOptions } from '../protocol/index.js';
import type { Clock } from '../shared/clock.js';
import { BoundLogger } from '../shared/bound-logger.js';
import type { Logger } from '../shared/logger.js';
import { createThrottledLogger, SESSION_LOG_BUDGET } from '../shared/throttled-logger.js';
import { createAudioHookSession, type AudioHookSession, type InboundLimits, type SessionSummary } from '../session/audiohook-session.js';
import type { OutboundWriterFactory } from '../session/outbound-writer.js';
import type { CallHandlerFactory } from '../session/ports.js';
import type { CallRecordings } from '../session/call-recording.js';
import { bindSocketToSession, toSessionSocket } from './connection.js';

/** What every session of the server is built with. */
export interface SessionRegistryDeps {
  readonly session: SessionOptions;
  /** Per-connector session options (e.g. the media a connector's bot can use); default `session`. */
  readonly sessionOptionsFor?: (connectorId: string) => SessionOptions;
  readonly inboundLimits: InboundLimits;
  readonly closingBudgetMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly createWriter: OutboundWriterFactory;
  readonly createCall?: CallHandlerFactory;
  /** Records the calls that should be; absent = none. */
  readonly recordings?: CallRecordings;
  readonly onSessionCountChange?: (activeSessions: number) => void;
  readonly onSessionEnded?: (summary: SessionSummary) => void;
}

/** The live sessions of one server and their sockets. */
export interface SessionRegistry {
  start(ws: WebSocket, peer: AuthenticatedPeer, connectorId: string): void;
  /** Resolves true once no session is live, or false after `timeoutMs`. */
  whenEmpty(timeoutMs: number): Promise<boolean>;
  shutdownAll(): void;
  terminateAll(): void;
  readonly size: number;
}

export function createSessionRegistry(deps: SessionRegistryDeps): SessionRegistry {
  const { clock, logger } = deps;
  const sessions = new Set<AudioHookSession>();
  const sockets = new Set<WebSocket>();
  let emptied: (() => void) | undefined;

  function start(ws: WebSocket, peer: AuthenticatedPeer, connectorId: string): void {
    // One budget per session: a hostile peer cannot flood the log, and every string it sends is cut.
    // Bound fields rather than a pino child: a child per session holds about 1 KB for the call.
    const base = new BoundLogger(logger, {
      sessionId: peer.sessionId,
      correlationId: peer.correlationId,
      orgId: peer.organizationId,
      connectorId,
      key: peer.keyFingerprint,
    });
    const log = createThrottledLogger(base, SESSION_LOG_BUDGET, clock);
    log.info({ signed: peer.signed }, 'upgrade accepted');
    sockets.add(ws);
    const session = createAudioHookSession({
      socket: toSessionSocket(ws),
      identity: { sessionId: peer.sessionId, organizationId: peer.organizationId, correlationId: peer.correlationId, connectorId },
      options: deps.sessionOptionsFor?.(connectorId) ?? deps.session,
      inboundLimits: deps.inboundLimits,
      closingBudgetMs: deps.closingBudgetMs,
      clock,
      logger: log,
      // The summary line always gets through, after the count of what the budget held back.
      summaryLogger: { flush: () => log.flush(), logger: base },
      createWriter: deps.createWriter,
      ...(deps.createCall === undefined ? {} : { createCall: deps.createCall }),
      ...(deps.recordings === undefined ? {} : { recordings: deps.recordings }),
      onEnded: (summary) => {
        sessions.delete(session);
        sockets.delete(ws);
        deps.onSessionCountChange?.(sessions.size);
        deps.onSessionEnded?.(summary);
        if (sessions.size === 0) emptied?.();
      },
    });
    sessions.add(session);
    deps.onSessionCountChange?.(sessions.size);
    bindSocketToSession(ws, session, log);
  }

  return {
    start,
    whenEmpty(timeoutMs) {
      if (sessions.size === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const cancel = clock.setTimer(timeoutMs, () => resolve(sessions.size === 0));
        emptied = () => {
          cancel();
          resolve(true);
        };
      });
    },
    shutdownAll() {
      for (const session of sessions) session.shutdown();
    },
    terminateAll() {
      for (const ws of sockets) ws.terminate();
    },
    get size() {
      return sessions.size;
    },
  };
}
