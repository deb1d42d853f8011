import { AppError } from '../shared/errors.js';

/**
 * The output variables every bot hands back to the Architect flow when it ends a call, and the
 * names a flow author can branch on. Values are strings (Architect's Call Audio Connector outputs).
 */

/** How the conversation ended, from the Architect flow's point of view. */
export type BotOutcome =
  /** The bot finished the caller's task itself (or the caller said goodbye). */
  | 'completed'
  /** The caller should be transferred; `transferTo` names where. */
  | 'transfer'
  /** The bot could not help (too many no-matches or no-inputs, or a failing dependency). */
  | 'fallback';

/** Every {@link BotOutcome}, for schemas. */
export const BOT_OUTCOMES = ['completed', 'transfer', 'fallback'] as const satisfies readonly BotOutcome[];

/** Output variable names with a meaning shared by all bots (see docs/bots.md). */
export const OUTPUT_VARIABLES = {
  botOutcome: 'botOutcome',
  intent: 'intent',
  transferTo: 'transferTo',
} as const;

/** Whether `value` is one of the {@link BotOutcome} strings. */
export function isBotOutcome(value: string): value is BotOutcome {
  return (BOT_OUTCOMES as readonly string[]).includes(value);
}

/**
 * Adds `botOutcome` to the final output variables unless it is already set: `transfer` when the
 * variables name a `transferTo`, `completed` otherwise. The bot's own choice always wins, so a
 * fallback ending stays a fallback even if it carries a transfer target.
 */
export function withBotOutcome(
  variables: Readonly<Record<string, string>>,
  outcome?: BotOutcome,
): Readonly<Record<string, string>> {
  const existing = variables[OUTPUT_VARIABLES.botOutcome];
  const chosen =
    outcome ??
    (existing !== undefined && isBotOutcome(existing)
      ? existing
      : variables[OUTPUT_VARIABLES.transferTo] !== undefined && variables[OUTPUT_VARIABLES.transferTo] !== ''
        ? 'transfer'
        : 'completed');
  return { ...variables, [OUTPUT_VARIABLES.botOutcome]: chosen };
}

/**
 * Why the session ended a call on a failing dependency: `capacity` when the service refused for
 * quota or throttling (a Transcribe `LimitExceededException`, a Polly `ThrottlingException`: the
 * adapters classify both as `throttled`), `error` otherwise. Looks through `cause` chains, since the
 * call wraps adapter errors.
 */
export function fallbackReasonFor(error: unknown): 'capacity' | 'error' {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof AppError) return current.category === 'throttled' ? 'capacity' : 'error';
  }
  return 'error';
}
