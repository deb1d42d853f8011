/**
 * The language-model port: a streaming chat completion with tool use, in domain types. The LLM bot
 * (bot/llm) talks to it; the Bedrock adapter (model/bedrock) implements it with ConverseStream, and
 * a scripted fake stands in for tests and local runs. Nothing here names an SDK type.
 */

/** One block of a message. */
export type ModelContent =
  | { readonly type: 'text'; readonly text: string }
  /** The model asked to call a tool; `input` is the parsed JSON arguments. */
  | { readonly type: 'toolUse'; readonly toolUseId: string; readonly name: string; readonly input: unknown }
  /** What a tool call returned (JSON object) or why it failed (text, status `error`). */
  | {
      readonly type: 'toolResult';
      readonly toolUseId: string;
      readonly status: 'success' | 'error';
      readonly json?: Readonly<Record<string, unknown>>;
      readonly text?: string;
    };

/** One message of the conversation. */
export interface ModelMessage {
  readonly role: 'user' | 'assistant';
  readonly content: readonly ModelContent[];
}

/** A tool the model may call: name, what it is for, and a JSON Schema of its arguments. */
export interface ModelToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** Time limits of one request; every attempt and retry happens within them. */
export interface ModelTimeouts {
  /** Longest wait for the first event of an attempt. */
  readonly firstEventMs: number;
  /** Longest silence between two events once the stream has started. */
  readonly idleMs: number;
  /** Throttled or timed-out attempts are retried only while the next one can start before this (from the first attempt). */
  readonly retryDeadlineMs: number;
}

/** One model call. */
export interface ModelRequest {
  /** A model id, an inference-profile id or an ARN of either. */
  readonly modelId: string;
  readonly system: string;
  /** Alternating user/assistant messages, beginning with a user message. */
  readonly messages: readonly ModelMessage[];
  readonly tools: readonly ModelToolSpec[];
  readonly temperature: number;
  readonly maxTokens: number;
  /** A guardrail applied to input and output. */
  readonly guardrail?: { readonly id: string; readonly version: string };
  readonly timeouts: ModelTimeouts;
}

/** Why the model stopped. */
export type ModelStopReason =
  | 'endTurn'
  | 'toolUse'
  | 'maxTokens'
  | 'stopSequence'
  /** A guardrail or content filter replaced the answer (its text is the blocked-message text). */
  | 'filtered'
  /** The context window is full, or the model produced output it could not finish. */
  | 'other';

/** Tokens one model call used. */
export interface ModelUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** What the model stream delivers, in order. */
export type ModelEvent =
  | { readonly type: 'textDelta'; readonly text: string }
  | { readonly type: 'toolUseStart'; readonly index: number; readonly toolUseId: string; readonly name: string }
  /** A piece of the tool's JSON arguments (concatenate the pieces of one index). */
  | { readonly type: 'toolUseDelta'; readonly index: number; readonly inputJson: string }
  | { readonly type: 'toolUseStop'; readonly index: number }
  | { readonly type: 'messageStop'; readonly stopReason: ModelStopReason }
  | { readonly type: 'usage'; readonly usage: ModelUsage };

/** A language model that streams its answer. */
export interface LanguageModel {
  /**
   * Streams one answer. Rejects (from the iterator) with an AppError (`ERR_MODEL_*`, dependency
   * `bedrock`) when the model fails, after retries within `timeouts`; with the signal's reason when
   * `signal` aborts. Stopping iteration early cancels the request.
   */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}
