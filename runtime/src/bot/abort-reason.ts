/**
 * The error a turn rejects with when its signal aborted: the signal's own reason when it is an
 * Error (so the orchestrator recognises its own barge-in or hang-up), else a plain wrapper.
 */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted', { cause: signal.reason });
}
