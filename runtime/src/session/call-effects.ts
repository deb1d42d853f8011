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

/**
 * Carries out the effects of the call state machine on the call's parts. A class: one per call, and
 * closures over the parts would cost a context and a function each.
 */
export class CallEffectRunner {
  private cancelNoInput: Cancel | undefined;

  constructor(private readonly parts: CallParts) {}

  run(effect: CallEffect): void {
    const { parts } = this;
    switch (effect.kind) {
      case 'takeTurn':
        return parts.turns.takeTurn(effect.input, effect.receivedAt);
      case 'armNoInput':
        this.stopNoInput();
        this.cancelNoInput = parts.clock.setTimer(parts.noInputTimeoutMs, () => parts.dispatch({ kind: 'callerInput', input: { type: 'noInput' } }));
        return;
      case 'cancelNoInput':
        return this.stopNoInput();
      case 'bargeIn':
        // The turn first: it notes what the caller heard, and a streaming bot's next sentence is never spoken.
        parts.turns.stopTurn();
        return parts.stopper.bargeIn(effect.cause);
      case 'collectDigit':
        if (parts.logCallerData) parts.logger.debug({ digit: effect.digit }, 'caller keyed');
        return parts.digits.press(effect.digit);
      case 'inputDropped':
        return parts.logger.warn({ input: effect.input, pendingTurns: effect.pending }, 'bot is behind: dropping caller input');
      case 'silence':
        parts.turns.stopTurn();
        return parts.stopper.silence();
      case 'degraded':
        parts.logger.error({ dependency: effect.dependency, err: toError(effect.error).message }, 'call degraded: handing back to Architect');
        if (effect.dependency === 'synthesizer') parts.metrics.synthesizerFailure();
        return;
      case 'maxDurationReached':
        return parts.logger.warn({ maxCallDurationMs: effect.maxCallDurationMs }, 'maximum call duration reached');
      case 'playFallback':
        return parts.turns.playFallback(effect.firstAudioWithinMs);
      case 'stopListening':
        this.stopNoInput();
        parts.cancelMaxDuration();
        parts.digits.cancel();
        return parts.speech.stop();
      case 'record':
        return parts.recorder?.ended({ outcome: effect.outcome, outputVariables: effect.outputVariables, turnCount: effect.turnCount });
      case 'disconnect':
        return parts.controls.disconnect('completed', effect.outputVariables);
      case 'abortAll':
        parts.callOver.abort();
        return parts.playback.dispose();
      case 'summarize':
        return logSummary(parts.state(), parts.speech, parts.logger);
      case 'pauseRecognition':
        return parts.speech.pause();
      case 'resumeRecognition':
        return parts.speech.resume();
      case 'restartRecognition':
        return parts.speech.restart();
      case 'sendTranscript':
        return parts.transcripts?.publish(effect.result);
    }
  }

  private stopNoInput(): void {
    this.cancelNoInput?.();
    this.cancelNoInput = undefined;
  }
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
