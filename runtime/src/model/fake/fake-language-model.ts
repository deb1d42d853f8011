import type { LanguageModel, ModelEvent, ModelRequest } from '../ports.js';

/** One scripted answer: events to stream, or an error to throw (after the events). */
export interface ScriptedAnswer {
  readonly events: readonly ModelEvent[];
  readonly error?: Error;
}

/** A reply given for one request: a fixed answer or one computed from the request. */
export type ScriptedReply = ScriptedAnswer | ((request: ModelRequest) => ScriptedAnswer);

/** Builders for the usual answers. */
export const modelAnswer = {
  /** The model says `text` (streamed in pieces of `chunkChars`) and ends its turn. */
  text(text: string, options: { chunkChars?: number; usage?: { inputTokens: number; outputTokens: number } } = {}): ScriptedAnswer {
    const size = options.chunkChars ?? 12;
    const deltas: ModelEvent[] = [];
    for (let i = 0; i < text.length; i += size) deltas.push({ type: 'textDelta', text: text.slice(i, i + size) });
    return { events: [...deltas, { type: 'messageStop', stopReason: 'endTurn' }, usageEvent(options.usage)] };
  },
  /** The model (optionally after saying `text`) calls one or more tools. */
  tools(calls: readonly { name: string; input: unknown; id?: string }[], text = '', usage?: { inputTokens: number; outputTokens: number }): ScriptedAnswer {
    const events: ModelEvent[] = text === '' ? [] : [{ type: 'textDelta', text }];
    calls.forEach((call, i) => {
      const index = i + (text === '' ? 0 : 1);
      const json = JSON.stringify(call.input);
      events.push(
        { type: 'toolUseStart', index, toolUseId: call.id ?? `tool-${i + 1}`, name: call.name },
        { type: 'toolUseDelta', index, inputJson: json.slice(0, Math.ceil(json.length / 2)) },
        { type: 'toolUseDelta', index, inputJson: json.slice(Math.ceil(json.length / 2)) },
        { type: 'toolUseStop', index },
      );
    });
    return { events: [...events, { type: 'messageStop', stopReason: 'toolUse' }, usageEvent(usage)] };
  },
  /** The request fails with `error` before any event. */
  failure(error: Error): ScriptedAnswer {
    return { events: [], error };
  },
};

function usageEvent(usage = { inputTokens: 100, outputTokens: 20 }): ModelEvent {
  return { type: 'usage', usage };
}

/**
 * A deterministic language model: answers requests with the scripted replies in order (the last
 * one repeats), and records every request. Honours the abort signal between events.
 */
export class FakeLanguageModel implements LanguageModel {
  readonly requests: ModelRequest[] = [];
  private next = 0;

  constructor(private readonly replies: readonly ScriptedReply[]) {
    if (replies.length === 0) throw new RangeError('FakeLanguageModel needs at least one reply');
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    this.requests.push(request);
    const reply = this.replies[Math.min(this.next, this.replies.length - 1)]!;
    this.next += 1;
    const answer = typeof reply === 'function' ? reply(request) : reply;
    for (const event of answer.events) {
      await Promise.resolve();
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      yield event;
    }
    if (answer.error !== undefined) throw answer.error;
  }
}
