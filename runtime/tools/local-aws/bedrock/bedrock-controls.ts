/** Settings of the local Bedrock Runtime endpoint; durations in ms. */
export interface BedrockEndpointSettings {
  /** From the request to the first text delta (the model's time to first token). @default 300 */
  timeToFirstTokenMs: number;
  /** Between deltas after the first. @default 20 */
  interDeltaMs: number;
}

export const DEFAULT_BEDROCK_SETTINGS: Readonly<BedrockEndpointSettings> = { timeToFirstTokenMs: 300, interDeltaMs: 20 };

/** One content block of a scripted model reply. */
export type ScriptedBlock =
  | { readonly text: string }
  | { readonly toolUse: { readonly toolUseId?: string; readonly name: string; readonly input: unknown } };

/** Stop reasons of ConverseStream's messageStop event. */
export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'guardrail_intervened' | 'content_filtered';

/** One scripted model reply: its blocks, stop reason and token counts (estimated when absent). */
export interface ScriptedReply {
  readonly blocks: readonly ScriptedBlock[];
  /** @default 'tool_use' when a block is a tool use, else 'end_turn' */
  readonly stopReason?: StopReason;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/** A failure to inject into the next ConverseStream request. */
export type BedrockFault =
  /** Refused at start: ThrottlingException (HTTP 429). */
  | { readonly kind: 'throttling' }
  /** Accepted, then this exception event (a member of the output union) after `afterDeltas` deltas. */
  | {
      readonly kind: 'midStream';
      readonly exception: 'internalServerException' | 'modelStreamErrorException' | 'throttlingException' | 'serviceUnavailableException';
      readonly afterDeltas: number;
    };

/** The scripted replies (one per request, in order) and faults a test sets on the Bedrock endpoint. */
export class BedrockControls {
  readonly settings: BedrockEndpointSettings;
  private readonly replies: ScriptedReply[] = [];
  private readonly faults: BedrockFault[] = [];
  /**
   * Every request's model id and message count, in order of arrival, and how its reply stream went:
   * `streaming` until the last event was written, `completed` then, `abandoned` if the client reset
   * the stream first (an SDK call aborted mid-answer).
   */
  readonly requests: { readonly modelId: string; readonly messages: number; state: 'streaming' | 'completed' | 'abandoned' }[] = [];

  constructor(settings: Partial<BedrockEndpointSettings> = {}) {
    this.settings = { ...DEFAULT_BEDROCK_SETTINGS, ...settings };
  }

  /** Queues the replies of the next requests. */
  reply(...replies: ScriptedReply[]): this {
    this.replies.push(...replies);
    return this;
  }

  failNextRequest(fault: BedrockFault): this {
    this.faults.push(fault);
    return this;
  }

  /** @internal The reply to the request being served; a marked placeholder when none is scripted. */
  takeReply(): ScriptedReply {
    return this.replies.shift() ?? { blocks: [{ text: '[local bedrock placeholder reply]' }] };
  }

  /** @internal */
  takeFault(): BedrockFault | undefined {
    return this.faults.shift();
  }
}
