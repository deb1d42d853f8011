import type { BotConversation, BotInput } from '../bot/ports.js';
import type { Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { CallMetrics } from './call-metrics.js';
import type { CallRecorder } from './call-recorder.js';
import type { CallInput } from './call-types.js';
import type { DigitCollector } from './digit-collector.js';
import type { PromptPlayback } from './prompt-playback.js';
import { SynthesisFailed, type PromptSpeaker } from './prompt-speaker.js';

/** What a turn reads of the call as the state machine has it now. */
export interface CallView {
  readonly language: string;
  readonly outputVariables: Readonly<Record<string, string>>;
  /** The call is ending (the bot ended it, or a dependency failed). */
  readonly ending: boolean;
}

export interface TurnRunnerDeps {
  /** The bot conversation, once its stored state (if any) was read. */
  readonly conversation: Promise<BotConversation>;
  readonly speaker: PromptSpeaker;
  readonly playback: PromptPlayback;
  readonly digits: DigitCollector;
  readonly recorder: CallRecorder | undefined;
  readonly metrics: CallMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly callSignal: AbortSignal;
  readonly listenOnly: boolean;
  readonly synthesisFirstAudioTimeoutMs: number;
  readonly fallbackPrompt: string;
  readonly call: () => CallView;
  /** Tells the state machine what the bot decided, and when a turn or the fallback is over. */
  readonly report: (input: CallInput) => void;
}

/**
 * Runs the bot turns the call state machine asks for (`takeTurn`) and the fallback prompt
 * (`playFallback`), and reports back how each went. A turn: the bot's reply, its prompts spoken in
 * order until the caller interrupts one, its output variables and end reported, the checkpoint
 * recorded, and the last prompt heard.
 */
export interface TurnRunner {
  takeTurn(input: BotInput, receivedAt: number): void;
  playFallback(firstAudioWithinMs: number): void;
}

export function createTurnRunner(deps: TurnRunnerDeps): TurnRunner {
  const { clock, logger, speaker, playback } = deps;

  let droppedLines = 0;
  /** Utterances past the bot's transcript bound: metered each time, logged on the first (never silent, never per line). */
  function transcriptDropped(count: number): void {
    deps.metrics.transcriptDropped(count);
    if (droppedLines === 0) logger.warn({ dropped: count }, 'transcript bound reached: later utterances are counted, not stored');
    droppedLines += count;
  }

  async function runTurn(input: BotInput, receivedAt: number): Promise<void> {
    const conversation = await deps.conversation;
    const turn = await conversation.turn(input, deps.callSignal);
    logger.debug({ input: input.type, actions: turn.actions.map((a) => a.type) }, 'bot turn');
    let interrupted = false;
    // Server-added latency of a reply: end of the caller's turn to the first bot audio handed to the sender.
    let firstAudioAt: number | undefined;
    // Digit collection starts with the turn, not after the prompt that asks for it: callers key ahead.
    for (const action of turn.actions) if (action.type === 'collectDigits') deps.digits.collect(action);
    for (const action of turn.actions) {
      switch (action.type) {
        case 'say':
          if (interrupted || deps.listenOnly) break;
          interrupted = !(await speaker.speak(action, {
            language: deps.call().language,
            firstAudioWithinMs: deps.synthesisFirstAudioTimeoutMs,
            onFirstAudio: () => (firstAudioAt ??= clock.now()),
          }));
          break;
        case 'setOutputVariables':
          deps.report({ kind: 'outputsSet', variables: action.variables });
          break;
        case 'end':
          deps.report({ kind: 'botEnded', outputVariables: action.outputVariables ?? {} });
          break;
        case 'collectDigits':
          break;
      }
    }
    const call = deps.call();
    const transcript = turn.transcript;
    if (transcript !== undefined && transcript.dropped > 0) transcriptDropped(transcript.dropped);
    deps.recorder?.turnTaken({
      botState: conversation.state(),
      outputVariables: { ...call.outputVariables },
      ended: call.ending,
      language: call.language,
      ...(transcript === undefined || transcript.lines.length === 0 ? {} : { transcript: transcript.lines }),
    });
    const replied = input.type === 'text' || input.type === 'digits';
    deps.metrics.turn(replied && firstAudioAt !== undefined ? firstAudioAt - receivedAt : undefined);
    await playback.done();
  }

  async function runFallback(firstAudioWithinMs: number): Promise<void> {
    try {
      await speaker.speak({ text: deps.fallbackPrompt, interruptible: false }, { language: deps.call().language, firstAudioWithinMs });
      await playback.done();
    } catch (error) {
      logger.warn({ err: toError(error).message }, 'fallback prompt failed');
    }
  }

  return {
    takeTurn(input, receivedAt) {
      runTurn(input, receivedAt).then(
        () => deps.report({ kind: 'turnDone' }),
        (error: unknown) => deps.report({ kind: 'turnFailed', dependency: error instanceof SynthesisFailed ? 'synthesizer' : 'bot', error }),
      );
    },
    playFallback(firstAudioWithinMs) {
      void runFallback(firstAudioWithinMs).then(() => deps.report({ kind: 'fallbackDone' }));
    },
  };
}
