import type { FailureCategory } from '../shared/errors.js';

/**
 * Codes of the AppErrors bots throw from `turn()`. The orchestrator branches on the category; the
 * code lets logs group failures (a timeout and a refused connection are both `unavailable`).
 */
export const BOT_ERROR_CODES = {
  auth: 'ERR_BOT_AUTH',
  throttled: 'ERR_BOT_THROTTLED',
  unavailable: 'ERR_BOT_UNAVAILABLE',
  timeout: 'ERR_BOT_TIMEOUT',
  invalidRequest: 'ERR_BOT_INVALID_REQUEST',
  invalidResponse: 'ERR_BOT_INVALID_RESPONSE',
  internal: 'ERR_BOT_INTERNAL',
} as const satisfies Record<FailureCategory | 'timeout' | 'invalidResponse', string>;

/** One of the {@link BOT_ERROR_CODES}. */
export type BotErrorCode = (typeof BOT_ERROR_CODES)[keyof typeof BOT_ERROR_CODES];
