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
  return new TrackedPromptPlayback(controls, clock, graceMs, onChange);
}

/** A class: one per call, and an object literal with a getter would be a dictionary-mode object. */
class TrackedPromptPlayback implements PromptPlayback {
  private playing = false;
  private playingInterruptible = true;
  private sendPending = false;
  private waiters: (() => void)[] = [];
  private cancelFallback: Cancel | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly controls: CallControls,
    private readonly clock: Clock,
    private readonly graceMs: number,
    private readonly onChange: (playing: boolean, interruptible: boolean) => void,
  ) {
    this.unsubscribe = controls.onAudioDrained(() => this.audioDrained());
  }

  get active(): boolean {
    return this.playing;
  }

  get interruptible(): boolean {
    return this.playingInterruptible;
  }

  audioQueued(isInterruptible: boolean): void {
    const changed = !this.playing || this.playingInterruptible !== isInterruptible;
    this.playing = true;
    this.sendPending = true;
    this.playingInterruptible = isInterruptible;
    this.cancelFallback?.();
    this.cancelFallback = undefined;
    if (changed) this.onChange(true, isInterruptible);
  }

  playbackCompleted(): void {
    if (this.playing && !this.sendPending) this.stop();
  }

  stop(): void {
    this.cancelFallback?.();
    this.cancelFallback = undefined;
    const wasActive = this.playing;
    this.playing = false;
    this.sendPending = false;
    if (wasActive) this.onChange(false, this.playingInterruptible);
    const resolved = this.waiters;
    this.waiters = [];
    for (const resolve of resolved) resolve();
  }

  done(): Promise<void> {
    if (!this.playing) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  dispose(): void {
    this.unsubscribe();
    this.stop();
  }

  /** Everything handed over has been sent: playback ends once it has played, or after the grace period. */
  private audioDrained(): void {
    if (!this.playing) return;
    this.sendPending = false;
    this.cancelFallback?.();
    this.cancelFallback = this.clock.setTimer(this.controls.audioAheadMs + this.graceMs, () => this.stop());
  }
}
