import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AuthenticatedPeer } from '../auth/ports.js';
import { delay, type Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SessionOptions } from '../protocol/index.js';
import { createAudioHookSession, type AudioHookSession, type SessionSummary } from '../session/audiohook-session.js';
import type { OutboundWriterFactory } from '../session/outbound-writer.js';
import type { CallHandlerFactory } from '../session/ports.js';
import { bindSocketToSession, toSessionSocket } from './connection.js';
import { errorBody, refuseUpgrade, sendJson } from './http-response.js';
import { routeRequest } from './routes.js';
import { decideUpgrade, type UpgradeGateDeps } from './upgrade.js';

/** Limits and timings of the HTTP/WebSocket server (a slice of Config). */
export interface HttpServerOptions {
  readonly maxSessions: number;
  readonly authFailureDelayMs: number;
  /** Largest WebSocket message accepted; larger ones close the socket with 1009. */
  readonly maxPayloadBytes: number;
  /** Time allowed for the request headers (slow-loris defence). */
  readonly headersTimeoutMs: number;
  readonly session: SessionOptions;
  readonly closingBudgetMs: number;
}

/** A plain-HTTP route handler plugged in by the composition root (the Data Action route). */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HttpServerDeps {
  readonly options: HttpServerOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly authenticate: UpgradeGateDeps['authenticate'];
  readonly connectors: UpgradeGateDeps['connectors'];
  /** Whether API keys are loaded; reported by /health. */
  readonly keysReadiness: () => { readonly ready: true } | { readonly ready: false; readonly reason: string };
  readonly createWriter: OutboundWriterFactory;
  /** Session options of one connector (its languages and media); absent = `options.session` for all. */
  readonly sessionOptionsFor?: (connectorId: string) => SessionOptions;
  readonly createCall?: CallHandlerFactory;
  readonly dataAction?: HttpHandler;
  /** Told whenever the number of live sessions changes (task protection, metrics). */
  readonly onSessionCountChange?: (activeSessions: number) => void;
  readonly onSessionEnded?: (summary: SessionSummary) => void;
}

export interface AudioHookServer {
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops taking sessions, lets live ones run until they end or `timeoutMs` passes, then ends the
   * rest with a proper disconnect and close transaction, and closes the server.
   */
  drain(timeoutMs: number): Promise<void>;
  readonly activeSessions: number;
  readonly draining: boolean;
}

export function createAudioHookServer(deps: HttpServerDeps): AudioHookServer {
  const { clock, logger, options } = deps;
  const sessions = new Set<AudioHookSession>();
  const sockets = new Set<WebSocket>();
  let draining = false;
  let emptied: (() => void) | undefined;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const gate: UpgradeGateDeps = {
    authenticate: deps.authenticate,
    connectors: deps.connectors,
    clock,
    logger,
    authFailureDelayMs: options.authFailureDelayMs,
    isDraining: () => draining,
    hasCapacity: () => sessions.size < options.maxSessions,
  };

  const server: Server = createServer({
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.headersTimeoutMs * 3,
    // Node enforces both timeouts only when it sweeps connections, by default every 30 s: a
    // slow-loris client would hold its socket for up to headersTimeout + 30 s. Sweep often enough
    // that the limit holds within a quarter of itself (at most 1 s late).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(options.headersTimeoutMs / 4))),
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    onRequest(req, res).catch((error: unknown) => {
      logger.error({ err: toError(error) }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, errorBody('ERR_HTTP_INTERNAL', 'Internal error'));
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A peer can reset the socket while we authenticate; without a listener that would crash the process.
    socket.on('error', (error) => logger.debug({ err: error.message }, 'upgrade socket error'));
    onUpgrade(req, socket, head).catch((error: unknown) => {
      logger.error({ err: toError(error) }, 'upgrade failed');
      refuseUpgrade(socket, 500, errorBody('ERR_HTTP_INTERNAL', 'Internal error'));
    });
  });

  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    logger.debug({ code: error.code }, 'http client error');
    if (socket.writable) {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
  });

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = routeRequest(req.url ?? '/');
    switch (route.kind) {
      case 'health':
        if (req.method !== 'GET' && req.method !== 'HEAD') return void sendJson(res, 405, errorBody('ERR_HTTP_METHOD_NOT_ALLOWED', 'Method not allowed'), { allow: 'GET, HEAD' });
        return void health(res);
      case 'dataAction':
        if (deps.dataAction === undefined) break;
        if (draining) return void sendJson(res, 503, errorBody('ERR_SERVER_DRAINING', 'Server is shutting down'), { 'retry-after': '5' });
        return deps.dataAction(req, res);
      case 'audiohook':
        return void sendJson(res, 426, errorBody('ERR_UPGRADE_REQUIRED', 'WebSocket upgrade required'), { upgrade: 'websocket' });
      case 'notFound':
        break;
    }
    sendJson(res, 404, errorBody('ERR_HTTP_NOT_FOUND', 'Not found'));
  }

  function health(res: ServerResponse): void {
    const keys = deps.keysReadiness();
    if (draining) return sendJson(res, 503, { status: 'draining', activeSessions: sessions.size });
    if (!keys.ready) return sendJson(res, 503, { status: 'unavailable', reason: keys.reason, activeSessions: sessions.size });
    sendJson(res, 200, { status: 'ok', activeSessions: sessions.size });
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (req.method !== 'GET' || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuseUpgrade(socket, 400, errorBody('ERR_UPGRADE_NOT_WEBSOCKET', 'Not a WebSocket upgrade'));
    }
    const decision = await decideUpgrade(req, gate);
    if (!decision.accept) return refuseUpgrade(socket, decision.status, decision.body, decision.headers);
    // The drain flag or the session count may have changed while we authenticated.
    if (draining || sessions.size >= options.maxSessions || socket.destroyed) {
      return refuseUpgrade(socket, 503, errorBody(draining ? 'ERR_SERVER_DRAINING' : 'ERR_SERVER_AT_CAPACITY', 'Unavailable'), { 'Retry-After': '5' });
    }
    wss.handleUpgrade(req, socket, head, (ws) => startSession(ws, decision.peer, decision.connectorId));
  }

  function startSession(ws: WebSocket, peer: AuthenticatedPeer, connectorId: string): void {
    const log = logger.child({
      sessionId: peer.sessionId,
      correlationId: peer.correlationId,
      orgId: peer.organizationId,
      connectorId,
      key: peer.keyFingerprint,
    });
    log.info({ signed: peer.signed }, 'upgrade accepted');
    sockets.add(ws);
    const session = createAudioHookSession({
      socket: toSessionSocket(ws),
      identity: {
        sessionId: peer.sessionId,
        organizationId: peer.organizationId,
        correlationId: peer.correlationId,
        connectorId,
      },
      options: deps.sessionOptionsFor?.(connectorId) ?? options.session,
      closingBudgetMs: options.closingBudgetMs,
      clock,
      logger: log,
      createWriter: deps.createWriter,
      ...(deps.createCall === undefined ? {} : { createCall: deps.createCall }),
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

  function whenEmpty(timeoutMs: number): Promise<boolean> {
    if (sessions.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const cancel = clock.setTimer(timeoutMs, () => resolve(sessions.size === 0));
      emptied = () => {
        cancel();
        resolve(true);
      };
    });
  }

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async drain(timeoutMs) {
      draining = true;
      logger.info({ activeSessions: sessions.size, timeoutMs }, 'draining');
      if (!(await whenEmpty(timeoutMs))) {
        logger.warn({ activeSessions: sessions.size }, 'drain timeout: ending live sessions');
        for (const session of sessions) session.shutdown();
        // Each ended session gets its close transaction: the client's `close`, our `closed`, its socket close.
        const graceMs = options.session.closeTimeoutMs + options.session.lingerMs + 1_000;
        if (!(await whenEmpty(graceMs))) {
          logger.warn({ activeSessions: sessions.size }, 'terminating sockets that did not close');
          for (const ws of sockets) ws.terminate();
          await delay(clock, 50);
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      wss.close();
      logger.info({}, 'drained');
    },
    get activeSessions() {
      return sessions.size;
    },
    get draining() {
      return draining;
    },
  };
}
