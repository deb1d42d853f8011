/**
 * Auth ports: what the upgrade authenticator needs from a key source, and what it hands back to the
 * server. Domain types only; nothing here names an SDK or `node:http` type.
 */

/** The answer of a {@link KeyStore} for one API key. */
export type KeyLookup =
  /** The key is configured. `clientSecret` is the base64-decoded secret; empty = unsigned requests allowed. */
  | { readonly status: 'found'; readonly clientSecret: Uint8Array }
  /** The key is not configured (after any refresh the store chose to make). */
  | { readonly status: 'unknown' }
  /** No keys are loaded yet (cold-start failure); `reason` is safe to log and holds no secret. */
  | { readonly status: 'unavailable'; readonly reason: string };

/** Whether a key store can answer lookups; `reason` is safe to log and to show on a health route. */
export type KeyStoreReadiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * Source of API keys and their client secrets. Owned by the composition root, which calls `start()`
 * once before listening and `stop()` on shutdown. `lookup` never rejects.
 */
export interface KeyStore {
  lookup(apiKey: string): Promise<KeyLookup>;
  readiness(): KeyStoreReadiness;
  /** Initial load; resolves even if loading failed (then not ready, and it retries in the background). */
  start(): Promise<void>;
  /** Cancels timers; lookups still answer from what is cached. */
  stop(): void;
}

/** The parts of an HTTP upgrade request that authentication reads. */
export interface UpgradeRequest {
  /** Raw request-target (path plus query) exactly as received, e.g. `/audiohook/bot1?x=1`. */
  readonly url: string;
  /** Header fields with lower-case names, as `node:http` gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** Who connected: the outcome of a successful upgrade authentication. Holds nothing secret. */
export interface AuthenticatedPeer {
  /** Non-secret identifier of the API key, for logs and metrics (see `fingerprintApiKey`). */
  readonly keyFingerprint: string;
  /** Audiohook-Organization-Id (a UUID), checked later against `open.parameters.organizationId`. */
  readonly organizationId: string;
  /** Audiohook-Session-Id (a UUID); every message `id` must equal it. */
  readonly sessionId: string;
  /** Audiohook-Correlation-Id (a UUID) for tracing. */
  readonly correlationId: string;
  /** True when the request carried a verified HTTP message signature. */
  readonly signed: boolean;
}
