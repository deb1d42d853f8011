import { createSpeechOnsetDetector, type SpeechOnsetDetector, type SpeechTransition } from '../audio/speech-onset-detector.js';
import type { VadEngine, VoiceActivityDetector } from '../audio/vad.js';
import type { BotInput } from '../bot/ports.js';
import type { MediaFormat } from '../protocol/index.js';
import type { Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SpeechRecognizer, TranscriptEvent } from '../speech/ports.js';
import type { CallMetrics } from './call-metrics.js';
import { createCallerAudioDecoder, createChannelDecoder, createInterleavedDecoder } from './caller-audio.js';
import { createFailureWindow, startRecognizerLoop, type FailureWindow, type RecognizerLoop } from './recognizer-loop.js';
import type { RecognizedResult } from './transcript-publisher.js';
import { createTurnDetector, type TurnDetector } from './turn-detector.js';

/** The longest caller text handed to a bot; transcripts beyond it are cut. */
export const MAX_CALLER_TEXT_CHARS = 4_096;

export interface SpeechInputOptions {
  /** Silence that ends the caller's turn (VAD hangover). */
  readonly endOfTurnSilenceMs: number;
  /** Wait for a final transcript when speech ended with nothing recognised yet. */
  readonly finalTranscriptWaitMs: number;
  /** Voiced audio needed before the caller counts as speaking (barge-in onset). */
  readonly bargeInOnsetMs: number;
  readonly maxRecognizerFailuresPerMinute: number;
  /** Log transcripts at debug level (personal data). */
  readonly logCallerData: boolean;
}

export interface SpeechInputDeps {
  /** Null for a session without media (nothing is heard). */
  readonly media: MediaFormat | null;
  /** A listen-only bot never speaks: no VAD (the costliest per-frame work), and on stereo the agent is transcribed too. */
  readonly listenOnly: boolean;
  /** Absent when there are no AWS credentials: no recognition, DTMF still works. */
  readonly recognizer: SpeechRecognizer | undefined;
  readonly vad: VadEngine;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: CallMetrics;
  readonly options: SpeechInputOptions;
  readonly language: () => string;
  readonly callSignal: AbortSignal;
  readonly hearing: () => boolean;
  /** A finished utterance of the caller (or, listen-only on stereo, the agent), ready to be a bot turn. */
  onUtterance(input: BotInput): void;
  /** Voice activity started or ended (after the caller's turn detector heard it). */
  onSpeech(transition: SpeechTransition['type']): void;
  /** The recognizer heard words from the caller while they may be interrupting. */
  onCallerWords(): void;
  /** Recognition failed for good, or its loop broke. */
  onRecognizerFailed(error: unknown, how: 'gaveUp' | 'crashed'): void;
  /** Every recognizer result of every channel, placed on the client's timeline (a transcription connector sends them). */
  onRecognized?(result: RecognizedResult): void;
}

/**
 * The caller's side of the call as input: decodes each audio frame once, feeds the voice activity
 * detector (speech onset and end) and the recognizer streams, and turns transcripts into utterances
 * with a turn detector per transcribed channel. Pause, resume, language change and stop act on all
 * of it together.
 */
export interface SpeechInput {
  /** One inbound frame; `startMs` is where it begins on the client's timeline (stream position). */
  onAudio(frame: Uint8Array, startMs?: number): void;
  pause(): void;
  /** After a gap in the audio: voice activity detection starts afresh, recognition reopens. */
  resume(): void;
  /** Reopen the recognizer streams (new language). */
  restart(): void;
  /** Ends recognition gracefully: settles once every channel's last results are in (the caller closed). */
  finish(): Promise<void>;
  stop(): void;
  /** Utterances of the caller so far. */
  readonly utterances: number;
  readonly recognizerFailures: number;
}

interface Channel {
  readonly speaker: 'caller' | 'agent';
  /** Index of the channel in the selected media (`transcript.channelId`). */
  readonly channelId: number;
  readonly turnDetector: TurnDetector;
  readonly decode?: (frame: Uint8Array) => Int16Array;
}

/** One recognizer loop and the channels it hears: one channel, or both of a stereo call (channel identification). */
interface Listener {
  readonly channels: readonly Channel[];
  /** The frame as this loop's streams take it (one channel, or all interleaved). */
  readonly decode: (frame: Uint8Array) => Int16Array;
  loop?: RecognizerLoop;
}

export function createSpeechInput(deps: SpeechInputDeps): SpeechInput {
  return new CallSpeechInput(deps);
}

/** A class: one per call, and an object literal with getters would be a dictionary-mode object. */
class CallSpeechInput implements SpeechInput {
  private heard = 0;
  private readonly caller: Channel;
  private readonly listeners: Listener[];
  private readonly vad: VoiceActivityDetector | undefined;
  private readonly onset: SpeechOnsetDetector | undefined;
  /** The caller's channel as the VAD and its recognizer take it; undefined = nothing hears the caller. */
  private readonly decode: ((frame: Uint8Array) => Int16Array) | undefined;
  private readonly failures: FailureWindow;

  constructor(private readonly deps: SpeechInputDeps) {
    const { media, clock, logger, options, recognizer } = deps;
    const detectorOptions = { finalWaitMs: options.finalTranscriptWaitMs };
    const caller: Channel = {
      speaker: 'caller',
      channelId: media === null ? 0 : Math.max(0, media.channels.indexOf('external')),
      turnDetector: createTurnDetector(detectorOptions, clock, (utterance) => {
        this.heard += 1;
        if (options.logCallerData) logger.debug({ text: utterance.text, confidence: utterance.confidence }, 'caller said');
        const text = utterance.text.slice(0, MAX_CALLER_TEXT_CHARS);
        deps.onUtterance({ type: 'text', text, ...(utterance.confidence === undefined ? {} : { confidence: utterance.confidence }) });
      }),
    };
    this.caller = caller;
    const agent: Channel | undefined =
      deps.listenOnly && media !== null && media.channels.includes('internal')
        ? {
            speaker: 'agent',
            channelId: media.channels.indexOf('internal'),
            decode: createChannelDecoder(media, 'internal'),
            turnDetector: createTurnDetector(detectorOptions, clock, (utterance) =>
              deps.onUtterance({ type: 'text', text: utterance.text.slice(0, MAX_CALLER_TEXT_CHARS), speaker: 'agent' }),
            ),
          }
        : undefined;
    const channels = agent === undefined ? [caller] : [caller, agent];

    this.vad = media === null || deps.listenOnly ? undefined : deps.vad.createDetector({ frameMs: 20, mode: 2 });
    this.onset =
      this.vad === undefined
        ? undefined
        : createSpeechOnsetDetector({ frameMs: 20, onsetVoicedMs: options.bargeInOnsetMs, hangoverMs: options.endOfTurnSilenceMs });
    // Listen-only with no recognizer: nothing hears the caller's channel, so no frame is decoded.
    const decode = media === null || (this.vad === undefined && recognizer === undefined) ? undefined : createCallerAudioDecoder(media);
    this.decode = decode;
    // Stereo on a recognizer with channel identification: one stream hears both channels (billed
    // once, one of the Region's concurrent streams); otherwise one stream per transcribed channel.
    this.listeners =
      recognizer === undefined || media === null || decode === undefined
        ? []
        : agent !== undefined && recognizer.channelIdentification === true && media.channels.length === 2
          ? [{ channels, decode: createInterleavedDecoder(media) }]
          : channels.map((channel) => ({ channels: [channel], decode: channel.decode ?? decode }));

    this.failures = createFailureWindow(clock);
    if (recognizer !== undefined) for (const listener of this.listeners) listener.loop = startListening(listener, caller, recognizer, this.failures, deps);
  }

  onAudio(frame: Uint8Array, startMs?: number): void {
    const { decode, vad } = this;
    if (decode === undefined) return;
    // The caller's channel is decoded once per frame, for the VAD and its recognizer alike.
    let callerPcm: Int16Array | undefined;
    if (vad !== undefined) vad.write((callerPcm = decode(frame)), this.onVoiceActivity);
    for (const listener of this.listeners) {
      listener.loop?.write(listener.decode === decode ? (callerPcm ??= decode(frame)) : listener.decode(frame), startMs);
    }
  }

  pause(): void {
    for (const listener of this.listeners) listener.loop?.pause();
  }

  resume(): void {
    for (const listener of this.listeners) listener.loop?.resume();
    this.vad?.reset();
    this.onset?.reset();
  }

  restart(): void {
    for (const listener of this.listeners) listener.loop?.restart();
  }

  async finish(): Promise<void> {
    await Promise.all(this.listeners.map((listener) => listener.loop?.finish() ?? Promise.resolve()));
  }

  stop(): void {
    for (const listener of this.listeners) listener.loop?.stop();
    this.vad?.close();
  }

  get utterances(): number {
    return this.heard;
  }

  get recognizerFailures(): number {
    return this.failures.total;
  }

  // An arrow property: the VAD calls it back for every 20 ms of audio.
  private readonly onVoiceActivity = (voiced: boolean): void => {
    const transition = this.onset?.push(voiced);
    if (transition === undefined) return;
    if (transition.type === 'speechStart') this.caller.turnDetector.speechStarted();
    else this.caller.turnDetector.speechEnded();
    this.deps.onSpeech(transition.type);
  };
}

/** Starts the recognizer loop of one listener; each result goes to the channel it was heard on. */
function startListening(listener: Listener, caller: Channel, recognizer: SpeechRecognizer, failures: FailureWindow, deps: SpeechInputDeps): RecognizerLoop {
  const { clock, logger, options } = deps;
  const heardOn = (event: TranscriptEvent): Channel =>
    listener.channels.length === 1 ? listener.channels[0]! : (listener.channels.find((c) => c.channelId === event.channel) ?? caller);
  const loop = startRecognizerLoop({
    recognizer,
    clock,
    logger,
    metrics: deps.metrics,
    failures,
    maxFailuresPerMinute: options.maxRecognizerFailuresPerMinute,
    language: deps.language,
    callSignal: deps.callSignal,
    hearing: deps.hearing,
    ...(listener.channels.length === 2 ? { channels: 2 as const } : {}),
    onTranscript: (event, origin) => {
      const channel = heardOn(event);
      deps.onRecognized?.({
        channelId: channel.channelId,
        streamGeneration: origin.generation,
        event,
        toTimeline: (ms) => origin.timeline.toTimeline(ms),
      });
      if (channel.speaker === 'caller' && event.kind === 'partial' && event.text !== '') deps.onCallerWords();
      channel.turnDetector.transcript(event);
    },
    onStreamFinished: () => listener.channels.forEach((channel) => channel.turnDetector.flush()),
    onStreamClosed: () => listener.channels.forEach((channel) => channel.turnDetector.reset()),
    onGaveUp: (error) => deps.onRecognizerFailed(error, 'gaveUp'),
  });
  loop.done.catch((error: unknown) => {
    logger.warn({ err: toError(error).message, speakers: listener.channels.map((c) => c.speaker) }, 'recognizer stopped');
    deps.onRecognizerFailed(error, 'crashed');
  });
  return loop;
}
