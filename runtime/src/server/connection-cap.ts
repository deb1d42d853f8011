import type { Socket } from 'node:net';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { createThrottledLogger } from '../shared/throttled-logger.js';

/** Sockets past the cap that may still ask `/health` (the load balancer's and the container's checks). */
export const HEALTH_RESERVE_CONNECTIONS = 16;

/** What the connection cap reports (on /health and to metrics). */
export interface ConnectionCapStatus {
  readonly open: number;
  readonly max: number;
  /** Connections refused since start. */
  readonly refused: number;
  /** Whether the cap is reached now. */
  readonly atCap: boolean;
}

/**
 * Caps open client sockets, upgraded or not, below the task's file-descriptor limit: past
 * `maxConnections` a new socket is closed at once (no HTTP answer, nothing read), except a few
 * reserved ones that may only ask `/health`. Refusals are counted and logged at most once per 10 s.
 */
export interface ConnectionCap {
  /** Call from the server's `connection` event. */
  admit(socket: Socket): void;
  /** True for a reserved socket past the cap: only `/health` may be answered on it. */
  isHealthOnly(socket: Socket): boolean;
  status(): ConnectionCapStatus;
}

export function createConnectionCap(deps: {
  readonly maxConnections: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onRefused?: () => void;
}): ConnectionCap {
  const { maxConnections } = deps;
  const log = createThrottledLogger(deps.logger, { maxLinesPerWindow: 1, windowMs: 10_000, maxStringChars: 64 }, deps.clock);
  const healthOnly = new WeakSet<Socket>();
  let open = 0;
  let refused = 0;
  return {
    admit(socket) {
      if (open >= maxConnections + HEALTH_RESERVE_CONNECTIONS) {
        refused += 1;
        deps.onRefused?.();
        log.warn({ code: 'ERR_SERVER_AT_CONNECTION_CAP', open, maxConnections, refused }, 'connection refused: at connection cap');
        socket.destroy();
        return;
      }
      if (open >= maxConnections) healthOnly.add(socket);
      open += 1;
      socket.once('close', () => {
        open -= 1;
      });
    },
    isHealthOnly: (socket) => healthOnly.has(socket),
    status: () => ({ open, max: maxConnections, refused, atCap: open >= maxConnections }),
  };
}
