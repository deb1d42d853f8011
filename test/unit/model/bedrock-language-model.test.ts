import { BedrockRuntimeClient, ConverseStreamCommand, ThrottlingException, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BedrockLanguageModel } from '../../../runtime/src/model/bedrock/bedrock-language-model.js';
import type { ModelEvent, ModelRequest } from '../../../runtime/src/model/ports.js';
import { AppError } from '../../../runtime/src/shared/errors.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { FakeClock } from '../../support/fake-clock.js';

const bedrock = mockClient(BedrockRuntimeClient);
afterEach(() => bedrock.reset());

const request: ModelRequest = {
  modelId: 'us.amazon.nova-lite-v1:0',
  system: 'Be brief.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [{ name: 'end_call', description: 'End', inputSchema: { type: 'object', properties: {} } }],
  temperature: 0.2,
  maxTokens: 100,
  guardrail: { id: 'gr1abc', version: '3' },
  timeouts: { firstEventMs: 1_000, idleMs: 1_000, retryDeadlineMs: 1_000 },
};

async function* events(...items: ConverseStreamOutput[]): AsyncGenerator<ConverseStreamOutput> {
  for (const item of items) yield await Promise.resolve(item);
}

const answer = (): AsyncGenerator<ConverseStreamOutput> =>
  events(
    { messageStart: { role: 'assistant' } },
    { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hello.' } } },
    { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 't1', name: 'end_call' } } } },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{}' } } } },
    { contentBlockStop: { contentBlockIndex: 1 } },
    { messageStop: { stopReason: 'tool_use' } },
    { metadata: { usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 }, metrics: { latencyMs: 100 } } },
  );

async function collect(iterable: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const out: ModelEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
}

/** Runs `work` while moving the fake clock in steps until it settles. */
async function withClock<T>(clock: FakeClock, work: Promise<T>, stepMs = 50, maxSteps = 200): Promise<T> {
  let done = false;
  const result = work.finally(() => (done = true));
  for (let i = 0; i < maxSteps && !done; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    clock.advance(stepMs);
  }
  return result;
}

const throttled = (): ThrottlingException => new ThrottlingException({ message: 'slow down', $metadata: { httpStatusCode: 429 } });

describe('Bedrock language model (ConverseStream at the SDK boundary)', () => {
  it('sends system, messages, tools, inference settings and the guardrail, and maps the stream', async () => {
    bedrock.on(ConverseStreamCommand).resolves({ stream: answer() });
    const model = new BedrockLanguageModel(new BedrockRuntimeClient({ region: 'us-east-1' }), { clock: new FakeClock(), logger: silentLogger });
    const out = await collect(model.stream(request, new AbortController().signal));
    expect(out).toEqual([
      { type: 'textDelta', text: 'Hello.' },
      { type: 'toolUseStart', index: 1, toolUseId: 't1', name: 'end_call' },
      { type: 'toolUseDelta', index: 1, inputJson: '{}' },
      { type: 'toolUseStop', index: 1 },
      { type: 'messageStop', stopReason: 'toolUse' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 5 } },
    ]);
    expect(bedrock.commandCalls(ConverseStreamCommand)[0]!.args[0].input).toEqual({
      modelId: 'us.amazon.nova-lite-v1:0',
      system: [{ text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ text: 'hi' }] }],
      inferenceConfig: { temperature: 0.2, maxTokens: 100 },
      toolConfig: { tools: [{ toolSpec: { name: 'end_call', description: 'End', inputSchema: { json: { type: 'object', properties: {} } } } }] },
      guardrailConfig: { guardrailIdentifier: 'gr1abc', guardrailVersion: '3', streamProcessingMode: 'async' },
    });
  });

  it('retries a throttled request within the deadline', async () => {
    bedrock.on(ConverseStreamCommand).rejectsOnce(throttled()).resolves({ stream: answer() });
    const clock = new FakeClock();
    const model = new BedrockLanguageModel(new BedrockRuntimeClient({ region: 'us-east-1' }), { clock, logger: silentLogger });
    const out = await withClock(clock, collect(model.stream(request, new AbortController().signal)));
    expect(out.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 12, outputTokens: 5 } });
    expect(bedrock.commandCalls(ConverseStreamCommand)).toHaveLength(2);
  });

  it('gives up with ERR_MODEL_THROTTLED (dependency bedrock) once the retry deadline has passed', async () => {
    bedrock.on(ConverseStreamCommand).rejects(throttled());
    const clock = new FakeClock();
    const model = new BedrockLanguageModel(new BedrockRuntimeClient({ region: 'us-east-1' }), { clock, logger: silentLogger });
    const error = await withClock(clock, collect(model.stream(request, new AbortController().signal)).then(() => undefined, (e: unknown) => e));
    expect(error).toBeInstanceOf(AppError);
    expect([(error as AppError).code, (error as AppError).category, (error as AppError).dependency]).toEqual(['ERR_MODEL_THROTTLED', 'throttled', 'bedrock']);
    // Back-off 200, 400: a third wait of 800 ms would pass the 1 s deadline.
    expect(bedrock.commandCalls(ConverseStreamCommand)).toHaveLength(3);
  });

  it('times out an attempt that sends nothing, and fails with ERR_MODEL_TIMEOUT after retries', async () => {
    bedrock.on(ConverseStreamCommand).callsFake(() => new Promise(() => undefined));
    const clock = new FakeClock();
    const model = new BedrockLanguageModel(new BedrockRuntimeClient({ region: 'us-east-1' }), { clock, logger: silentLogger });
    const error = await withClock(clock, collect(model.stream({ ...request, timeouts: { firstEventMs: 500, idleMs: 500, retryDeadlineMs: 1_000 } }, new AbortController().signal)).then(() => undefined, (e: unknown) => e));
    expect((error as AppError).code).toBe('ERR_MODEL_TIMEOUT');
    expect(bedrock.commandCalls(ConverseStreamCommand)).toHaveLength(2);
  });

  it('does not retry a failure after events were delivered', async () => {
    async function* broken(): AsyncGenerator<ConverseStreamOutput> {
      yield await Promise.resolve({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hel' } } });
      throw throttled();
    }
    bedrock.on(ConverseStreamCommand).resolves({ stream: broken() });
    const model = new BedrockLanguageModel(new BedrockRuntimeClient({ region: 'us-east-1' }), { clock: new FakeClock(), logger: silentLogger });
    const seen: ModelEvent[] = [];
    const error = await (async () => {
      for await (const event of model.stream(request, new AbortController().signal)) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ type: 'textDelta', text: 'Hel' }]);
    expect((error as AppError).code).toBe('ERR_MODEL_THROTTLED');
    expect(bedrock.commandCalls(ConverseStreamCommand)).toHaveLength(1);
  });

  it('does not retry a rejected request (unknown model)', async () => {
    bedrock.on(ConverseStreamCommand).rejects(Object.assign(new Error('no such model'), { name: 'ResourceNotFoundException' }));
    const model = new BedrockLanguageModel(new BedrockRuntimeClient({ region: 'us-east-1' }), { clock: new FakeClock(), logger: silentLogger });
    const error = await collect(model.stream(request, new AbortController().signal)).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('ERR_MODEL_INVALID_REQUEST');
    expect(bedrock.commandCalls(ConverseStreamCommand)).toHaveLength(1);
  });
});
