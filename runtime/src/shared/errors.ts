import type { ErrorCode } from './error-codes.js';

/** An expected failure, returned in a Result: a registered code, a detail for logs, a field path. */
export interface Problem {
  readonly code: ErrorCode;
  /** For logs only: never sent to the peer, never holds secrets or caller data. */
  readonly detail?: string;
  /** Where in the input the problem is, e.g. `parameters.media[0].rate`. */
  readonly path?: string;
}

export function problem(code: ErrorCode, detail?: string, path?: string): Problem {
  return { code, ...(detail === undefined ? {} : { detail }), ...(path === undefined ? {} : { path }) };
}

/** How a dependency failed, as the orchestrator needs to know it (after PC's ErrorCategory). */
export type FailureCategory = 'auth' | 'throttled' | 'unavailable' | 'invalidRequest' | 'internal';

/** Retry is worth it for passing conditions only; decided here, once. */
export function isRetryable(category: FailureCategory): boolean {
  return category === 'throttled' || category === 'unavailable';
}

/** An operational failure of a dependency, thrown by adapters; SDK errors never cross a port. */
export class AppError extends Error {
  readonly code: string;
  readonly category: FailureCategory;
  /**
   * The external dependency that failed, when it is not the one the caller already knows of (e.g.
   * `bedrock` behind a bot turn): the call reports it as `failedDependency`.
   */
  readonly dependency: string | undefined;

  constructor(code: string, message: string, options: { category: FailureCategory; cause?: unknown; dependency?: string }) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.category = options.category;
    this.dependency = options.dependency;
  }
}

/** Turns any thrown value into an Error (after GR's normalizeError). */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
