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

export function createPromptStopper(deps: {
  readonly speaker: PromptSpeaker;
  readonly controls: CallControls;
  readonly playback: PromptPlayback;
  readonly metrics: CallMetrics;
  readonly logger: Logger;
}): PromptStopper {
  const { speaker, controls, playback } = deps;
  return {
    bargeIn(cause) {
      deps.metrics.bargeIn();
      speaker.stop();
      const droppedBytes = controls.cancelAudio();
      controls.sendEvent(BARGE_IN_EVENT);
      playback.stop();
      deps.logger.info({ cause, droppedBytes }, 'barge-in');
    },
    silence() {
      speaker.stop();
      controls.cancelAudio();
      playback.stop();
    },
  };
}
