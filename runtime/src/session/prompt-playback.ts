import type { Cancel, Clock } from '../shared/clock.js';
import type { CallControls } from './ports.js';

/**
 * Tracks whether the caller is hearing the bot: from the first prompt audio handed to the sender until
 * Genesys reports `playback_completed` after everything was sent, or, should that report never come,
 * until the audio's remaining play time plus a grace period has passed. Barge-in ends it at once
 * (Genesys flushes its buffer on the `barge_in` event).
 */
export interface PromptPlayback {
  /** Bot audio was handed to the sender. */
  audioQueued(interruptible: boolean): void;
  /** The caller's side reported `playback_completed`. */
  playbackCompleted(): void;
  /** Barge-in or hang-up: playback is over now. */
  stop(): void;
  /** Resolves when the caller has heard everything queued so far (at once if nothing is playing). */
  done(): Promise<void>;
  readonly active: boolean;
  /** Whether the prompt now playing may be interrupted by the caller. */
  readonly interruptible: boolean;
  dispose(): void;
}

/**
 * `onChange` hears each start and end of playback (and a change of interruptibility), so the call
 * knows when the bot is speaking; it is not called for every chunk.
 */
export function createPromptPlayback(
  controls: CallControls,
  clock: Clock,
  graceMs: number,
  onChange: (playing: boolean, interruptible: boolean) => void = () => undefined,
): PromptPlayback {
  let active = false;
  let interruptible = true;
  let sendPending = false;
  let waiters: (() => void)[] = [];
  let cancelFallback: Cancel | undefined;

  const finish = (): void => {
    cancelFallback?.();
    cancelFallback = undefined;
    const wasActive = active;
    active = false;
    sendPending = false;
    if (wasActive) onChange(false, interruptible);
    const resolved = waiters;
    waiters = [];
    for (const resolve of resolved) resolve();
  };

  const unsubscribe = controls.onAudioDrained(() => {
    if (!active) return;
    sendPending = false;
    cancelFallback?.();
    cancelFallback = clock.setTimer(controls.audioAheadMs + graceMs, finish);
  });

  return {
    audioQueued(isInterruptible) {
      const changed = !active || interruptible !== isInterruptible;
      active = true;
      sendPending = true;
      interruptible = isInterruptible;
      cancelFallback?.();
      cancelFallback = undefined;
      if (changed) onChange(true, isInterruptible);
    },
    playbackCompleted() {
      if (active && !sendPending) finish();
    },
    stop: finish,
    done() {
      if (!active) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    get active() {
      return active;
    },
    get interruptible() {
      return interruptible;
    },
    dispose() {
      unsubscribe();
      finish();
    },
  };
}
