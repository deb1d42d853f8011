import { streamingTurns, type BotAction, type BotConversation, type BotInput, type StreamingTurns, type TranscriptAppend } from '../bot/ports.js';
import { AsyncQueue } from '../shared/async-queue.js';
import { delay, type Clock } from '../shared/clock.js';
import { toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { CallMetrics } from './call-metrics.js';
import type { CallRecorder } from './call-recorder.js';
import type { CallInput } from './call-types.js';
import type { DigitCollector } from './digit-collector.js';
import { createHeardText, type HeardText } from './heard-text.js';
import type { PromptPlayback } from './prompt-playback.js';
import { SynthesisFailed, type Prompt, type PromptSpeaker } from './prompt-speaker.js';

/** What a turn reads of the call as the state machine has it now. */
export interface CallView {
  readonly language: string;
  readonly outputVariables: Readonly<Record<string, string>>;
  /** The call is ending (the bot ended it, or a dependency failed). */
  readonly ending: boolean;
}

export interface TurnRunnerDeps {
  /** The bot conversation, once its stored state (if any) was read; the read starts at the first call. */
  readonly conversation: () => Promise<BotConversation>;
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
 *
 * A bot that streams its turns ({@link StreamingTurns}, an LLM) is read ahead while its prompts are
 * spoken: each sentence is synthesized as soon as it is complete (while the one before it plays), so
 * the first audio follows the first sentence, not the whole answer. When the call stops the turn
 * (barge-in, or the call ending), the bot's stream is aborted, nothing more is spoken, and the bot is
 * told which sentences the caller heard (see heard-text.ts); the turn's `done` actions are reported
 * only if the bot had finished its turn by then (an ending tool already called stands).
 */
export interface TurnRunner {
  takeTurn(input: BotInput, receivedAt: number): void;
  playFallback(firstAudioWithinMs: number): void;
  /** The call stopped the bot's prompt (barge-in, or the call ending): the running turn says nothing more. */
  stopTurn(): void;
}

/** The turn being run. */
interface RunningTurn {
  /** Aborted when the call stops the turn or the caller hangs up: the bot's work and stream stop. */
  readonly signal: AbortSignal;
  readonly abort: AbortController;
  readonly heard: HeardText;
  /** What the caller had heard when the turn was stopped; undefined while it runs on. */
  heardWhenStopped: string | undefined;
  /** When the turn's first audio was handed to the sender. */
  firstAudioAt: number | undefined;
  /** What the turn adds to the stored transcript (listen-only bots, which answer whole turns). */
  transcript: TranscriptAppend | undefined;
}

/** What a checkpoint stores of a turn besides transcript lines, as one comparable string. */
function storedSnapshot(conversation: BotConversation, call: Pick<CallView, 'outputVariables' | 'language'>): string {
  return JSON.stringify([conversation.state(), call.outputVariables, call.language]);
}

/**
 * Records a finished turn's checkpoint (bot state, output variables, transcript lines). A turn that
 * changes nothing stored (a listen-only bot's start, which adds no line) is not recorded: each
 * checkpoint is a DynamoDB write, and every listen-only call would make one for nothing. Utterances
 * past the bot's transcript bound are metered each time and logged once (never silent, never per line).
 */
class TurnRecording {
  private droppedLines = 0;
  /** What the last checkpoint holds, or the conversation before its first turn. */
  private stored: string | undefined;
  /** Turns since the last checkpoint that changed nothing stored: the next checkpoint counts them. */
  private unrecordedTurns = 0;

  constructor(private readonly deps: TurnRunnerDeps) {}

  /** A turn the bot was not asked (a listen-only start): metered, and counted by the next checkpoint. */
  skipped(): void {
    this.deps.metrics.turn(undefined);
    this.unrecordedTurns += 1;
  }

  /** Notes the conversation as it stands before a turn; only the first call counts (the stored or initial state). */
  before(conversation: BotConversation): void {
    this.stored ??= storedSnapshot(conversation, this.deps.call());
  }

  after(conversation: BotConversation, transcript: TranscriptAppend | undefined): void {
    const { deps } = this;
    if (transcript !== undefined && transcript.dropped > 0) {
      deps.metrics.transcriptDropped(transcript.dropped);
      if (this.droppedLines === 0) deps.logger.warn({ dropped: transcript.dropped }, 'transcript bound reached: later utterances are counted, not stored');
      this.droppedLines += transcript.dropped;
    }
    const call = deps.call();
    const lines = transcript?.lines ?? [];
    const snapshot = storedSnapshot(conversation, call);
    if (lines.length === 0 && !call.ending && snapshot === this.stored) {
      this.unrecordedTurns += 1;
      return;
    }
    this.stored = snapshot;
    const turns = this.unrecordedTurns + 1;
    this.unrecordedTurns = 0;
    deps.recorder?.turnTaken({
      turns,
      botState: conversation.state(),
      outputVariables: { ...call.outputVariables },
      ended: call.ending,
      language: call.language,
      ...(lines.length === 0 ? {} : { transcript: lines }),
    });
  }
}

/** Digit collection starts with the turn, not after the prompt that asks for it: callers key ahead. */
function collectDigitsAhead(deps: TurnRunnerDeps, actions: readonly BotAction[]): void {
  for (const action of actions) if (action.type === 'collectDigits') deps.digits.collect(action);
}

/** Tells the state machine what the bot decided besides speech. */
function reportDecision(deps: TurnRunnerDeps, action: BotAction): void {
  if (action.type === 'setOutputVariables') deps.report({ kind: 'outputsSet', variables: action.variables });
  else if (action.type === 'end') deps.report({ kind: 'botEnded', outputVariables: action.outputVariables ?? {} });
}

/** Reads a streamed turn ahead of the speech, so the model writes on while a sentence is synthesized and played. */
function readAhead(streaming: StreamingTurns, input: BotInput, signal: AbortSignal) {
  const prompts = new AsyncQueue<string>();
  let done: readonly BotAction[] | undefined;
  const reading = (async () => {
    try {
      for await (const event of streaming.streamTurn(input, signal)) {
        if (event.type === 'say') prompts.push(event.text);
        else done = event.actions;
      }
      prompts.close();
    } catch (error) {
      prompts.fail(error);
    }
  })();
  return { prompts, reading, actions: (): readonly BotAction[] | undefined => done };
}

export function createTurnRunner(deps: TurnRunnerDeps): TurnRunner {
  return new BotTurnRunner(deps);
}

/** A class, not closures: one per call, for every call. */
class BotTurnRunner implements TurnRunner {
  private readonly recordTurn: TurnRecording;
  private running: RunningTurn | undefined;

  constructor(private readonly deps: TurnRunnerDeps) {
    this.recordTurn = new TurnRecording(deps);
  }

  takeTurn(input: BotInput, receivedAt: number): void {
    this.runTurn(input, receivedAt).then(
      () => this.deps.report({ kind: 'turnDone' }),
      (error: unknown) => this.deps.report({ kind: 'turnFailed', dependency: error instanceof SynthesisFailed ? 'synthesizer' : 'bot', error }),
    );
  }

  playFallback(firstAudioWithinMs: number): void {
    void this.runFallback(firstAudioWithinMs).then(() => this.deps.report({ kind: 'fallbackDone' }));
  }

  stopTurn(): void {
    if (this.running !== undefined) stop(this.running);
  }

  /** Speaks one prompt of the turn, unless the turn was stopped; a prompt cut short stops the turn. */
  private async say(turn: RunningTurn, prompt: Prompt, onAudio?: (bytes: number) => void): Promise<void> {
    const { deps } = this;
    if (stopped(turn) || deps.listenOnly) return;
    const spoken = await deps.speaker.speak(prompt, {
      language: deps.call().language,
      firstAudioWithinMs: deps.synthesisFirstAudioTimeoutMs,
      // Server-added latency of a reply: end of the caller's turn to the first bot audio handed to the sender.
      onFirstAudio: () => (turn.firstAudioAt ??= deps.clock.now()),
      ...(onAudio === undefined ? {} : { onAudio }),
    });
    if (!spoken) stop(turn);
  }

  private async speakWholeTurn(conversation: BotConversation, input: BotInput, turn: RunningTurn): Promise<void> {
    const { deps } = this;
    const reply = await conversation.turn(input, turn.signal);
    turn.transcript = reply.transcript;
    deps.logger.debug({ input: input.type, actions: reply.actions.map((a) => a.type) }, 'bot turn');
    collectDigitsAhead(deps, reply.actions);
    for (const action of reply.actions) {
      if (action.type === 'say') await this.say(turn, action);
      else reportDecision(deps, action);
    }
  }

  private async speakStreamedTurn(streaming: StreamingTurns, input: BotInput, turn: RunningTurn): Promise<void> {
    const { deps } = this;
    const { prompts, reading, actions } = readAhead(streaming, input, turn.signal);
    let spoken = 0;
    let failure: { readonly error: unknown } | undefined;
    try {
      for await (const text of prompts) {
        // One sentence ahead of the caller: synthesize the next once the last one starts playing, so a
        // barge-in wastes at most one synthesis (and speech quota) on words nobody hears.
        const aheadMs = turn.heard.msUntilLastPlays();
        if (aheadMs > 0) await delay(deps.clock, aheadMs, turn.signal).catch(() => undefined);
        if (stopped(turn)) break;
        spoken++;
        await this.say(turn, { text }, turn.heard.sentence(text).audio);
      }
    } catch (error) {
      failure = { error };
    }
    // A failed synthesis ends the turn too: the bot's stream must not run on unheard.
    if (failure !== undefined || stopped(turn)) turn.abort.abort();
    await reading;
    const done = actions();
    if (turn.heardWhenStopped !== undefined) streaming.interrupted(turn.heardWhenStopped);
    deps.logger.debug({ input: input.type, prompts: spoken, actions: done?.map((a) => a.type), interrupted: turn.heardWhenStopped !== undefined }, 'bot turn');
    // A stopped turn's model failure (its abort) is no failure; a real one degrades the call.
    if (failure !== undefined && turn.heardWhenStopped === undefined && !deps.callSignal.aborted) throw failure.error;
    collectDigitsAhead(deps, done ?? []);
    for (const action of done ?? []) reportDecision(deps, action);
  }

  private async runTurn(input: BotInput, receivedAt: number): Promise<void> {
    const { deps, recordTurn } = this;
    // A listen-only start says and changes nothing: counted, not run, so the open pays no conversation read.
    if (deps.listenOnly && input.type === 'start') return recordTurn.skipped();
    const conversation = await deps.conversation();
    const abort = new AbortController();
    const turn: RunningTurn = {
      signal: AbortSignal.any([deps.callSignal, abort.signal]),
      abort,
      heard: createHeardText(deps.clock),
      heardWhenStopped: undefined,
      firstAudioAt: undefined,
      transcript: undefined,
    };
    this.running = turn;
    recordTurn.before(conversation);
    try {
      const streaming = streamingTurns(conversation);
      if (streaming === undefined) await this.speakWholeTurn(conversation, input, turn);
      else await this.speakStreamedTurn(streaming, input, turn);
    } finally {
      if (this.running === turn) this.running = undefined;
    }
    recordTurn.after(conversation, turn.transcript);
    const replied = input.type === 'text' || input.type === 'digits';
    deps.metrics.turn(replied && turn.firstAudioAt !== undefined ? turn.firstAudioAt - receivedAt : undefined);
    await deps.playback.done();
  }

  private async runFallback(firstAudioWithinMs: number): Promise<void> {
    const { deps } = this;
    try {
      await deps.speaker.speak({ text: deps.fallbackPrompt, interruptible: false }, { language: deps.call().language, firstAudioWithinMs });
      await deps.playback.done();
    } catch (error) {
      deps.logger.warn({ err: toError(error).message }, 'fallback prompt failed');
    }
  }
}

/** Stops a turn once: what the caller had heard is kept, and the bot's work and stream are aborted. */
function stop(turn: RunningTurn): void {
  if (turn.heardWhenStopped !== undefined) return;
  turn.heardWhenStopped = turn.heard.heardNow();
  turn.abort.abort();
}

function stopped(turn: RunningTurn): boolean {
  return turn.heardWhenStopped !== undefined || turn.signal.aborted;
}
