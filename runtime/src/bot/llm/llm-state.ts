import { z } from 'zod';
import type { ModelContent, ModelMessage, ModelUsage } from '../../model/ports.js';

/**
 * The persisted state of an LLM conversation and the pure functions on its history: bounding it by
 * a token budget, truncating an interrupted answer to what the caller heard, and shaping it into
 * the alternating messages the model accepts.
 */

const contentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({ type: z.literal('toolUse'), toolUseId: z.string(), name: z.string(), input: z.unknown() }),
  z.strictObject({
    type: z.literal('toolResult'),
    toolUseId: z.string(),
    status: z.enum(['success', 'error']),
    json: z.record(z.string(), z.unknown()).optional(),
    text: z.string().optional(),
  }),
]);

const messageSchema = z.strictObject({ role: z.enum(['user', 'assistant']), content: z.array(contentSchema) });

const llmStateSchema = z.strictObject({
  version: z.literal(1),
  /** `ended` once an ending tool, the loop guard or a limit handed the call back. */
  phase: z.enum(['active', 'ended']),
  /** Wall-clock start of the conversation (limits its duration across routes). */
  startedAtEpochMs: z.number(),
  /** Caller turns taken (greeting excluded). */
  turns: z.number().int().min(0),
  messages: z.array(messageSchema),
  /** Caller turns dropped from the front of `messages` to keep within the token budget. */
  droppedTurns: z.number().int().min(0),
  /** Tokens used by every model call of the conversation. */
  usage: z.strictObject({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0), modelCalls: z.number().int().min(0) }),
});

/** Token usage of one conversation, as state and metrics carry it. */
export interface LlmUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly modelCalls: number;
}

/** An LLM conversation's whole state: plain JSON, persisted with the session record (see the schema above). */
export interface LlmState {
  readonly version: 1;
  readonly phase: 'active' | 'ended';
  readonly startedAtEpochMs: number;
  readonly turns: number;
  readonly messages: readonly ModelMessage[];
  readonly droppedTurns: number;
  readonly usage: LlmUsage;
}

/** A fresh conversation started at `epochMs`. */
export function initialLlmState(epochMs: number): LlmState {
  return { version: 1, phase: 'active', startedAtEpochMs: epochMs, turns: 0, messages: [], droppedTurns: 0, usage: { inputTokens: 0, outputTokens: 0, modelCalls: 0 } };
}

/** Restores persisted state; anything missing or malformed starts a fresh conversation. */
export function restoreLlmState(persisted: unknown, epochMs: number): LlmState {
  if (persisted === undefined) return initialLlmState(epochMs);
  const parsed = llmStateSchema.safeParse(persisted);
  return parsed.success ? (parsed.data satisfies LlmState) : initialLlmState(epochMs);
}

/** Adds one model call's usage. */
export function addUsage(usage: LlmUsage, call: ModelUsage): LlmUsage {
  return { inputTokens: usage.inputTokens + call.inputTokens, outputTokens: usage.outputTokens + call.outputTokens, modelCalls: usage.modelCalls + 1 };
}

/**
 * A rough token count: about four characters per token for English text and JSON (the ratio model
 * vendors quote). Used only to bound the history, so being a little off merely moves the cut.
 */
export function estimateTokens(messages: readonly ModelMessage[]): number {
  let chars = 0;
  for (const message of messages) for (const content of message.content) chars += contentChars(content);
  return Math.ceil(chars / 4);
}

function contentChars(content: ModelContent): number {
  switch (content.type) {
    case 'text':
      return content.text.length;
    case 'toolUse':
      return content.name.length + JSON.stringify(content.input ?? null).length;
    case 'toolResult':
      return (content.text?.length ?? 0) + (content.json === undefined ? 0 : JSON.stringify(content.json).length);
  }
}

/** Whether `message` opens a caller turn (a user message that is not only tool results). */
function opensTurn(message: ModelMessage): boolean {
  return message.role === 'user' && message.content.some((content) => content.type === 'text');
}

/**
 * Drops the oldest whole caller turns (a caller message with everything up to the next one) until
 * the history fits `budgetTokens`; the latest turn is always kept. Whole turns keep every tool use
 * with its result, which the model API requires. Dropping, not summarizing: a summary would cost
 * another model call (time and money) on the caller's turn and can fail, while the system prompt
 * carries the task and what matters for the hand-back is already in tool calls' output variables.
 */
export function boundHistory(state: LlmState, budgetTokens: number): LlmState {
  let messages = state.messages;
  let dropped = 0;
  while (estimateTokens(messages) > budgetTokens) {
    const nextTurn = messages.findIndex((message, index) => index > 0 && opensTurn(message));
    if (nextTurn <= 0) break;
    messages = messages.slice(nextTurn);
    dropped += 1;
  }
  return dropped === 0 ? state : { ...state, messages, droppedTurns: state.droppedTurns + dropped };
}

/** Marks an answer the caller cut off, so the model knows it was not all heard. */
export const INTERRUPTED_MARK = '[interrupted by the caller]';

/**
 * Cuts the answer of the latest caller turn down to what the caller heard before barging in
 * (`heardText`, the text of the sentences played so far, in order). The answer may span several
 * assistant messages (text, a data tool, more text): messages heard in full stay, the first one not
 * heard in full keeps the heard rest plus {@link INTERRUPTED_MARK}, and later ones lose their text.
 * Tool calls stay (they did happen); text the caller never heard goes, so the model does not believe
 * it said it. Text that is not a prefix of the answer (after whitespace) is kept as given: the
 * player knows best what it played. Earlier turns are never touched.
 */
export function truncateToHeard(messages: readonly ModelMessage[], heardText: string): ModelMessage[] {
  const turnStart = findLastIndex(messages, opensTurn) + 1;
  const result = messages.slice(0, turnStart);
  let heard = normalizeSpaces(heardText);
  let cut = false;
  for (const message of messages.slice(turnStart)) {
    const text = normalizeSpaces(message.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join(' '));
    if (message.role !== 'assistant' || text === '') {
      result.push(message);
      continue;
    }
    const others = message.content.filter((c) => c.type !== 'text');
    if (!cut && (heard === text || heard.startsWith(`${text} `))) {
      result.push(message);
      heard = heard.slice(text.length).trim();
    } else if (!cut) {
      cut = true;
      result.push({ role: 'assistant', content: [{ type: 'text', text: heard === '' ? INTERRUPTED_MARK : `${heard} ${INTERRUPTED_MARK}` }, ...others] });
    } else if (others.length > 0) {
      result.push({ role: 'assistant', content: others });
    }
  }
  return result;
}

function normalizeSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Placeholder opening a conversation whose first message is the bot's (the API wants a user first). */
export const CALL_STARTED = '(The call has started.)';

/**
 * The history as the model API takes it: starting with a user message, roles alternating (adjacent
 * messages of one role merged), no empty messages, and no tool use left without its result (an
 * answer cut off mid-call keeps its text only).
 */
export function toRequestMessages(messages: readonly ModelMessage[]): ModelMessage[] {
  const answered = new Set<string>();
  for (const message of messages) for (const c of message.content) if (c.type === 'toolResult') answered.add(c.toolUseId);
  const merged: { role: 'user' | 'assistant'; content: ModelContent[] }[] = [];
  for (const message of messages) {
    const content = message.content.filter((c) => c.type !== 'toolUse' || answered.has(c.toolUseId)).filter((c) => c.type !== 'text' || c.text.trim() !== '');
    if (content.length === 0) continue;
    const last = merged.at(-1);
    if (last?.role === message.role) last.content.push(...content);
    else merged.push({ role: message.role, content: [...content] });
  }
  if (merged[0]?.role !== 'user') merged.unshift({ role: 'user', content: [{ type: 'text', text: CALL_STARTED }] });
  return merged;
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
}
