import { describe, expect, it } from 'vitest';
import { parseBotDefinition } from '../../../../runtime/src/bot/definition-schema.js';
import { createLlmBot, type LlmConversation } from '../../../../runtime/src/bot/llm/llm-bot.js';
import type { LlmDefinition } from '../../../../runtime/src/bot/llm/llm-definition.js';
import type { BotContext, BotInput } from '../../../../runtime/src/bot/ports.js';
import { FakeLanguageModel, modelAnswer, type ScriptedReply } from '../../../../runtime/src/model/fake/fake-language-model.js';
import { AppError } from '../../../../runtime/src/shared/errors.js';
import { FakeClock } from '../../../support/fake-clock.js';

const context: BotContext = { conversationId: 'c-1', connectorId: 'assistant', language: 'en-US', inputVariables: { customerName: 'Ada' } };
const signal = new AbortController().signal;
const start: BotInput = { type: 'start' };
const said = (text: string): BotInput => ({ type: 'text', text });

function definition(overrides: Record<string, unknown> = {}): LlmDefinition {
  const parsed = parseBotDefinition({
    type: 'llm',
    modelId: 'us.amazon.nova-lite-v1:0',
    systemPrompt: 'You help {{customerName|someone}} of {{config.company}} in {{language}}.',
    config: { company: 'Example Corp' },
    greeting: 'Hello {{customerName|there}}.',
    maxToolRoundsPerTurn: 2,
    tools: [
      {
        name: 'transfer_to',
        kind: 'end',
        description: 'Transfer',
        input: {
          type: 'object',
          properties: { queue: { type: 'string', enum: ['Billing', 'Sales'] }, reason: { type: 'string' } },
          required: ['queue', 'reason'],
          additionalProperties: false,
        },
        outputVariables: { botOutcome: 'transfer', transferTo: '{{queue}}', intent: '{{reason}}' },
        prompt: 'Transferring you to {{queue}}.',
      },
      {
        name: 'lookup_order',
        kind: 'data',
        description: 'Look up an order',
        input: { type: 'object', properties: { orderNumber: { type: 'string' } }, required: ['orderNumber'] },
        webhook: { url: 'http://tools.test/lookup', timeoutMs: 1_000 },
        onFailure: 'Order system down.',
      },
    ],
    ...overrides,
  });
  if (!parsed.ok || parsed.value.type !== 'llm') throw new Error(JSON.stringify(parsed));
  return parsed.value;
}

interface Setup {
  readonly model: FakeLanguageModel;
  readonly clock: FakeClock;
  readonly fetches: { url: string; body: unknown }[];
  readonly conversation: (state?: unknown) => LlmConversation;
}

function setup(replies: readonly ScriptedReply[], options: { overrides?: Record<string, unknown>; fetch?: typeof fetch } = {}): Setup {
  const model = new FakeLanguageModel(replies);
  const clock = new FakeClock();
  const fetches: { url: string; body: unknown }[] = [];
  const defaultFetch: typeof fetch = (url, init) => {
    fetches.push({ url: url instanceof Request ? url.url : url.toString(), body: JSON.parse(init?.body as string) });
    return Promise.resolve(new Response(JSON.stringify({ status: 'shipped' }), { status: 200, headers: { 'content-type': 'application/json' } }));
  };
  const bot = createLlmBot('assistant', definition(options.overrides), { clock, fetch: options.fetch ?? defaultFetch, model });
  return { model, clock, fetches, conversation: (state) => bot.startConversation(context, state as never) };
}

const transfer = modelAnswer.tools([{ name: 'transfer_to', input: { queue: 'Billing', reason: 'refund' } }]);

describe('llm bot turns', () => {
  it('greets from the bot file without calling the model, then answers the caller with the model', async () => {
    const { model, conversation } = setup([modelAnswer.text('Sure. What is your order number?')]);
    const c = conversation();
    expect(await c.turn(start, signal)).toEqual({ actions: [{ type: 'say', text: 'Hello Ada.' }] });
    expect(model.requests).toHaveLength(0);
    expect(await c.turn(said('where is my order'), signal)).toEqual({ actions: [{ type: 'say', text: 'Sure. What is your order number?' }] });
    const request = model.requests[0]!;
    expect(request.system).toBe('You help Ada of Example Corp in en-US.');
    expect(request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(request.tools.map((t) => t.name)).toEqual(['transfer_to', 'lookup_order']);
  });

  it('ends the call only through an ending tool, with output variables from its validated arguments', async () => {
    const { conversation } = setup([transfer]);
    const c = conversation();
    const turn = await c.turn(said('I want a refund'), signal);
    expect(turn.actions).toEqual([
      { type: 'say', text: 'Transferring you to Billing.' },
      { type: 'end', outputVariables: { botOutcome: 'transfer', transferTo: 'Billing', intent: 'refund' } },
    ]);
    expect(c.state()).toMatchObject({ phase: 'ended' });
  });

  it('never ends on free text that claims a transfer', async () => {
    const { conversation } = setup([modelAnswer.text("I've transferred you to billing.")]);
    const turn = await conversation().turn(said('billing please'), signal);
    expect(turn.actions.some((a) => a.type === 'end')).toBe(false);
  });

  it('refuses ending-tool arguments that break the schema and lets the model try again', async () => {
    const { model, conversation } = setup([modelAnswer.tools([{ name: 'transfer_to', input: { queue: 'Nowhere', reason: 'x' } }]), transfer]);
    const turn = await conversation().turn(said('transfer me'), signal);
    expect(turn.actions.at(-1)).toEqual({ type: 'end', outputVariables: { botOutcome: 'transfer', transferTo: 'Billing', intent: 'refund' } });
    const feedback = model.requests[1]!.messages.at(-1)!.content[0]!;
    expect(feedback).toMatchObject({ type: 'toolResult', status: 'error' });
  });

  it('runs a data tool through its webhook and feeds the JSON answer back to the model', async () => {
    const { model, fetches, conversation } = setup([
      modelAnswer.tools([{ name: 'lookup_order', input: { orderNumber: '1234' } }], 'Let me check.'),
      modelAnswer.text('Your order has shipped.'),
    ]);
    const turn = await conversation().turn(said('order 1234'), signal);
    expect(turn.actions).toEqual([{ type: 'say', text: 'Let me check. Your order has shipped.' }]);
    expect(fetches[0]).toMatchObject({ url: 'http://tools.test/lookup', body: { tool: 'lookup_order', input: { orderNumber: '1234' }, conversationId: 'c-1' } });
    expect(model.requests[1]!.messages.at(-1)!.content[0]).toMatchObject({ type: 'toolResult', status: 'success', json: { status: 'shipped' } });
  });

  it('tells the model the declared failure text when a data tool times out', async () => {
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))) as typeof fetch;
    const { model, clock, conversation } = setup(
      [modelAnswer.tools([{ name: 'lookup_order', input: { orderNumber: '1234' } }]), modelAnswer.text('Sorry, I cannot check that now.')],
      { fetch: hanging },
    );
    const pending = conversation().turn(said('order 1234'), signal);
    await settleUntil(() => clock.pendingTimers > 0);
    clock.advance(1_000);
    const turn = await pending;
    expect(turn.actions).toEqual([{ type: 'say', text: 'Sorry, I cannot check that now.' }]);
    expect(model.requests[1]!.messages.at(-1)!.content[0]).toEqual({ type: 'toolResult', toolUseId: 'tool-1', status: 'error', text: 'Order system down.' });
  });

  it('stops a tool-call loop after maxToolRoundsPerTurn and hands back with fallbackReason=toolLoop', async () => {
    const { model, fetches, conversation } = setup([modelAnswer.tools([{ name: 'lookup_order', input: { orderNumber: '1' } }])]);
    const turn = await conversation().turn(said('loop'), signal);
    expect(turn.actions.at(-1)).toEqual({ type: 'end', outputVariables: { botOutcome: 'fallback', fallbackReason: 'toolLoop' } });
    expect(model.requests).toHaveLength(3);
    expect(fetches).toHaveLength(2);
  });

  it('hands back with fallbackReason=maxTurns once the caller has had maxTurns turns', async () => {
    const { model, conversation } = setup([modelAnswer.text('Okay.')], { overrides: { maxTurns: 2 } });
    const c = conversation();
    await c.turn(said('one'), signal);
    await c.turn(said('two'), signal);
    const third = await c.turn(said('three'), signal);
    expect(third.actions.at(-1)).toEqual({ type: 'end', outputVariables: { botOutcome: 'fallback', fallbackReason: 'maxTurns' } });
    expect(model.requests).toHaveLength(2);
  });

  it('hands back with fallbackReason=maxCallDuration when the conversation is older than maxCallDurationMs', async () => {
    const { clock, conversation } = setup([modelAnswer.text('Okay.')], { overrides: { maxCallDurationMs: 60_000 } });
    const c = conversation();
    await c.turn(said('one'), signal);
    clock.advance(60_000);
    expect((await c.turn(said('two'), signal)).actions.at(-1)).toMatchObject({ type: 'end', outputVariables: { fallbackReason: 'maxCallDuration' } });
  });

  it('continues the same conversation from persisted state (another route, another process)', async () => {
    const { model, conversation } = setup([modelAnswer.text('First answer.'), modelAnswer.text('Second answer.')]);
    const first = conversation();
    await first.turn(start, signal);
    await first.turn(said('question one'), signal);
    const persisted = JSON.parse(JSON.stringify(first.state()));
    const resumed = conversation(persisted);
    await resumed.turn(said('question two'), signal);
    const texts = model.requests[1]!.messages.flatMap((m) => m.content.map((c) => (c.type === 'text' ? c.text : '')));
    expect(texts).toEqual(['(The call has started.)', 'Hello Ada.', 'question one', 'First answer.', 'question two']);
  });

  it('accumulates token usage per conversation in the state', async () => {
    const { conversation } = setup([modelAnswer.text('A.', { usage: { inputTokens: 300, outputTokens: 10 } })]);
    const c = conversation();
    await c.turn(said('x'), signal);
    await c.turn(said('y'), signal);
    expect(c.usage()).toEqual({ inputTokens: 600, outputTokens: 20, modelCalls: 2 });
  });

  it('rejects with the model AppError and leaves the history as it was (usage kept)', async () => {
    const failure = new AppError('ERR_MODEL_THROTTLED', 'throttled', { category: 'throttled', dependency: 'bedrock' });
    const { conversation } = setup([{ events: [{ type: 'usage', usage: { inputTokens: 50, outputTokens: 0 } }], error: failure }]);
    const c = conversation();
    await c.turn(start, signal);
    const before = (c.state() as { messages: unknown[] }).messages;
    await expect(c.turn(said('hello'), signal)).rejects.toBe(failure);
    expect((c.state() as { messages: unknown[] }).messages).toEqual(before);
    expect(c.usage().inputTokens).toBe(50);
  });
});

describe('llm bot streaming', () => {
  it('yields sentence-complete chunks as they arrive, then the turn actions', async () => {
    const { conversation } = setup([modelAnswer.text('Your order shipped on Monday. It arrives Dr. Who street tomorrow. Anything else?', { chunkChars: 7 })]);
    const events = [];
    for await (const event of conversation().streamTurn(said('order'), signal)) events.push(event);
    expect(events).toEqual([
      { type: 'say', text: 'Your order shipped on Monday.' },
      { type: 'say', text: 'It arrives Dr. Who street tomorrow.' },
      { type: 'say', text: 'Anything else?' },
      { type: 'done', actions: [] },
    ]);
  });

  it('keeps only what the caller heard of an interrupted answer', async () => {
    const { model, conversation } = setup([modelAnswer.text('First sentence. Second sentence. Third one.'), modelAnswer.text('Okay.')]);
    const c = conversation();
    const stream = c.streamTurn(said('tell me'), signal);
    const first = await stream.next();
    expect(first.value).toEqual({ type: 'say', text: 'First sentence.' });
    await stream.return(undefined);
    c.interrupted('First sentence.');
    await c.turn(said('wait'), signal);
    const history = model.requests[1]!.messages;
    expect(history.at(-2)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'First sentence. [interrupted by the caller]' }] });
  });
});

async function settleUntil(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !predicate(); i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
