import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { delay, type Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SessionOptions } from '../protocol/index.js';
import { ALB_IDLE_TIMEOUT_SECONDS, DEFAULT_MAX_CONNECTIONS, keepAliveTimeoutMsFor, LISTEN_BACKLOG } from '../config/server-limits.js';
import type { SessionSummary } from '../session/audiohook-session.js';
import { DEFAULT_INBOUND_LIMITS, type InboundLimits } from '../session/inbound-guard.js';
import type { OutboundWriterFactory } from '../session/outbound-writer.js';
import type { CallHandlerFactory } from '../session/ports.js';
import { createConnectionCap, type ConnectionCap, type ConnectionCapStatus } from './connection-cap.js';
import { errorBody, refuseUpgrade, sendJson } from './http-response.js';
import { routeRequest } from './routes.js';
import type { CallRecordings } from '../session/call-recording.js';
import { createSessionRegistry, type SessionRegistry } from './session-registry.js';
import { decideUpgrade, type UpgradeGateDeps } from './upgrade.js';

/** Limits and timings of the HTTP/WebSocket server (a slice of Config). */
export interface HttpServerOptions {
  readonly maxSessions: number;
  /** Open sockets (upgraded or not) beyond which new connections are refused at once. Default {@link DEFAULT_MAX_CONNECTIONS}. */
  readonly maxConnections?: number;
  readonly authFailureDelayMs: number;
  /** Largest WebSocket message accepted; larger ones close the socket with 1009. */
  readonly maxPayloadBytes: number;
  /** Time allowed for the request headers (slow-loris defence). */
  readonly headersTimeoutMs: number;
  /** Idle keep-alive connections close after this: longer than the load balancer's idle timeout. Default from config/server-limits.ts. */
  readonly keepAliveTimeoutMs?: number;
  readonly session: SessionOptions;
  /** Default {@link DEFAULT_INBOUND_LIMITS}. */
  readonly inboundLimits?: InboundLimits;
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
  /** Records the calls that should be (connector `record` or RECORD_ALL_CALLS); absent = none. */
  readonly recordings?: CallRecordings;
  readonly dataAction?: HttpHandler;
  /** Told whenever the number of live sessions changes (task protection, metrics). */
  readonly onSessionCountChange?: (activeSessions: number) => void;
  readonly onSessionEnded?: (summary: SessionSummary) => void;
  /** Told for every connection refused at the connection cap (metric). */
  readonly onConnectionRefused?: () => void;
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
  readonly connections: ConnectionCapStatus;
}

export function createAudioHookServer(deps: HttpServerDeps): AudioHookServer {
  const { clock, logger, options } = deps;
  let draining = false;
  const registry = createSessionRegistry({ ...deps, ...options, inboundLimits: options.inboundLimits ?? DEFAULT_INBOUND_LIMITS });
  const cap = createConnectionCap({
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    clock,
    logger,
    ...(deps.onConnectionRefused === undefined ? {} : { onRefused: deps.onConnectionRefused }),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes, perMessageDeflate: false, clientTracking: false });
  const acceptedAt = new WeakMap<Duplex, number>();
  const gate: UpgradeGateDeps = {
    authenticate: deps.authenticate,
    connectors: deps.connectors,
    clock,
    logger,
    authFailureDelayMs: options.authFailureDelayMs,
    isDraining: () => draining,
    hasCapacity: () => registry.size < options.maxSessions,
    msSinceAccepted: (req) => {
      const at = acceptedAt.get(req.socket);
      return at === undefined ? undefined : Math.round(clock.now() - at);
    },
  };
  const server = createNodeServer(options);
  server.on('connection', (socket: Socket) => {
    acceptedAt.set(socket, clock.now());
    cap.admit(socket);
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    onRequest(req, res, { deps, cap, registry, isDraining: () => draining }).catch((error: unknown) => {
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
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => answerClientError(error, socket, logger));

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (req.method !== 'GET' || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuseUpgrade(socket, 400, errorBody('ERR_UPGRADE_NOT_WEBSOCKET', 'Not a WebSocket upgrade'));
    }
    // A reserved socket past the connection cap is refused before any work (no authentication).
    if (cap.isHealthOnly(req.socket)) {
      return refuseUpgrade(socket, 503, errorBody('ERR_SERVER_AT_CONNECTION_CAP', 'Unavailable'), { 'Retry-After': '5' });
    }
    const decision = await decideUpgrade(req, gate);
    if (!decision.accept) return refuseUpgrade(socket, decision.status, decision.body, decision.headers);
    // The drain flag or the session count may have changed while we authenticated.
    if (draining || registry.size >= options.maxSessions || socket.destroyed) {
      return refuseUpgrade(socket, 503, errorBody(draining ? 'ERR_SERVER_DRAINING' : 'ERR_SERVER_AT_CAPACITY', 'Unavailable'), { 'Retry-After': '5' });
    }
    wss.handleUpgrade(req, socket, head, (ws) => registry.start(ws, decision.peer, decision.connectorId));
  }

  return {
    listen: (port, host) => listen(server, port, host),
    async drain(timeoutMs) {
      draining = true;
      logger.info({ activeSessions: registry.size, timeoutMs }, 'draining');
      if (!(await registry.whenEmpty(timeoutMs))) {
        logger.warn({ activeSessions: registry.size }, 'drain timeout: ending live sessions');
        registry.shutdownAll();
        // Each ended session gets its close transaction: the client's `close`, our `closed`, its socket close.
        const graceMs = options.session.closeTimeoutMs + options.session.lingerMs + 1_000;
        if (!(await registry.whenEmpty(graceMs))) {
          logger.warn({ activeSessions: registry.size }, 'terminating sockets that did not close');
          registry.terminateAll();
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
      return registry.size;
    },
    get draining() {
      return draining;
    },
    get connections() {
      return cap.status();
    },
  };
}

/**
 * The node:http server with the timeouts that matter behind a load balancer: `keepAliveTimeout`
 * longer than the ALB's idle timeout (config/server-limits.ts), and `headersTimeout` as the
 * slow-loris limit. Node times headers from a request's first byte, so an idle keep-alive
 * connection is governed by `keepAliveTimeout` alone and the short header limit never cuts it.
 */
function createNodeServer(options: HttpServerOptions): Server {
  return createServer({
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.headersTimeoutMs * 3,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? keepAliveTimeoutMsFor(ALB_IDLE_TIMEOUT_SECONDS),
    // Node enforces both timeouts only when it sweeps connections, by default every 30 s: a
    // slow-loris client would hold its socket for up to headersTimeout + 30 s. Sweep often enough
    // that the limit holds within a quarter of itself (at most 1 s late).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(options.headersTimeoutMs / 4))),
  });
}

interface RequestContext {
  readonly deps: HttpServerDeps;
  readonly cap: ConnectionCap;
  readonly registry: SessionRegistry;
  readonly isDraining: () => boolean;
}

async function onRequest(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  const route = routeRequest(req.url ?? '/');
  if (route.kind !== 'health' && ctx.cap.isHealthOnly(req.socket)) {
    res.shouldKeepAlive = false;
    return void sendJson(res, 503, errorBody('ERR_SERVER_AT_CONNECTION_CAP', 'Unavailable'), { 'retry-after': '5' });
  }
  switch (route.kind) {
    case 'health':
      if (req.method !== 'GET' && req.method !== 'HEAD') return void sendJson(res, 405, errorBody('ERR_HTTP_METHOD_NOT_ALLOWED', 'Method not allowed'), { allow: 'GET, HEAD' });
      return void health(res, ctx);
    case 'dataAction':
      if (ctx.deps.dataAction === undefined) break;
      if (ctx.isDraining()) return void sendJson(res, 503, errorBody('ERR_SERVER_DRAINING', 'Server is shutting down'), { 'retry-after': '5' });
      return ctx.deps.dataAction(req, res);
    case 'audiohook':
      return void sendJson(res, 426, errorBody('ERR_UPGRADE_REQUIRED', 'WebSocket upgrade required'), { upgrade: 'websocket' });
    case 'notFound':
      break;
  }
  sendJson(res, 404, errorBody('ERR_HTTP_NOT_FOUND', 'Not found'));
}

/** 200 while serving (at the connection cap too, with `connections.atCap`: the task is busy, not broken). */
function health(res: ServerResponse, ctx: RequestContext): void {
  const keys = ctx.deps.keysReadiness();
  const counts = { activeSessions: ctx.registry.size, connections: ctx.cap.status() };
  if (ctx.isDraining()) return sendJson(res, 503, { status: 'draining', ...counts });
  if (!keys.ready) return sendJson(res, 503, { status: 'unavailable', reason: keys.reason, ...counts });
  sendJson(res, 200, { status: counts.connections.atCap ? 'atConnectionCap' : 'ok', ...counts });
}

function answerClientError(error: Error & { code?: string }, socket: Duplex, logger: Logger): void {
  logger.debug({ code: error.code }, 'http client error');
  if (socket.writable) {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy();
}

function listen(server: Server, port: number, host: string | undefined): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
