import type { Logger } from '../shared/logger.js';
import type { CallMetrics } from './call-metrics.js';
import type { BargeInCause } from './call-types.js';
import type { CallControls } from './ports.js';
import type { PromptPlayback } from './prompt-playback.js';
import type { PromptSpeaker } from './prompt-speaker.js';

const BARGE_IN_EVENT = [{ type: 'barge_in', data: {} }] as const;

/**
 * Stops the bot's prompt. The call state machine decides when (only a playing, interruptible prompt
 * in a phase that hears the caller); this carries it out.
 */
export interface PromptStopper {
  /** The caller interrupted: stop synthesis, drop queued audio, tell Genesys to flush its buffer (`barge_in`). */
  bargeIn(cause: BargeInCause): void;
  /** The call is ending: stop and drop the prompt without a `barge_in` event. */
  silence(): void;
}

export interface PromptStopperDeps {
  readonly speaker: PromptSpeaker;
  readonly controls: CallControls;
  readonly playback: PromptPlayback;
  readonly metrics: CallMetrics;
  readonly logger: Logger;
}

export function createPromptStopper(deps: PromptStopperDeps): PromptStopper {
  return new CallPromptStopper(deps);
}

/** A class, not closures: one per call, for every call. */
class CallPromptStopper implements PromptStopper {
  constructor(private readonly deps: PromptStopperDeps) {}

  bargeIn(cause: BargeInCause): void {
    const { deps } = this;
    deps.metrics.bargeIn();
    deps.speaker.stop();
    const droppedBytes = deps.controls.cancelAudio();
    deps.controls.sendEvent(BARGE_IN_EVENT);
    deps.playback.stop();
    deps.logger.info({ cause, droppedBytes }, 'barge-in');
  }

  silence(): void {
    const { deps } = this;
    deps.speaker.stop();
    deps.controls.cancelAudio();
    deps.playback.stop();
  }
}
