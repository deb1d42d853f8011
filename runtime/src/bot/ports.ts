/**
 * The bot port: what the call orchestrator asks of a bot, turn by turn, in domain types. Flow,
 * listen-only, webhook and LLM bots implement it; the voice call (session/) and the Data Action route
 * (lambda/) drive the same bots.
 */

/** What happened since the bot's last turn. */
export type BotInput =
  /** The call has just been opened: greet. */
  | { readonly type: 'start' }
  /**
   * Someone said something (final or committed transcript): the caller, or, on a stereo AudioHook
   * Monitor stream heard by a listen-only bot, the agent.
   */
  | { readonly type: 'text'; readonly text: string; readonly confidence?: number; readonly speaker?: 'caller' | 'agent' }
  /** The caller keyed digits (one key, or a collection ended by terminator, max digits or timeout). */
  | { readonly type: 'digits'; readonly digits: string }
  /** The caller said nothing for the no-input timeout after the last prompt. */
  | { readonly type: 'noInput' };

export type BotAction =
  /** Speak a prompt. `interruptible: false` plays it through even if the caller talks. */
  | { readonly type: 'say'; readonly text: string; readonly ssml?: boolean; readonly interruptible?: boolean }
  /** The next input is expected as keyed digits (speech is still accepted if the bot allows it). */
  | {
      readonly type: 'collectDigits';
      readonly maxDigits: number;
      /** Key that ends the entry early, e.g. `#`; not included in the digits. */
      readonly terminator?: string;
      readonly interDigitTimeoutMs: number;
    }
  /** Merge these into the output variables returned to the Architect flow (strings only). */
  | { readonly type: 'setOutputVariables'; readonly variables: Readonly<Record<string, string>> }
  /** The conversation is over: after the last prompt has played, hand the call back to Architect. */
  | { readonly type: 'end'; readonly outputVariables?: Readonly<Record<string, string>> };

/** One line of a conversation's transcript, numbered by the bot (0, 1, 2 … across the whole conversation). */
export interface TranscriptLine {
  readonly seq: number;
  readonly text: string;
  readonly atEpochMs: number;
  readonly speaker?: 'caller' | 'agent';
  /** The text was cut (a limit reached inside it). */
  readonly cut?: boolean;
}

/** What a turn adds to the conversation's append-only transcript (listen-only bots). */
export interface TranscriptAppend {
  /** New lines, in order; stored once each, never rewritten by later turns. */
  readonly lines: readonly TranscriptLine[];
  /** Utterances this turn heard but did not store because the bot's safety bound was reached. */
  readonly dropped: number;
}

/** A bot's reply to one input. */
export interface BotTurn {
  readonly actions: readonly BotAction[];
  /** Transcript lines to append (kept outside the bot state, so the state stays small). */
  readonly transcript?: TranscriptAppend;
}

/** Facts about the conversation a bot may use (e.g. to template prompts). */
export interface BotContext {
  readonly conversationId: string;
  readonly connectorId: string;
  /** Language of the call (open.language, an input variable, or the bot's default). */
  readonly language: string;
  /** Architect's Call Audio Connector inputs, or the Data Action's variables. */
  readonly inputVariables: Readonly<Record<string, string>>;
  /** The integration's free-form configuration (`open.customConfig`); absent on the Data Action route. */
  readonly customConfig?: Readonly<Record<string, unknown>>;
}

/** JSON-serialisable conversation state, persisted so a conversation can continue across routes. */
export type BotState = Readonly<Record<string, unknown>>;

/** What a streamed turn yields: each prompt as soon as it is complete, then the turn's other actions. */
export type BotTurnEvent =
  /** A sentence-complete piece of the answer, ready for synthesis (interruptible). */
  | { readonly type: 'say'; readonly text: string }
  /** The turn is over: `actions` holds what follows the speech (`end`, `setOutputVariables`, …), maybe nothing. */
  | { readonly type: 'done'; readonly actions: readonly BotAction[] };

/**
 * The optional capability of a bot that writes its answer as it goes (an LLM): the voice call speaks
 * each prompt as it arrives instead of waiting for the whole turn, and tells the bot what the caller
 * heard when they interrupt. A conversation has both methods or neither ({@link streamingTurns}).
 */
export interface StreamingTurns {
  /**
   * Runs one turn as `turn()` would, yielding prompts as they complete and one final `done`. Aborting
   * `signal` (barge-in, hang-up) must end the stream promptly: the call waits for it before the next turn.
   */
  streamTurn(input: BotInput, signal: AbortSignal): AsyncIterable<BotTurnEvent>;
  /** The caller barged in after hearing `heardText` of the last answer: the bot keeps only that. */
  interrupted(heardText: string): void;
}

/** One conversation with a bot. */
export interface BotConversation extends Partial<StreamingTurns> {
  /** Runs one turn; aborting `signal` (hang-up, barge-in) abandons it. Rejects with AppError on dependency failure. */
  turn(input: BotInput, signal: AbortSignal): Promise<BotTurn>;
  /** The state to persist after a turn. */
  state(): BotState;
}

/** The conversation's streaming capability, when it has one. */
export function streamingTurns(conversation: BotConversation): StreamingTurns | undefined {
  const { streamTurn, interrupted } = conversation;
  if (streamTurn === undefined || interrupted === undefined) return undefined;
  return {
    streamTurn: (input, signal) => streamTurn.call(conversation, input, signal),
    interrupted: (heardText) => interrupted.call(conversation, heardText),
  };
}

/** Speech settings a bot definition carries for its calls. */
export interface BotVoiceSettings {
  /** Default language when the call does not name one, e.g. `en-US`. */
  readonly language: string;
  /** Synthesizer voice per language (Polly VoiceId), when not the adapter's default. */
  readonly voices: Readonly<Record<string, string>>;
  /** Silence after the last prompt before the bot gets a `noInput` turn. */
  readonly noInputTimeoutMs: number;
  /** Longest call before the bot is ended with the fallback outcome. */
  readonly maxCallDurationMs: number;
  /** Its calls are recorded (bot file `record`), whatever the server's RECORD_ALL_CALLS. */
  readonly record?: boolean;
}

/** How a Transcription Connector reports results (bot file fields `partials`, `partialIntervalMs`, `languages`). */
export interface TranscriptionSettings {
  /** Send partial results (`isFinal: false`) too, not only finals. */
  readonly partials: boolean;
  /** Least time between two partials of one channel, ms. */
  readonly partialIntervalMs: number;
  /** The languages offered and accepted (BCP 47 casing); absent = the recognizer's. */
  readonly languages?: readonly string[];
}

/** A loaded, validated bot definition. */
export interface Bot {
  readonly connectorId: string;
  readonly kind: 'flow' | 'listen' | 'webhook' | 'llm' | 'transcription';
  /** A listen-only bot never speaks; the call transcribes and records. */
  readonly listenOnly: boolean;
  /** Present on a Transcription Connector: every recognizer result goes back to Genesys as a `transcript` event. */
  readonly transcription?: TranscriptionSettings;
  readonly voice: BotVoiceSettings;
  /** Starts a conversation, or resumes one from persisted state. */
  startConversation(context: BotContext, state?: BotState): BotConversation;
}
