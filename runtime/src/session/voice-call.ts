import type { VadEngine } from '../audio/vad.js';
import type { Bot, BotConversation } from '../bot/ports.js';
import type { SessionEvent } from '../protocol/index.js';
import type { Clock } from '../shared/clock.js';
import { normalizeLanguageTag } from '../shared/language-tag.js';
import type { Logger } from '../shared/logger.js';
import type { SpeechRecognizer, SpeechSynthesizer } from '../speech/ports.js';
import { createPromptStopper } from './barge-in.js';
import { noCallMetrics, type CallMetrics } from './call-metrics.js';
import type { CallRecorder, CallRecorderFactory } from './call-recorder.js';
import { startCallDriver, type CallDriver } from './call-driver.js';
import { CallEffectRunner } from './call-effects.js';
import { createCallState, hearsCaller, isEnding } from './call-step.js';
import { createDigitCollector } from './digit-collector.js';
import type { CallContext, CallControls, CallHandler, CallHandlerFactory } from './ports.js';
import { createPromptPlayback, type PromptPlayback } from './prompt-playback.js';
import { createPromptSpeaker } from './prompt-speaker.js';
import { createSpeechInput, type SpeechInput } from './speech-input.js';
import { createTranscriptionControl, type TranscriptionControl } from './transcription-control.js';
import { createTurnRunner } from './turn-runner.js';

export { MAX_CALLER_TEXT_CHARS } from './speech-input.js';

/** Tuning of turn-taking, barge-in and failure handling; all durations in ms. */
export interface VoiceCallOptions {
  /** Silence that ends the caller's turn (VAD hangover). */
  readonly endOfTurnSilenceMs: number;
  /** Wait for a final transcript when speech ended with nothing recognised yet. */
  readonly finalTranscriptWaitMs: number;
  /** Voiced audio within 300 ms needed before the caller counts as speaking (barge-in onset). */
  readonly bargeInOnsetMs: number;
  /** Extra wait for `playback_completed` beyond the audio's remaining play time. */
  readonly playbackGraceMs: number;
  /** Said when a dependency fails, before the call is handed back to Architect. */
  readonly fallbackPrompt: string;
  /** Recognizer failures tolerated within a minute before the call is handed back. */
  readonly maxRecognizerFailuresPerMinute: number;
  /** Log transcripts and digits at debug level (personal data). */
  readonly logCallerData: boolean;
  /** Longest wait for a prompt's first synthesized audio, retries included, before the call degrades. */
  readonly synthesisFirstAudioTimeoutMs: number;
}

export interface VoiceCallDeps {
  readonly bots: { get(connectorId: string): Bot | undefined };
  /** Absent when no AWS credentials exist: speech recognition is off, DTMF still works. */
  readonly recognizer?: SpeechRecognizer;
  /** The recognizer of Transcription Connector calls when it differs (offline: the local stand-in); absent = `recognizer`. */
  readonly transcriptionRecognizer?: SpeechRecognizer;
  readonly synthesizer: SpeechSynthesizer;
  readonly vad: VadEngine;
  readonly clock: Clock;
  readonly options: VoiceCallOptions;
  /** Where turns, barge-ins and dependency failures are counted for the dashboards. */
  readonly metrics?: CallMetrics;
  /** Persists calls and the conversation state shared with the Data Action route; absent = nothing stored. */
  readonly recorders?: CallRecorderFactory;
}

/** How long the fallback prompt may take to start after a synthesis failure: only a cached (or instant) prompt can make it. */
const FALLBACK_FIRST_AUDIO_MS = 400;
/** Inputs waiting for the bot beyond which new ones are dropped (a burst of keys, a flood). */
const MAX_PENDING_TURNS = 8;

/**
 * The language to use when `requested` is asked for: normalized to BCP 47 casing, and kept at
 * `current` when the recognizer cannot transcribe it (the caller is still understood).
 */
function callLanguage(recognizer: SpeechRecognizer | undefined, current: string, requested: string | undefined, logger: Logger): string {
  if (requested === undefined) return current;
  const language = normalizeLanguageTag(requested);
  if (recognizer?.languages === undefined || recognizer.languages.has(language)) return language;
  logger.warn({ requested: language, kept: current }, 'language not supported by the recognizer: keeping the current one');
  return current;
}

export function createVoiceCallFactory(deps: VoiceCallDeps): CallHandlerFactory {
  return (context, controls, logger) => {
    const bot = deps.bots.get(context.connectorId);
    if (bot === undefined) throw new Error(`no bot for connector ${context.connectorId}`);
    return new VoiceCall(bot, context, controls, logger, deps);
  };
}

/**
 * The voice bot conversation on top of an AudioHook session: greets after `opened`, turns caller speech
 * (VAD + recognizer) and DTMF into bot turns, speaks the replies through the paced sender, lets the
 * caller barge in, and hands the call back to Architect with output variables once the last prompt
 * has played. A failing dependency gives the caller the fallback prompt and ends the call with
 * `botOutcome=fallback`, `fallbackReason=error` (or `capacity` at a service quota) and `failedDependency`
 * (docs/bots.md).
 *
 * What happens when is decided by the call state machine (call-step.ts); this file wires it to the
 * modules that carry out its effects: the speech input (VAD, recognizers, turn detection), the turn
 * runner (bot turns and the fallback), the prompt speaker and stopper, the digit collector, timers.
 *
 * A class rather than closures over the parts: a call holds one instance instead of a context and
 * a function per callback.
 */
class VoiceCall implements CallHandler {
  private readonly recognizer: SpeechRecognizer | undefined;
  private readonly transcription: TranscriptionControl | undefined;
  private readonly recorder: CallRecorder | undefined;
  private readonly driver: CallDriver;
  private readonly playback: PromptPlayback;
  private readonly speech: SpeechInput;
  private readonly effects: CallEffectRunner | undefined;
  private started: Promise<BotConversation> | undefined;

  constructor(
    private readonly bot: Bot,
    private readonly context: CallContext,
    controls: CallControls,
    private readonly logger: Logger,
    deps: VoiceCallDeps,
  ) {
    const { clock, options } = deps;
    const metrics = deps.metrics ?? noCallMetrics;
    // Aborted when the caller hangs up: bot turns, synthesis, recognition and waits all stop.
    const callOver = new AbortController();
    const callSignal = callOver.signal;
    const recognizer = bot.transcription === undefined ? deps.recognizer : (deps.transcriptionRecognizer ?? deps.recognizer);
    this.recognizer = recognizer;
    const requested = context.language ?? context.inputVariables.language;
    const transcription =
      bot.transcription === undefined ? undefined : createTranscriptionControl(bot.transcription, { recognizer, controls, clock, logger, requested, fallbackLanguage: bot.voice.language });
    this.transcription = transcription;
    const language = transcription?.initialLanguage ?? callLanguage(recognizer, bot.voice.language, requested, logger);
    const recorder = startRecorder(context, language, deps);
    this.recorder = recorder;

    const opening = createCallState(
      {
        listenOnly: bot.listenOnly,
        maxPendingTurns: MAX_PENDING_TURNS,
        synthesisFirstAudioTimeoutMs: options.synthesisFirstAudioTimeoutMs,
        fallbackFirstAudioMs: FALLBACK_FIRST_AUDIO_MS,
      },
      language,
      clock.now(),
    );
    // The effect runner needs the parts, and the parts report to the driver: effects are carried
    // out once all exist (from the driver's `begin`, below), as when the runner was bound late.
    const driver = startCallDriver(opening, clock, (effect) => this.effects?.run(effect));
    this.driver = driver;
    const { dispatch } = driver;

    const playback = createPromptPlayback(controls, clock, options.playbackGraceMs, (playing, interruptible) =>
      dispatch({ kind: 'playback', playing, interruptible }),
    );
    this.playback = playback;
    const speaker = createPromptSpeaker({ synthesizer: deps.synthesizer, controls, playback, clock, logger, callSignal, voices: bot.voice.voices });
    const stopper = createPromptStopper({ speaker, controls, playback, metrics, logger });
    const digits = createDigitCollector(clock, (entry) => dispatch({ kind: 'callerInput', input: { type: 'digits', digits: entry } }));
    const turns = createTurnRunner({
      conversation: () => this.conversation(language),
      speaker,
      playback,
      digits,
      recorder,
      metrics,
      clock,
      logger,
      callSignal,
      listenOnly: bot.listenOnly,
      synthesisFirstAudioTimeoutMs: options.synthesisFirstAudioTimeoutMs,
      fallbackPrompt: options.fallbackPrompt,
      call: () => ({ language: driver.state.language, outputVariables: driver.state.outputVariables, ending: isEnding(driver.state) }),
      report: dispatch,
    });
    const speech = createSpeechInput({
      media: context.media,
      listenOnly: bot.listenOnly,
      recognizer,
      vad: deps.vad,
      clock,
      logger,
      metrics,
      options,
      language: () => driver.state.language,
      callSignal,
      hearing: () => hearsCaller(driver.state),
      onUtterance: (input) => {
        if (input.type === 'text') controls.noteTranscript('caller', input.text);
        dispatch({ kind: 'callerInput', input });
      },
      onSpeech: (transition) => dispatch({ kind: transition === 'speechStart' ? 'speechStarted' : 'speechEnded' }),
      onCallerWords: () => dispatch({ kind: 'callerTranscript' }),
      ...(transcription === undefined ? {} : { onRecognized: (result) => dispatch({ kind: 'recognized', result }) }),
      // A listen-only call has nobody to hand a broken recognizer to: it keeps the audio flowing (logged).
      onRecognizerFailed: (error, how) => {
        if (!(how === 'crashed' && bot.listenOnly)) dispatch({ kind: 'dependencyFailed', dependency: 'recognizer', error });
      },
    });
    this.speech = speech;
    const cancelMaxDuration = clock.setTimer(bot.voice.maxCallDurationMs, () =>
      dispatch({ kind: 'maxDurationReached', maxCallDurationMs: bot.voice.maxCallDurationMs }),
    );
    this.effects = new CallEffectRunner({
      turns,
      stopper,
      digits,
      speech,
      playback,
      controls,
      recorder,
      metrics,
      logger,
      clock,
      callOver,
      noInputTimeoutMs: bot.voice.noInputTimeoutMs,
      logCallerData: options.logCallerData,
      cancelMaxDuration,
      state: () => driver.state,
      dispatch,
      ...(transcription === undefined ? {} : { transcripts: transcription.publisher }),
    });
    driver.begin();
    transcription?.opened();
  }

  onEvent(event: SessionEvent, audio: Uint8Array | undefined): void {
    const { dispatch } = this.driver;
    switch (event.type) {
      case 'audio':
        // The event's position is where the frame ends on the client's timeline (8 kHz samples per channel).
        if (audio !== undefined) this.speech.onAudio(audio, event.positionMs - event.samples / 8);
        return;
      case 'dtmf':
        return dispatch({ kind: 'dtmf', digit: event.digit });
      case 'playbackCompleted':
        return this.playback.playbackCompleted();
      case 'paused':
        return dispatch({ kind: 'paused' });
      case 'resumed':
        return dispatch({ kind: 'resumed' });
      case 'languageChanged': {
        const language = this.languageFor(event.language);
        return language === undefined ? undefined : dispatch({ kind: 'languageChanged', language });
      }
      case 'closing':
        // A transcription connector first transcribes what it has heard (onClosing).
        return this.transcription === undefined ? dispatch({ kind: 'hungUp' }) : undefined;
      case 'ended':
        return dispatch({ kind: 'hungUp' });
      case 'opened':
      case 'playbackStarted':
      case 'discarded':
      case 'clientError':
        return;
    }
  }

  async onClosing(): Promise<void> {
    // Bounded by the session's closing budget; the hang-up follows either way (here or on 'ended').
    if (this.transcription !== undefined) await this.speech.finish();
    this.driver.dispatch({ kind: 'hungUp' });
  }

  private languageFor(asked: string): string | undefined {
    const { transcription } = this;
    return transcription === undefined ? callLanguage(this.recognizer, this.driver.state.language, asked, this.logger) : transcription.languageRequested(asked);
  }

  /**
   * The bot conversation; one begun on the Data Action route continues here. Read from the store
   * when a turn first needs it: at the open for a bot that greets, at the first utterance for a
   * listen-only one (its start turn is skipped), so an open under a burst costs a listen-only call
   * no store read, and a call nobody speaks on none at all. The read is bounded by the recorder.
   */
  private conversation(language: string): Promise<BotConversation> {
    const { bot, context } = this;
    return (this.started ??= (async () =>
      bot.startConversation(
        {
          conversationId: context.conversationId,
          connectorId: context.connectorId,
          language,
          inputVariables: context.inputVariables,
          customConfig: context.customConfig,
        },
        await this.recorder?.resume(),
      ))());
  }
}

/** The call's recorder (persists the call and its conversation), when the server stores calls. */
function startRecorder(context: CallContext, language: string, deps: VoiceCallDeps): CallRecorder | undefined {
  return deps.recorders?.({
    conversationId: context.conversationId,
    sessionId: context.sessionId,
    connectorId: context.connectorId,
    organizationId: context.organizationId,
    participant: context.participant,
    inputVariables: context.inputVariables,
    language,
  });
}
