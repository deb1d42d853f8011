import type { Cancel, Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { PromptStopper } from './barge-in.js';
import type { CallMetrics } from './call-metrics.js';
import type { CallRecorder } from './call-recorder.js';
import type { CallEffect, CallInput, CallState } from './call-types.js';
import type { DigitCollector } from './digit-collector.js';
import type { CallControls } from './ports.js';
import type { PromptPlayback } from './prompt-playback.js';
import type { SpeechInput } from './speech-input.js';
import type { TranscriptPublisher } from './transcript-publisher.js';
import type { TurnRunner } from './turn-runner.js';

/** The parts of a call that carry out the state machine's effects. */
export interface CallParts {
  readonly turns: TurnRunner;
  readonly stopper: PromptStopper;
  readonly digits: DigitCollector;
  readonly speech: SpeechInput;
  readonly playback: PromptPlayback;
  readonly controls: CallControls;
  readonly recorder: CallRecorder | undefined;
  readonly metrics: CallMetrics;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Aborted on hang-up: everything in flight stops. */
  readonly callOver: AbortController;
  readonly noInputTimeoutMs: number;
  readonly logCallerData: boolean;
  /** Cancels the maximum-duration timer. */
  readonly cancelMaxDuration: Cancel;
  readonly state: () => CallState;
  readonly dispatch: (input: CallInput) => void;
  /** Present on a Transcription Connector's call. */
  readonly transcripts?: TranscriptPublisher;
}

/** Carries out one effect of the call state machine on the call's parts. */
export function createEffectRunner(parts: CallParts): (effect: CallEffect) => void {
  const { turns, stopper, digits, speech, playback, controls, logger, metrics, clock } = parts;
  let cancelNoInput: Cancel | undefined;
  const stopNoInput = (): void => {
    cancelNoInput?.();
    cancelNoInput = undefined;
  };
  return (effect) => {
    switch (effect.kind) {
      case 'takeTurn':
        return turns.takeTurn(effect.input, effect.receivedAt);
      case 'armNoInput':
        stopNoInput();
        cancelNoInput = clock.setTimer(parts.noInputTimeoutMs, () => parts.dispatch({ kind: 'callerInput', input: { type: 'noInput' } }));
        return;
      case 'cancelNoInput':
        return stopNoInput();
      case 'bargeIn':
        // The turn first: it notes what the caller heard, and a streaming bot's next sentence is never spoken.
        turns.stopTurn();
        return stopper.bargeIn(effect.cause);
      case 'collectDigit':
        if (parts.logCallerData) logger.debug({ digit: effect.digit }, 'caller keyed');
        return digits.press(effect.digit);
      case 'inputDropped':
        return logger.warn({ input: effect.input, pendingTurns: effect.pending }, 'bot is behind: dropping caller input');
      case 'silence':
        turns.stopTurn();
        return stopper.silence();
      case 'degraded':
        logger.error({ dependency: effect.dependency, err: toError(effect.error).message }, 'call degraded: handing back to Architect');
        if (effect.dependency === 'synthesizer') metrics.synthesizerFailure();
        return;
      case 'maxDurationReached':
        return logger.warn({ maxCallDurationMs: effect.maxCallDurationMs }, 'maximum call duration reached');
      case 'playFallback':
        return turns.playFallback(effect.firstAudioWithinMs);
      case 'stopListening':
        stopNoInput();
        parts.cancelMaxDuration();
        digits.cancel();
        return speech.stop();
      case 'record':
        return parts.recorder?.ended({ outcome: effect.outcome, outputVariables: effect.outputVariables, turnCount: effect.turnCount });
      case 'disconnect':
        return controls.disconnect('completed', effect.outputVariables);
      case 'abortAll':
        parts.callOver.abort();
        return playback.dispose();
      case 'summarize':
        return logSummary(parts.state(), speech, logger);
      case 'pauseRecognition':
        return speech.pause();
      case 'resumeRecognition':
        return speech.resume();
      case 'restartRecognition':
        return speech.restart();
      case 'sendTranscript':
        return parts.transcripts?.publish(effect.result);
    }
  };
}

function logSummary(state: CallState, speech: SpeechInput, logger: Logger): void {
  logger.info(
    {
      turns: state.counts.turnsTaken,
      bargeIns: state.counts.bargeIns,
      recognizerFailures: speech.recognizerFailures,
      utterances: speech.utterances,
      digits: state.counts.digits,
      droppedInputs: state.counts.droppedInputs,
      outputVariables: Object.keys(state.outputVariables),
    },
    'call summary',
  );
}
