import { pcm16ToMulaw } from '../../runtime/src/audio/codec.js';
import { loadVadEngine } from '../../runtime/src/audio/vad.js';
import type { Bot, BotAction, BotConversation, BotContext, BotInput, BotTurn, BotTurnEvent, BotVoiceSettings } from '../../runtime/src/bot/ports.js';
import type { EventEntity, MediaFormat } from '../../runtime/src/protocol/index.js';
import type { SessionEvent } from '../../runtime/src/protocol/session-types.js';
import type { CallMetrics } from '../../runtime/src/session/call-metrics.js';
import type { CallContext, CallControls, CallHandler } from '../../runtime/src/session/ports.js';
import { createVoiceCallFactory, type VoiceCallOptions } from '../../runtime/src/session/voice-call.js';
import type { Clock } from '../../runtime/src/shared/clock.js';
import { silentLogger } from '../../runtime/src/shared/logger.js';
import { FakeSpeechRecognizer } from '../../runtime/src/speech/fake/fake-speech-recognizer.js';
import { FakeSpeechSynthesizer, type FakeSynthesizerOptions } from '../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { AsyncQueue } from '../../runtime/src/shared/async-queue.js';
import type {
  RecognizerOptions,
  RecognizerStream,
  SpeechRecognizer,
  SpeechSynthesizer,
  SynthesisRequest,
  TranscriptEvent,
} from '../../runtime/src/speech/ports.js';
import { silence, speechLike } from '../../runtime/tools/support/audio-gen.js';
import { FakeClock } from './fake-clock.js';

/**
 * A voice call (runtime/src/session/voice-call.ts) on a FakeClock, with recording CallControls, a
 * scripted Bot, the deterministic speech fakes and the real WebRTC VAD, plus helpers that play the
 * caller's side: 200 ms PCMU frames of speech or silence, DTMF keys, `playback_completed`, hang-up.
 */

/** Lets pending promise callbacks (and async generators waiting on them) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** PCMU bytes in one Genesys audio frame: 200 ms at 8 kHz mono. */
export const FRAME_BYTES = 1600;
export const FRAME_MS = 200;

// ---------------------------------------------------------------------------------------------
// Recording CallControls
// ---------------------------------------------------------------------------------------------

/** One call the voice call made on its controls, in order. */
export type ControlCall =
  | { readonly type: 'sendAudio'; readonly bytes: number; readonly atMs: number }
  | { readonly type: 'endOfPrompt'; readonly atMs: number }
  | { readonly type: 'cancelAudio'; readonly atMs: number }
  | { readonly type: 'sendEvent'; readonly entities: readonly EventEntity[]; readonly atMs: number }
  | {
      readonly type: 'disconnect';
      readonly reason: 'completed' | 'error';
      readonly outputVariables: Readonly<Record<string, string>> | undefined;
      readonly info: string | undefined;
      readonly atMs: number;
    }
  | { readonly type: 'pause'; readonly atMs: number }
  | { readonly type: 'resume'; readonly atMs: number };

export interface RecordingControlsOptions {
  /**
   * `onEndOfPrompt` (default): the sender "sends" everything at once, so it reports the drain as soon as
   * the prompt is marked ended. `manual`: the test calls `drain()`.
   */
  readonly drain?: 'onEndOfPrompt' | 'manual';
  /**
   * Fixed `audioAheadMs`. By default it is modelled: audio is sent the moment it is queued and plays in
   * real time at Genesys, so it runs ahead by the play time not yet elapsed.
   */
  readonly audioAheadMs?: number;
}

/** CallControls that record every call and model a sender that sends at once. */
export class RecordingControls implements CallControls {
  readonly calls: ControlCall[] = [];
  /** Bot audio handed to the sender, chunk by chunk. */
  readonly audio: Uint8Array[] = [];
  /** Bytes still queued in the (modelled) sender: dropped by `cancelAudio`. */
  queuedBytes = 0;
  private readonly listeners = new Set<() => void>();
  private playsUntilMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly options: RecordingControlsOptions = {},
  ) {
    this.playsUntilMs = clock.now();
  }

  sendAudio(pcmu: Uint8Array): void {
    this.audio.push(pcmu.slice());
    this.queuedBytes += pcmu.length;
    const now = this.clock.now();
    this.playsUntilMs = Math.max(this.playsUntilMs, now) + pcmu.length / 8;
    this.calls.push({ type: 'sendAudio', bytes: pcmu.length, atMs: now });
  }

  endOfPrompt(): void {
    this.calls.push({ type: 'endOfPrompt', atMs: this.clock.now() });
    if ((this.options.drain ?? 'onEndOfPrompt') === 'onEndOfPrompt') this.drain();
  }

  cancelAudio(): number {
    this.calls.push({ type: 'cancelAudio', atMs: this.clock.now() });
    const dropped = this.queuedBytes;
    this.queuedBytes = 0;
    this.playsUntilMs = this.clock.now();
    return dropped;
  }

  onAudioDrained(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The sender has sent everything handed over so far: tells every listener. */
  drain(): void {
    this.queuedBytes = 0;
    for (const listener of [...this.listeners]) listener();
  }

  /** How many drain listeners are subscribed. */
  get drainListeners(): number {
    return this.listeners.size;
  }

  get audioAheadMs(): number {
    return this.options.audioAheadMs ?? Math.max(0, this.playsUntilMs - this.clock.now());
  }

  sendEvent(entities: readonly EventEntity[]): void {
    this.calls.push({ type: 'sendEvent', entities, atMs: this.clock.now() });
  }

  disconnect(reason: 'completed' | 'error', outputVariables?: Readonly<Record<string, string>>, info?: string): void {
    this.calls.push({ type: 'disconnect', reason, outputVariables, info, atMs: this.clock.now() });
  }

  pause(): void {
    this.calls.push({ type: 'pause', atMs: this.clock.now() });
  }

  resume(): void {
    this.calls.push({ type: 'resume', atMs: this.clock.now() });
  }

  /** Lines noted for a recording, in order. */
  readonly transcript: { speaker: 'caller' | 'bot'; text: string }[] = [];

  noteTranscript(speaker: 'caller' | 'bot', text: string): void {
    this.transcript.push({ speaker, text });
  }

  /** The calls of one type, in order. */
  callsOf<T extends ControlCall['type']>(type: T): Extract<ControlCall, { type: T }>[] {
    return this.calls.filter((c): c is Extract<ControlCall, { type: T }> => c.type === type);
  }

  get disconnects(): Extract<ControlCall, { type: 'disconnect' }>[] {
    return this.callsOf('disconnect');
  }

  /** Entities of every `event` message sent. */
  get events(): (readonly EventEntity[])[] {
    return this.callsOf('sendEvent').map((c) => c.entities);
  }

  /** Total bot audio bytes handed over. */
  get audioBytes(): number {
    return this.audio.reduce((n, chunk) => n + chunk.length, 0);
  }

  /** The call types in order, e.g. `['sendAudio', 'sendAudio', 'endOfPrompt']`. */
  get sequence(): ControlCall['type'][] {
    return this.calls.map((c) => c.type);
  }
}

// ---------------------------------------------------------------------------------------------
// Scripted bot
// ---------------------------------------------------------------------------------------------

/** A reply: fixed actions, or a function of the input (may reject, or wait on the turn's signal). */
export type Reply =
  | readonly BotAction[]
  | ((input: BotInput, signal: AbortSignal) => readonly BotAction[] | Promise<readonly BotAction[]>);

/**
 * What the bot answers, per input type. `digits` and `text` map an exact entry/text to a reply, with
 * `'*'` for any other. An input without a script gets a turn with no actions.
 */
export interface BotScript {
  readonly start?: Reply;
  readonly digits?: Readonly<Record<string, Reply>>;
  readonly text?: Readonly<Record<string, Reply>>;
  readonly noInput?: Reply;
  /**
   * Makes the bot a streaming one (as an LLM is): every turn is this stream of events instead of the
   * replies above, and the conversation records what the call says the caller heard (`interruptions`).
   */
  readonly streamed?: (input: BotInput, signal: AbortSignal) => AsyncIterable<BotTurnEvent>;
}

/** One turn the bot was asked for. */
export interface RecordedTurn {
  readonly input: BotInput;
  readonly signal: AbortSignal;
  readonly atMs: number;
}

export class ScriptedBot implements Bot {
  readonly connectorId: string;
  readonly kind = 'flow' as const;
  readonly listenOnly = false;
  readonly voice: BotVoiceSettings;
  readonly turns: RecordedTurn[] = [];
  readonly contexts: BotContext[] = [];
  /** What a streaming bot was told the caller heard of each interrupted answer, in order. */
  readonly interruptions: string[] = [];

  constructor(
    private readonly script: BotScript,
    private readonly clock: Clock,
    options: { connectorId?: string; voice?: Partial<BotVoiceSettings> } = {},
  ) {
    this.connectorId = options.connectorId ?? 'test-bot';
    this.voice = { language: 'en-US', voices: {}, noInputTimeoutMs: 5_000, maxCallDurationMs: 600_000, ...options.voice };
  }

  /** The inputs, in order. */
  get inputs(): BotInput[] {
    return this.turns.map((t) => t.input);
  }

  startConversation(context: BotContext): BotConversation {
    this.contexts.push(context);
    const streamed = this.script.streamed;
    if (streamed !== undefined) {
      return {
        turn: () => Promise.reject(new Error('a streaming bot is asked with streamTurn')),
        streamTurn: (input, signal) => {
          this.turns.push({ input, signal, atMs: this.clock.now() });
          return streamed(input, signal);
        },
        interrupted: (heardText) => {
          this.interruptions.push(heardText);
        },
        state: () => ({ turns: this.turns.length, interruptions: [...this.interruptions] }),
      };
    }
    return {
      turn: async (input, signal) => {
        this.turns.push({ input, signal, atMs: this.clock.now() });
        const reply = this.replyFor(input);
        const actions = typeof reply === 'function' ? await reply(input, signal) : reply;
        const turn: BotTurn = { actions };
        return turn;
      },
      state: () => ({ turns: this.turns.length }),
    };
  }

  private replyFor(input: BotInput): Reply {
    switch (input.type) {
      case 'start':
        return this.script.start ?? [];
      case 'noInput':
        return this.script.noInput ?? [];
      case 'digits':
        return this.script.digits?.[input.digits] ?? this.script.digits?.['*'] ?? [];
      case 'text':
        return this.script.text?.[input.text] ?? this.script.text?.['*'] ?? [];
    }
  }
}

/** Action builders. */
export const say = (text: string, options: { interruptible?: boolean } = {}): BotAction => ({ type: 'say', text, ...options });
export const end = (outputVariables?: Record<string, string>): BotAction =>
  outputVariables === undefined ? { type: 'end' } : { type: 'end', outputVariables };
export const collectDigits = (maxDigits: number, options: { terminator?: string; interDigitTimeoutMs?: number } = {}): BotAction => ({
  type: 'collectDigits',
  maxDigits,
  interDigitTimeoutMs: options.interDigitTimeoutMs ?? 3_000,
  ...(options.terminator === undefined ? {} : { terminator: options.terminator }),
});

/** A reply that rejects, as a bot whose backend failed. */
export const rejectWith =
  (error: Error): Reply =>
  () =>
    Promise.reject(error);

/** A reply that never settles until the turn's signal is aborted (then rejects with its reason). */
export const pendingUntilAborted: Reply = (_input, signal) =>
  new Promise<readonly BotAction[]>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });

/** A synthesizer whose every request fails on its first read, as when the service is down. */
export class FailingSynthesizer implements SpeechSynthesizer {
  /** Texts requested, in order. */
  readonly requests: string[] = [];

  constructor(private readonly error: Error = new Error('synthesis backend down')) {}

  synthesize(request: SynthesisRequest): AsyncIterable<Uint8Array> {
    this.requests.push(request.text);
    const error = this.error;
    return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) };
  }
}

/** One stream a {@link ScriptedRecognizer} opened. */
export interface ScriptedStream {
  readonly options: RecognizerOptions;
  readonly signal: AbortSignal;
  readonly results: AsyncQueue<TranscriptEvent>;
  /** Samples written so far. */
  samples: number;
  ended: boolean;
}

/** A recognizer whose transcripts the test emits by hand, on the stream opened last. */
export class ScriptedRecognizer implements SpeechRecognizer {
  readonly streams: ScriptedStream[] = [];

  start(options: RecognizerOptions, signal: AbortSignal): RecognizerStream {
    const stream: ScriptedStream = { options, signal, results: new AsyncQueue<TranscriptEvent>(), samples: 0, ended: false };
    this.streams.push(stream);
    signal.addEventListener('abort', () => stream.results.close(), { once: true });
    if (signal.aborted) stream.results.close();
    return {
      write: (pcm16) => {
        if (!stream.ended) stream.samples += pcm16.length;
      },
      end: () => {
        stream.ended = true;
        stream.results.close();
      },
      results: stream.results,
    };
  }

  /** Pushes a result on the current stream. */
  emit(event: TranscriptEvent): void {
    const current = this.streams.at(-1);
    if (current === undefined) throw new Error('no recognizer stream open');
    current.results.push(event);
  }
}

/** A recognition result with defaults. */
export const transcriptEvent = (
  kind: 'partial' | 'final',
  resultId: string,
  text: string,
  extra: { confidence?: number; languageCode?: string } = {},
): TranscriptEvent => ({
  kind,
  resultId,
  text,
  stableText: kind === 'final' ? text : '',
  startMs: 0,
  endMs: 0,
  languageCode: extra.languageCode ?? 'en-US',
  ...(extra.confidence === undefined ? {} : { confidence: extra.confidence }),
});

// ---------------------------------------------------------------------------------------------
// The call
// ---------------------------------------------------------------------------------------------

export const PCMU_MONO: MediaFormat = { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 };

export const DEFAULT_CALL_OPTIONS: VoiceCallOptions = {
  endOfTurnSilenceMs: 600,
  finalTranscriptWaitMs: 1_000,
  bargeInOnsetMs: 180,
  playbackGraceMs: 500,
  fallbackPrompt: 'Sorry, something went wrong.',
  maxRecognizerFailuresPerMinute: 3,
  logCallerData: false,
  synthesisFirstAudioTimeoutMs: 1_500,
};

export interface CallHarnessOptions {
  readonly script: BotScript;
  readonly voice?: Partial<BotVoiceSettings>;
  readonly options?: Partial<VoiceCallOptions>;
  /**
   * The recognizer: scripted transcripts for a {@link FakeSpeechRecognizer} (one per caller utterance),
   * a recognizer of the test's own, or `null` for none (no AWS credentials). @default null
   */
  readonly recognizer?: readonly string[] | SpeechRecognizer | null;
  /** @default a FakeSpeechSynthesizer on the harness clock with `synthesizerOptions` */
  readonly synthesizer?: SpeechSynthesizer;
  /** Options of the default FakeSpeechSynthesizer. @default 150 ms latency, all chunks at once */
  readonly synthesizerOptions?: Omit<FakeSynthesizerOptions, 'clock'>;
  readonly controls?: RecordingControlsOptions;
  readonly media?: MediaFormat | null;
  readonly language?: string;
  /** Where the call reports turns and barge-ins. @default none */
  readonly metrics?: CallMetrics;
}

export interface CallHarness {
  readonly clock: FakeClock;
  readonly controls: RecordingControls;
  readonly bot: ScriptedBot;
  readonly synthesizer: SpeechSynthesizer;
  /** Every synthesis request the call made, in order. */
  readonly synthesisRequests: SynthesisRequest[];
  readonly handler: CallHandler;
  /** Delivers one protocol event. */
  event(event: SessionEvent, audio?: Uint8Array): void;
  /** Moves the clock `ms` forward in `stepMs` steps, letting promises settle after each. */
  run(ms: number, stepMs?: number): Promise<void>;
  /** Runs the clock until `predicate` holds (checked every `stepMs`); throws after `maxMs`. */
  runUntil(predicate: () => boolean, maxMs?: number, stepMs?: number): Promise<void>;
  /** Plays caller audio in real time: 200 ms PCMU frames, the clock advancing 200 ms per frame. */
  play(pcm16: Int16Array): Promise<void>;
  /** `ms` of speech-like caller audio in real time. */
  speak(ms: number): Promise<void>;
  /** `ms` of silent caller audio in real time. */
  silent(ms: number): Promise<void>;
  /** A DTMF key from the caller, then lets promises settle. */
  dtmf(digit: string): Promise<void>;
  /** Genesys reports `playback_completed`, then lets promises settle. */
  playbackCompleted(): Promise<void>;
  /** The caller hung up: the client's `close` arrives. */
  closing(): Promise<void>;
  /** Runs until the next prompt (one not ended yet when called) is fully queued and `endOfPrompt` marked. */
  untilNextPromptQueued(maxMs?: number): Promise<void>;
}

/** Creates a voice call and lets its `start` turn begin. */
export async function createCallHarness(harnessOptions: CallHarnessOptions): Promise<CallHarness> {
  const clock = new FakeClock();
  const controls = new RecordingControls(clock, harnessOptions.controls);
  const bot = new ScriptedBot(harnessOptions.script, clock, { voice: harnessOptions.voice ?? {} });
  const synthesizer = harnessOptions.synthesizer ?? new FakeSpeechSynthesizer({ clock, latencyMs: 150, ...harnessOptions.synthesizerOptions });
  const recognizerOption = harnessOptions.recognizer ?? null;
  const recognizer: SpeechRecognizer | undefined =
    recognizerOption === null
      ? undefined
      : Array.isArray(recognizerOption)
        ? new FakeSpeechRecognizer({ clock, transcripts: recognizerOption as readonly string[], latencyMs: 300 })
        : (recognizerOption as SpeechRecognizer);
  const synthesisRequests: SynthesisRequest[] = [];
  const recordingSynthesizer: SpeechSynthesizer = {
    synthesize(request, signal) {
      synthesisRequests.push(request);
      return synthesizer.synthesize(request, signal);
    },
  };
  const vad = await loadVadEngine();
  const factory = createVoiceCallFactory({
    bots: { get: (connectorId) => (connectorId === bot.connectorId ? bot : undefined) },
    ...(recognizer === undefined ? {} : { recognizer }),
    synthesizer: recordingSynthesizer,
    vad,
    clock,
    options: { ...DEFAULT_CALL_OPTIONS, ...harnessOptions.options },
    ...(harnessOptions.metrics === undefined ? {} : { metrics: harnessOptions.metrics }),
  });
  const context: CallContext = {
    sessionId: '30b0e395-84d3-4570-ac13-9a62d8f514c0',
    connectorId: bot.connectorId,
    organizationId: 'd7934305-0972-4844-938e-9060eef73d05',
    conversationId: '0d2b1f3e-7a43-4d5e-9b38-2f6c1c0a9e11',
    correlationId: 'e160e428-53e2-487c-977d-96989bf5c99d',
    participant: { id: '5b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8', ani: '+13175550100', aniName: 'Jane Caller', dnis: '+18005550199' },
    media: harnessOptions.media === undefined ? PCMU_MONO : harnessOptions.media,
    language: harnessOptions.language,
    inputVariables: {},
    customConfig: {},
  };
  const handler = factory(context, controls, silentLogger);

  const run = async (ms: number, stepMs = 10): Promise<void> => {
    await settle();
    for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
      clock.advance(Math.min(stepMs, ms - elapsed));
      await settle();
    }
  };

  const runUntil = async (predicate: () => boolean, maxMs = 30_000, stepMs = 10): Promise<void> => {
    await settle();
    for (let elapsed = 0; !predicate(); elapsed += stepMs) {
      if (elapsed >= maxMs) throw new Error(`condition not met within ${maxMs} ms`);
      clock.advance(stepMs);
      await settle();
    }
  };

  const event = (e: SessionEvent, audio?: Uint8Array): void => handler.onEvent(e, audio);

  let positionMs = 0;
  const play = async (pcm16: Int16Array): Promise<void> => {
    const samplesPerFrame = FRAME_BYTES;
    for (let offset = 0; offset < pcm16.length; offset += samplesPerFrame) {
      const frame = pcm16ToMulaw(pcm16.subarray(offset, offset + samplesPerFrame));
      positionMs += (frame.length * 1000) / 8000;
      event({ type: 'audio', samples: frame.length, positionMs }, frame);
      await run(FRAME_MS, 20);
    }
  };

  const harness: CallHarness = {
    clock,
    controls,
    bot,
    synthesizer,
    synthesisRequests,
    handler,
    event,
    run,
    runUntil,
    play,
    speak: (ms) => play(speechLike(ms, { dbfs: -20 })),
    silent: (ms) => play(silence(ms)),
    async dtmf(digit) {
      event({ type: 'dtmf', digit });
      await settle();
    },
    async playbackCompleted() {
      event({ type: 'playbackCompleted' });
      await settle();
    },
    async closing() {
      event({ type: 'closing', reason: 'end' });
      await handler.onClosing?.();
      await settle();
    },
    untilNextPromptQueued(maxMs = 10_000) {
      const ended = controls.callsOf('endOfPrompt').length;
      return runUntil(() => controls.callsOf('endOfPrompt').length > ended, maxMs);
    },
  };
  await settle();
  return harness;
}
