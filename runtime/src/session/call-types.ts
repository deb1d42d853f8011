import type { BotInput } from '../bot/ports.js';
import type { RecognizedResult } from './transcript-publisher.js';

/**
 * Types of the call state machine (call-step.ts): the phases of a voice call, what it is told
 * (inputs) and what it asks its shell to do (effects). Pure data: no timers, no I/O.
 */

/**
 * Where the call is. A bot turn runs in `greeting` (the `start` turn), `thinking` (the bot works on
 * the caller's input) and `speaking` (its prompt is playing); `listening` waits for the caller;
 * `ending` plays the last prompt (the bot's goodbye or the fallback) with the caller no longer heard;
 * `disconnecting` has asked Genesys to end the session; `ended` is after the caller's side closed.
 */
export type CallPhase = 'greeting' | 'listening' | 'thinking' | 'speaking' | 'ending' | 'disconnecting' | 'ended';

/** The dependencies whose failure hands the call back to Architect with `botOutcome=fallback`. */
export type CallDependency = 'bot' | 'recognizer' | 'synthesizer';

/** What interrupted the bot: voice onset (VAD), a key, or the recognizer hearing words. */
export type BargeInCause = 'speech' | 'dtmf' | 'transcript';

/** Fixed per call; `listenOnly` bots never speak, so neither barge-in nor no-input applies. */
export interface CallMachineOptions {
  readonly listenOnly: boolean;
  /** Inputs waiting for the bot (the running turn included) beyond which new ones are dropped. */
  readonly maxPendingTurns: number;
  /** First-audio budget of a prompt, retries included. */
  readonly synthesisFirstAudioTimeoutMs: number;
  /** First-audio budget of the fallback prompt after a synthesis failure: only a cached prompt makes it. */
  readonly fallbackFirstAudioMs: number;
}

/** A caller input waiting for its bot turn, with when it arrived (turn latency is measured from there). */
export interface QueuedInput {
  readonly input: BotInput;
  readonly receivedAt: number;
}

/** Counters of one call, logged once at the end. */
export interface CallCounts {
  readonly turnsTaken: number;
  readonly bargeIns: number;
  readonly digits: number;
  readonly droppedInputs: number;
}

export interface CallState {
  readonly phase: CallPhase;
  readonly options: CallMachineOptions;
  /** A bot turn is running in the shell (reported back with `turnDone` or `turnFailed`). */
  readonly turnRunning: boolean;
  /** Inputs that arrived while a turn ran; taken one at a time, in order. */
  readonly queue: readonly QueuedInput[];
  /** In `ending`: whose last prompt the call waits for (the bot's turn, or the fallback prompt). */
  readonly endingAfter: 'turn' | 'fallback' | undefined;
  /** Whether the caller hears bot audio now, and whether they may interrupt it. */
  readonly prompt: { readonly playing: boolean; readonly interruptible: boolean };
  /** Voice activity says the caller is talking. */
  readonly callerSpeaking: boolean;
  readonly language: string;
  readonly outputVariables: Readonly<Record<string, string>>;
  readonly counts: CallCounts;
}

export type CallInput =
  /** Caller text, digits, or no input: becomes a bot turn now, or after the running one. */
  | { readonly kind: 'callerInput'; readonly input: BotInput }
  /** The running turn finished, its prompts heard (or interrupted). */
  | { readonly kind: 'turnDone' }
  | { readonly kind: 'turnFailed'; readonly dependency: 'bot' | 'synthesizer'; readonly error: unknown }
  /** The bot set output variables during its turn. */
  | { readonly kind: 'outputsSet'; readonly variables: Readonly<Record<string, string>> }
  /** The bot ended the conversation: its last prompts play, then the call is handed back. */
  | { readonly kind: 'botEnded'; readonly outputVariables: Readonly<Record<string, string>> }
  /** Bot audio started or stopped being heard (prompt-playback.ts). */
  | { readonly kind: 'playback'; readonly playing: boolean; readonly interruptible: boolean }
  | { readonly kind: 'speechStarted' }
  | { readonly kind: 'speechEnded' }
  /** The recognizer heard words from the caller (a non-empty partial). */
  | { readonly kind: 'callerTranscript' }
  | { readonly kind: 'dtmf'; readonly digit: string }
  | { readonly kind: 'maxDurationReached'; readonly maxCallDurationMs: number }
  /** A dependency outside a bot turn failed for good (the recognizer loop gave up). */
  | { readonly kind: 'dependencyFailed'; readonly dependency: CallDependency; readonly error: unknown }
  /** The fallback prompt was heard, or could not be played. */
  | { readonly kind: 'fallbackDone' }
  | { readonly kind: 'paused' }
  | { readonly kind: 'resumed' }
  | { readonly kind: 'languageChanged'; readonly language: string }
  /** A recognizer result of a Transcription Connector's call, to go back to Genesys as a `transcript` event. */
  | { readonly kind: 'recognized'; readonly result: RecognizedResult }
  /** The caller's side closed or the session ended. */
  | { readonly kind: 'hungUp' };

export type CallInputKind = CallInput['kind'];

export type CallEffect =
  /** Run one bot turn for this input; report `turnDone` or `turnFailed`. */
  | { readonly kind: 'takeTurn'; readonly input: BotInput; readonly receivedAt: number }
  | { readonly kind: 'armNoInput' }
  | { readonly kind: 'cancelNoInput' }
  /** Stop the prompt, drop queued audio, tell Genesys (`barge_in`), count it. */
  | { readonly kind: 'bargeIn'; readonly cause: BargeInCause }
  /** Hand the key to the digit collector. */
  | { readonly kind: 'collectDigit'; readonly digit: string }
  /** The first dropped input of the call (later ones are only counted). */
  | { readonly kind: 'inputDropped'; readonly input: BotInput['type']; readonly pending: number }
  /** Stop whatever the bot is saying, without a `barge_in` event (the call is ending). */
  | { readonly kind: 'silence' }
  | { readonly kind: 'degraded'; readonly dependency: CallDependency; readonly error: unknown }
  | { readonly kind: 'maxDurationReached'; readonly maxCallDurationMs: number }
  /** Say the fallback prompt (not interruptible) within this first-audio budget; report `fallbackDone`. */
  | { readonly kind: 'playFallback'; readonly firstAudioWithinMs: number }
  /** Stop listening for good: timers, digit collection, recognition, VAD. */
  | { readonly kind: 'stopListening' }
  | {
      readonly kind: 'record';
      readonly outcome: 'completed' | 'callerHungUp' | 'error';
      readonly outputVariables: Readonly<Record<string, string>>;
      readonly turnCount: number;
    }
  | { readonly kind: 'disconnect'; readonly outputVariables: Readonly<Record<string, string>> }
  /** The caller is gone: abort everything in flight and release the playback tracker. */
  | { readonly kind: 'abortAll' }
  | { readonly kind: 'summarize' }
  | { readonly kind: 'pauseRecognition' }
  /** Recognition goes on; voice activity detection starts afresh (the audio had a gap). */
  | { readonly kind: 'resumeRecognition' }
  /** Reopen the recognizer streams (in the new language). */
  | { readonly kind: 'restartRecognition' }
  /** Send the result to Genesys (Transcription Connector). */
  | { readonly kind: 'sendTranscript'; readonly result: RecognizedResult };

export interface CallTransition {
  readonly state: CallState;
  readonly effects: readonly CallEffect[];
}
