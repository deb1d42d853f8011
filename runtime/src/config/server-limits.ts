/**
 * Limits the runtime and the CDK stack must agree on. `lib/` imports this file (constants only), so
 * the load balancer, the task definition and the server are set from one place.
 */

/**
 * The ALB's idle timeout. A WebSocket carries a ping every 5 s, so this only ends connections a
 * peer abandoned; it also bounds how long an idle keep-alive HTTP connection stays open.
 */
export const ALB_IDLE_TIMEOUT_SECONDS = 300;

/** How much longer than the ALB idle timeout the server keeps an idle keep-alive connection. */
export const KEEP_ALIVE_MARGIN_MS = 5_000;

/**
 * The server's keep-alive timeout for a load balancer idle timeout: longer, so the load balancer
 * always closes an idle connection first and never sends a request down a socket the server is
 * closing (a documented cause of intermittent 502s behind an ALB).
 */
export function keepAliveTimeoutMsFor(idleTimeoutSeconds: number): number {
  return idleTimeoutSeconds * 1_000 + KEEP_ALIVE_MARGIN_MS;
}

/** Open files per task (`ulimits` nofile, soft and hard), set explicitly in the task definition. */
export const TASK_NOFILE_LIMIT = 65_536;

/**
 * Default cap on open client sockets (upgraded or not). Well below {@link TASK_NOFILE_LIMIT}: each
 * call may also hold outbound sockets (Transcribe, Polly, DynamoDB, a webhook bot), and the
 * process needs descriptors for its own files; past the cap a new connection is refused at once
 * instead of the kernel resetting upgrades when descriptors run out.
 */
export const DEFAULT_MAX_CONNECTIONS = 10_000;

/**
 * Connections the kernel queues for the server to accept (`listen` backlog; Linux caps it at
 * `net.core.somaxconn`, 4096 on current kernels). Node's default, 511, overflows when a burst of
 * calls meets a busy event loop: the kernel drops the excess and the client retries its SYN 1, 3 and
 * 7 s later, by which time the upgrade's signature is too old and is refused.
 */
export const LISTEN_BACKLOG = 4_096;
