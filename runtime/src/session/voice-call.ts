import { createSpeechOnsetDetector, type SpeechTransition } from '../audio/speech-onset-detector.js';
import type { VadEngine } from '../audio/vad.js';
import { fallbackReasonFor } from '../bot/bot-outcome.js';
import type { Bot, BotAction, BotConversation, BotInput } from '../bot/ports.js';
import type { SessionEvent } from '../protocol/index.js';
import { delay, type Cancel, type Clock } from '../shared/clock.js';
import { AppError, isRetryable, toError } from '../shared/errors.js';
import { normalizeLanguageTag } from '../shared/language-tag.js';
import type { Logger } from '../shared/logger.js';
import type { RecognizerStream, SpeechRecognizer, SpeechSynthesizer } from '../speech/ports.js';
import { createCallerAudioDecoder, createChannelDecoder } from './caller-audio.js';
import { createDigitCollector } from './digit-collector.js';
import { noCallMetrics, type CallMetrics } from './call-metrics.js';
import type { CallRecorderFactory } from './call-recorder.js';
import type { CallContext, CallControls, CallHandler, CallHandlerFactory } from './ports.js';
import { createPromptPlayback } from './prompt-playback.js';
import { createTurnDetector, type TurnDetector } from './turn-detector.js';

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
  readonly synthesizer: SpeechSynthesizer;
  readonly vad: VadEngine;
  readonly clock: Clock;
  readonly options: VoiceCallOptions;
  /** Where turns, barge-ins and dependency failures are counted for the dashboards. */
  readonly metrics?: CallMetrics;
  /** Persists calls and the conversation state shared with the Data Action route; absent = nothing stored. */
  readonly recorders?: CallRecorderFactory;
}

/** Counters of one call, logged once at the end. */
interface CallStats {
  turns: number;
  bargeIns: number;
  recognizerFailures: number;
  utterances: number;
  digits: number;
  droppedInputs: number;
}

const BARGE_IN_EVENT = [{ type: 'barge_in', data: {} }] as const;

/** One transcribed channel of the call: the caller, or (listen-only, stereo) the agent. */
interface Listener {
  readonly speaker: 'caller' | 'agent';
  readonly turns: TurnDetector;
  /** Decoder of this listener's channel; the caller's audio is decoded once for VAD and recognizer. */
  readonly decode?: (frame: Uint8Array) => Int16Array;
  stream?: RecognizerStream;
  abort?: AbortController;
  /** Caller audio kept while one stream finishes and the next is not open yet (language update). */
  carry?: Int16Array[];
  /** Tears down a finishing stream that never ends by itself. */
  cancelFinish?: Cancel;
}

/** How long a finishing recognizer stream may take to return its last final result. */
const RECOGNIZER_FINISH_MS = 5_000;
/** Most caller audio carried over to the next recognizer stream: 10 s of 20 ms frames. */
const MAX_CARRIED_FRAMES = 500;

/** Marks a synthesis failure so the call knows which dependency failed. */
/** Back-off step between synthesis attempts (x1, x2, ...), all within the first-audio budget. */
const SYNTHESIS_RETRY_BACKOFF_MS = 150;
/** How long the fallback prompt may take to start: only a cached (or instant) prompt can make it. */
const FALLBACK_FIRST_AUDIO_MS = 400;
/** Inputs waiting for the bot beyond which new ones are dropped (a burst of keys, a flood). */
const MAX_PENDING_TURNS = 8;
/** The longest caller text handed to a bot; transcripts beyond it are cut. */
export const MAX_CALLER_TEXT_CHARS = 4_096;

/** Throttling and outages are worth another attempt; a rejected request is not. */
function isRetryableSynthesis(error: unknown): boolean {
  return error instanceof AppError && isRetryable(error.category);
}

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

class SynthesisFailed extends Error {
  constructor(cause: unknown) {
    super('speech synthesis failed', { cause });
    this.name = 'SynthesisFailed';
  }
}

/**
 * The voice bot conversation on top of an AudioHook session: greets after `opened`, turns caller speech
 * (VAD + recognizer) and DTMF into bot turns, speaks the replies through the paced sender, lets the
 * caller barge in, and hands the call back to Architect with output variables once the last prompt
 * has played. A failing dependency gives the caller the fallback prompt and ends the call with
 * `botOutcome=fallback`, `fallbackReason=error` (or `capacity` at a service quota) and `failedDependency`
 * (docs/bots.md).
 */
export function createVoiceCallFactory(deps: VoiceCallDeps): CallHandlerFactory {
  return (context, controls, logger) => {
    const bot = deps.bots.get(context.connectorId);
    if (bot === undefined) throw new Error(`no bot for connector ${context.connectorId}`);
    return startVoiceCall(bot, context, controls, logger, deps);
  };
}

function startVoiceCall(
  bot: Bot,
  context: CallContext,
  controls: CallControls,
  logger: Logger,
  deps: VoiceCallDeps,
): CallHandler {
  const { clock, options } = deps;
  const metrics = deps.metrics ?? noCallMetrics;
  const stats: CallStats = { turns: 0, bargeIns: 0, recognizerFailures: 0, utterances: 0, digits: 0, droppedInputs: 0 };
  const hangUp = new AbortController();
  let language = callLanguage(deps.recognizer, bot.voice.language, context.language ?? context.inputVariables.language, logger);
  const recorder = deps.recorders?.({
    conversationId: context.conversationId,
    sessionId: context.sessionId,
    connectorId: context.connectorId,
    organizationId: context.organizationId,
    participant: context.participant,
    inputVariables: context.inputVariables,
    language,
  });
  // A conversation begun on the Data Action route continues here; the read is bounded by the recorder.
  const conversationReady: Promise<BotConversation> = (async () =>
    bot.startConversation(
      {
        conversationId: context.conversationId,
        connectorId: context.connectorId,
        language,
        inputVariables: context.inputVariables,
        customConfig: context.customConfig,
      },
      await recorder?.resume(),
    ))();
  const outputVariables: Record<string, string> = {};
  let ending = false;
  let turnChain: Promise<void> = Promise.resolve();
  let prompt: AbortController | undefined;
  let cancelNoInput: Cancel | undefined;
  const recognizerFailures: number[] = [];
  let recognizerPaused = false;

  const playback = createPromptPlayback(controls, clock, options.playbackGraceMs);
  const digits = createDigitCollector(clock, (entry) => submit({ type: 'digits', digits: entry }));
  const turns = createTurnDetector({ finalWaitMs: options.finalTranscriptWaitMs }, clock, (utterance) => {
    stats.utterances += 1;
    if (options.logCallerData) logger.debug({ text: utterance.text, confidence: utterance.confidence }, 'caller said');
    const text = utterance.text.slice(0, MAX_CALLER_TEXT_CHARS);
    submit({ type: 'text', text, ...(utterance.confidence === undefined ? {} : { confidence: utterance.confidence }) });
  });
  // A listen-only bot never speaks, so it needs neither barge-in nor end-of-turn timing: its turns are
  // the recognizer's final results, and neither the VAD (the costliest per-frame work) nor the onset
  // detector it feeds is created.
  const vad = context.media === null || bot.listenOnly ? undefined : deps.vad.createDetector({ frameMs: 20, mode: 2 });
  const onset =
    vad === undefined
      ? undefined
      : createSpeechOnsetDetector({ frameMs: 20, onsetVoicedMs: options.bargeInOnsetMs, hangoverMs: options.endOfTurnSilenceMs });
  const decode = context.media === null ? undefined : createCallerAudioDecoder(context.media);
  const caller: Listener = { speaker: 'caller', turns };
  // A listen-only bot on a stereo (Monitor) stream also transcribes the agent, with its own stream.
  const agent: Listener | undefined =
    bot.listenOnly && context.media !== null && context.media.channels.includes('internal')
      ? {
          speaker: 'agent',
          decode: createChannelDecoder(context.media, 'internal'),
          turns: createTurnDetector({ finalWaitMs: options.finalTranscriptWaitMs }, clock, (utterance) =>
            submit({ type: 'text', text: utterance.text.slice(0, MAX_CALLER_TEXT_CHARS), speaker: 'agent' }),
          ),
        }
      : undefined;
  const listeners = agent === undefined ? [caller] : [caller, agent];
  const cancelMaxDuration = clock.setTimer(bot.voice.maxCallDurationMs, () => {
    logger.warn({ maxCallDurationMs: bot.voice.maxCallDurationMs }, 'maximum call duration reached');
    endCall({ botOutcome: 'fallback', fallbackReason: 'maxCallDuration' });
  });

  let pendingTurns = 0;
  const submit = (input: BotInput): void => {
    if (pendingTurns >= MAX_PENDING_TURNS) {
      stats.droppedInputs += 1;
      if (stats.droppedInputs === 1) logger.warn({ input: input.type, pendingTurns }, 'bot is behind: dropping caller input');
      return;
    }
    const receivedAt = clock.now();
    pendingTurns += 1;
    turnChain = turnChain
      .then(() => runTurn(input, receivedAt))
      .catch((error: unknown) => fail(error instanceof SynthesisFailed ? 'synthesizer' : 'bot', error))
      .finally(() => (pendingTurns -= 1));
  };

  async function runTurn(input: BotInput, receivedAt: number): Promise<void> {
    if (ending || hangUp.signal.aborted) return;
    stopNoInput();
    stats.turns += 1;
    const conversation = await conversationReady;
    const turn = await conversation.turn(input, hangUp.signal);
    logger.debug({ input: input.type, actions: turn.actions.map((a) => a.type) }, 'bot turn');
    let barged = false;
    // Server-added latency of a reply: end of the caller's turn to the first bot audio handed to the sender.
    const firstAudio = { at: undefined as number | undefined };
    // Digit collection starts with the turn, not after the prompt that asks for it: callers key ahead.
    for (const action of turn.actions) if (action.type === 'collectDigits') digits.collect(action);
    for (const action of turn.actions) {
      if (action.type === 'say') {
        if (!barged && !bot.listenOnly) barged = !(await say(action, firstAudio));
      } else if (action.type !== 'collectDigits') {
        apply(action);
      }
    }
    recorder?.turnTaken({ botState: conversation.state(), outputVariables: { ...outputVariables }, ended: ending, language });
    const replied = input.type === 'text' || input.type === 'digits';
    metrics.turn(replied && firstAudio.at !== undefined ? firstAudio.at - receivedAt : undefined);
    await playback.done();
    if (ending) return finish();
    // A caller who barged in is still talking: their turn, not silence, comes next.
    if (!bot.listenOnly && onset?.speaking !== true) armNoInput();
  }

  /** The actions that change call state; prompts and digit collection are handled by runTurn. */
  function apply(action: Exclude<BotAction, { type: 'say' | 'collectDigits' }>): void {
    switch (action.type) {
      case 'setOutputVariables':
        Object.assign(outputVariables, action.variables);
        return;
      case 'end':
        Object.assign(outputVariables, action.outputVariables);
        ending = true;
        return;
    }
  }

  /** Streams one prompt to the sender. False if the caller barged in before it was all queued. */
  /**
   * Streams one prompt to the sender. False if the caller barged in (or hung up) first. The first audio
   * must come within `firstAudioWithinMs`: a throttled or failing synthesis is retried inside that
   * budget, a silent one is abandoned, so the caller never waits on a stuck speech service.
   */
  async function say(
    action: Extract<BotAction, { type: 'say' }>,
    firstAudio?: { at: number | undefined },
    firstAudioWithinMs = options.synthesisFirstAudioTimeoutMs,
  ): Promise<boolean> {
    const abort = new AbortController();
    prompt = abort;
    const request = { text: action.text, ssml: action.ssml === true, languageCode: language, ...voiceFor(language) };
    const deadline = clock.now() + firstAudioWithinMs;
    try {
      for (let attempt = 1; ; attempt++) {
        const attemptAbort = new AbortController();
        const signal = AbortSignal.any([abort.signal, hangUp.signal, attemptAbort.signal]);
        const chunks = deps.synthesizer.synthesize(request, signal)[Symbol.asyncIterator]();
        let first: IteratorResult<Uint8Array>;
        try {
          first = await firstChunkBy(chunks, deadline, attemptAbort);
        } catch (error) {
          if (abort.signal.aborted || hangUp.signal.aborted) return false;
          const backoffMs = SYNTHESIS_RETRY_BACKOFF_MS * attempt;
          if (!isRetryableSynthesis(error) || clock.now() + backoffMs >= deadline) throw error;
          logger.warn({ attempt, err: toError(error).message }, 'synthesis failed: retrying');
          await delay(clock, backoffMs, AbortSignal.any([abort.signal, hangUp.signal]));
          continue;
        }
        for (let next = first; !next.done; next = await chunks.next()) {
          if (abort.signal.aborted) return false;
          playback.audioQueued(action.interruptible !== false);
          controls.sendAudio(next.value);
          if (firstAudio !== undefined) firstAudio.at ??= clock.now();
        }
        controls.endOfPrompt();
        return !abort.signal.aborted;
      }
    } catch (error) {
      if (abort.signal.aborted || hangUp.signal.aborted) return false;
      throw new SynthesisFailed(error);
    } finally {
      if (prompt === abort) prompt = undefined;
    }
  }

  /** The first chunk of a synthesis, or a rejection once `deadline` passes (the attempt is aborted). */
  function firstChunkBy(chunks: AsyncIterator<Uint8Array>, deadline: number, attempt: AbortController): Promise<IteratorResult<Uint8Array>> {
    return new Promise((resolve, reject) => {
      const cancel = clock.setTimer(Math.max(0, deadline - clock.now()), () => {
        attempt.abort();
        reject(new AppError('ERR_SPEECH_UNAVAILABLE', 'no synthesized audio in time', { category: 'unavailable' }));
      });
      chunks.next().then(
        (result) => {
          cancel();
          resolve(result);
        },
        (error: unknown) => {
          cancel();
          reject(toError(error));
        },
      );
    });
  }

  function voiceFor(lang: string): { voice?: string } {
    const voice = bot.voice.voices[lang];
    return voice === undefined ? {} : { voice };
  }

  function bargeIn(cause: 'speech' | 'dtmf' | 'transcript'): void {
    if (!playback.active || !playback.interruptible || ending) return;
    stats.bargeIns += 1;
    metrics.bargeIn();
    prompt?.abort();
    const droppedBytes = controls.cancelAudio();
    controls.sendEvent(BARGE_IN_EVENT);
    playback.stop();
    logger.info({ cause, droppedBytes }, 'barge-in');
  }

  function armNoInput(): void {
    stopNoInput();
    if (ending || hangUp.signal.aborted) return;
    cancelNoInput = clock.setTimer(bot.voice.noInputTimeoutMs, () => submit({ type: 'noInput' }));
  }

  function stopNoInput(): void {
    cancelNoInput?.();
    cancelNoInput = undefined;
  }

  function onSpeech(transition: SpeechTransition): void {
    if (transition.type === 'speechStart') {
      stopNoInput();
      turns.speechStarted();
      bargeIn('speech');
    } else {
      turns.speechEnded();
      // Speech that produced no turn (noise, or no recognizer) leaves the bot waiting: restart the clock.
      if (pendingTurns === 0 && !playback.active && !bot.listenOnly) armNoInput();
    }
  }

  function onAudio(frame: Uint8Array): void {
    if (decode === undefined) return;
    const pcm = decode(frame);
    vad?.write(pcm, onVoiceActivity);
    writeTo(caller, pcm);
    if (agent?.decode !== undefined) writeTo(agent, agent.decode(frame));
  }

  function writeTo(listener: Listener, pcm: Int16Array): void {
    if (listener.stream !== undefined) listener.stream.write(pcm);
    else if (listener.carry !== undefined && listener.carry.length < MAX_CARRIED_FRAMES) listener.carry.push(pcm.slice());
  }

  function onVoiceActivity(voiced: boolean): void {
    const transition = onset?.push(voiced);
    if (transition !== undefined) onSpeech(transition);
  }

  function onDtmf(digit: string): void {
    stats.digits += 1;
    if (options.logCallerData) logger.debug({ digit }, 'caller keyed');
    stopNoInput();
    bargeIn('dtmf');
    digits.press(digit);
  }

  /** Keeps one recognizer stream open for a listener while the call is live; restarts it after failures and language changes. */
  async function runRecognizer(recognizer: SpeechRecognizer, listener: Listener): Promise<void> {
    while (!hangUp.signal.aborted && !ending) {
      if (recognizerPaused) {
        await delay(clock, 200, hangUp.signal).catch(() => undefined);
        continue;
      }
      const abort = new AbortController();
      listener.abort = abort;
      const stream = recognizer.start({ languageCode: language, sampleRateHz: 8000 }, AbortSignal.any([abort.signal, hangUp.signal]));
      listener.stream = stream;
      for (const pcm of listener.carry ?? []) stream.write(pcm);
      listener.carry = undefined;
      try {
        for await (const event of stream.results) {
          if (listener.speaker === 'caller' && event.kind === 'partial' && event.text !== '') bargeIn('transcript');
          listener.turns.transcript(event);
        }
        // The stream finished (input ended, last final in): what the caller said is a turn.
        if (!abort.signal.aborted && !hangUp.signal.aborted) listener.turns.flush();
        // A stream that ends by itself is reopened, but never in a tight loop.
        await delay(clock, 100, hangUp.signal).catch(() => undefined);
      } catch (error) {
        if (hangUp.signal.aborted || abort.signal.aborted) continue;
        stats.recognizerFailures += 1;
        metrics.recognizerFailure();
        const now = clock.now();
        recognizerFailures.push(now);
        while (recognizerFailures.length > 0 && recognizerFailures[0]! < now - 60_000) recognizerFailures.shift();
        logger.warn({ err: toError(error).message, failures: recognizerFailures.length }, 'recognizer failed; restarting');
        if (recognizerFailures.length > options.maxRecognizerFailuresPerMinute) return fail('recognizer', error);
        await delay(clock, Math.min(1000, 100 * 2 ** (recognizerFailures.length - 1)), hangUp.signal).catch(() => undefined);
      } finally {
        if (listener.stream === stream) listener.stream = undefined;
        listener.cancelFinish?.();
        listener.cancelFinish = undefined;
        listener.turns.reset();
      }
    }
  }

  function restartRecognizer(): void {
    for (const listener of listeners) {
      listener.cancelFinish?.();
      listener.stream?.end();
      listener.abort?.abort();
    }
  }

  /**
   * Ends each stream's input gracefully, so the service returns the final result of the utterance in
   * progress, and lets `runRecognizer` open the next one (paused, or in a new language). With
   * `carryAudio`, caller audio in between goes to the next stream instead of being dropped.
   */
  function finishRecognizers(carryAudio: boolean): void {
    for (const listener of listeners) {
      const { stream, abort } = listener;
      if (stream === undefined) continue;
      listener.stream = undefined;
      if (carryAudio) listener.carry = [];
      stream.end();
      listener.cancelFinish?.();
      listener.cancelFinish = clock.setTimer(RECOGNIZER_FINISH_MS, () => abort?.abort());
    }
  }

  /** A dependency failed: the fallback prompt if speech still works, then back to Architect. */
  function fail(dependency: 'bot' | 'recognizer' | 'synthesizer', error: unknown): void {
    if (ending || hangUp.signal.aborted) return;
    logger.error({ dependency, err: toError(error).message }, 'call degraded: handing back to Architect');
    if (dependency === 'synthesizer') metrics.synthesizerFailure();
    ending = true;
    Object.assign(outputVariables, { botOutcome: 'fallback', fallbackReason: fallbackReasonFor(error), failedDependency: dependency });
    turnChain = (async () => {
      prompt?.abort();
      controls.cancelAudio();
      playback.stop();
      // After a synthesis failure only a cached fallback prompt can start in time; others get the usual budget.
      const within = dependency === 'synthesizer' ? FALLBACK_FIRST_AUDIO_MS : options.synthesisFirstAudioTimeoutMs;
      try {
        await say({ type: 'say', text: options.fallbackPrompt, interruptible: false }, undefined, within);
        await playback.done();
      } catch (fallbackError) {
        logger.warn({ err: toError(fallbackError).message }, 'fallback prompt failed');
      }
      finish();
    })();
  }

  function endCall(extra: Record<string, string>): void {
    if (ending) return;
    ending = true;
    Object.assign(outputVariables, extra);
    prompt?.abort();
    controls.cancelAudio();
    playback.stop();
    finish();
  }

  let finished = false;
  function finish(): void {
    if (finished || hangUp.signal.aborted) return;
    finished = true;
    cleanup();
    const final: Record<string, string> = { botOutcome: 'completed', ...outputVariables };
    const failed = final.fallbackReason === 'error' || final.fallbackReason === 'capacity';
    recorder?.ended({ outcome: failed ? 'error' : 'completed', outputVariables: final, turnCount: stats.turns });
    controls.disconnect('completed', final);
  }

  function cleanup(): void {
    stopNoInput();
    cancelMaxDuration();
    digits.cancel();
    restartRecognizer();
    vad?.close();
  }

  function hangUpNow(): void {
    if (hangUp.signal.aborted) return;
    hangUp.abort();
    cleanup();
    playback.dispose();
    if (!finished) recorder?.ended({ outcome: 'callerHungUp', outputVariables: { ...outputVariables }, turnCount: stats.turns });
    logger.info({ ...stats, outputVariables: Object.keys(outputVariables) }, 'call summary');
  }

  if (deps.recognizer !== undefined && context.media !== null) {
    for (const listener of listeners) {
      runRecognizer(deps.recognizer, listener).catch((error: unknown) =>
        // A listen-only call has nobody to hand a failure to: it keeps the audio flowing and logs.
        bot.listenOnly ? logger.warn({ err: toError(error).message, speaker: listener.speaker }, 'recognizer stopped') : fail('recognizer', error),
      );
    }
  }
  submit({ type: 'start' });

  return {
    onEvent(event: SessionEvent, audio: Uint8Array | undefined) {
      switch (event.type) {
        case 'audio':
          if (audio !== undefined) onAudio(audio);
          return;
        case 'dtmf':
          return onDtmf(event.digit);
        case 'playbackCompleted':
          return playback.playbackCompleted();
        case 'paused':
          recognizerPaused = true;
          return finishRecognizers(false);
        case 'resumed':
          recognizerPaused = false;
          vad?.reset();
          onset?.reset();
          return;
        case 'languageChanged':
          language = callLanguage(deps.recognizer, language, event.language, logger);
          return finishRecognizers(true);
        case 'closing':
        case 'ended':
          return hangUpNow();
        case 'opened':
        case 'playbackStarted':
        case 'discarded':
        case 'clientError':
          return;
      }
    },
    onClosing() {
      hangUpNow();
      return Promise.resolve();
    },
  };
}
