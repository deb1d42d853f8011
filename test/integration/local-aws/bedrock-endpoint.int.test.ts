import { BedrockRuntimeClient, ConverseStreamCommand, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BEDROCK_SETTINGS } from '../../../runtime/tools/local-aws/bedrock/bedrock-controls.js';
import type { LocalAws } from '../../../runtime/tools/local-aws/local-aws-server.js';
import { clientConfig, startLocalAwsForTest } from '../../support/local-aws.js';

/** The local Bedrock Runtime ConverseStream endpoint against the real SDK client. */
describe('local Bedrock Runtime ConverseStream endpoint', () => {
  let aws: LocalAws;
  let client: BedrockRuntimeClient;
  beforeAll(async () => {
    aws = await startLocalAwsForTest({ bedrock: { timeToFirstTokenMs: 0, interDeltaMs: 0 } });
    client = new BedrockRuntimeClient({ ...clientConfig(aws), maxAttempts: 1 });
  });
  afterEach(() => Object.assign(aws.bedrock.settings, { ...DEFAULT_BEDROCK_SETTINGS, timeToFirstTokenMs: 0, interDeltaMs: 0 }));
  afterAll(async () => {
    client.destroy();
    await aws.close();
  });

  const converse = async (text = 'I need help with my bill'): Promise<ConverseStreamOutput[]> => {
    const response = await client.send(
      new ConverseStreamCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text }] }] }),
    );
    const events: ConverseStreamOutput[] = [];
    for await (const event of response.stream!) events.push(event);
    return events;
  };

  it('streams scripted text and a tool use as the service orders its events, with stop reason and token counts', async () => {
    aws.bedrock.reply({
      blocks: [{ text: 'Let me transfer you to billing.' }, { toolUse: { toolUseId: 'tool-1', name: 'transfer', input: { queue: 'Billing' } } }],
      inputTokens: 42,
      outputTokens: 17,
    });
    const events = await converse();
    expect(Object.keys(events[0]!)).toEqual(['messageStart']);
    expect(events[0]!.messageStart).toEqual({ role: 'assistant' });
    const text = events.filter((e) => e.contentBlockDelta?.contentBlockIndex === 0).map((e) => e.contentBlockDelta!.delta!.text).join('');
    expect(text).toBe('Let me transfer you to billing.');
    const start = events.find((e) => e.contentBlockStart !== undefined)!.contentBlockStart;
    expect(start).toEqual({ contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tool-1', name: 'transfer' } } });
    const input = events
      .filter((e) => e.contentBlockDelta?.contentBlockIndex === 1)
      .map((e) => e.contentBlockDelta!.delta!.toolUse!.input)
      .join('');
    expect(JSON.parse(input)).toEqual({ queue: 'Billing' });
    expect(events.filter((e) => e.contentBlockStop !== undefined).map((e) => e.contentBlockStop.contentBlockIndex)).toEqual([0, 1]);
    expect(events.at(-2)!.messageStop).toEqual({ stopReason: 'tool_use' });
    expect(events.at(-1)!.metadata!.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59 });
    expect(events.at(-1)!.metadata!.metrics!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(aws.bedrock.requests.at(-1)).toEqual({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: 1, state: 'completed' });
  });

  it('ends a text reply with end_turn, estimates token counts, and says a marked placeholder when nothing is scripted', async () => {
    const events = await converse();
    expect(events.at(-2)!.messageStop).toEqual({ stopReason: 'end_turn' });
    const text = events.flatMap((e) => (e.contentBlockDelta?.delta?.text === undefined ? [] : [e.contentBlockDelta.delta.text])).join('');
    expect(text).toMatch(/placeholder/);
    expect(events.at(-1)!.metadata!.usage!.outputTokens).toBeGreaterThan(0);
    aws.bedrock.reply({ blocks: [{ text: 'Cut short' }], stopReason: 'max_tokens' });
    expect((await converse()).at(-2)!.messageStop).toEqual({ stopReason: 'max_tokens' });
  });

  it('waits the time to first token before the first delta', async () => {
    aws.bedrock.settings.timeToFirstTokenMs = 300;
    aws.bedrock.reply({ blocks: [{ text: 'Hello' }] });
    const started = performance.now();
    const events = await converse();
    // A lower bound only: the delay is a floor, whatever the machine's load.
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(events.at(-1)!.metadata!.metrics!.latencyMs).toBeGreaterThanOrEqual(300);
  });

  it('refuses with ThrottlingException (429) at start and fails mid-stream with a modelled exception event', async () => {
    aws.bedrock.failNextRequest({ kind: 'throttling' });
    await expect(converse()).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    aws.bedrock.reply({ blocks: [{ text: 'one two three four' }] });
    aws.bedrock.failNextRequest({ kind: 'midStream', exception: 'modelStreamErrorException', afterDeltas: 2 });
    const response = await client.send(new ConverseStreamCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }));
    const seen: ConverseStreamOutput[] = [];
    const error = await (async () => {
      for await (const event of response.stream!) seen.push(event);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ModelStreamErrorException' });
    expect(seen.filter((e) => e.contentBlockDelta !== undefined)).toHaveLength(2);
  });

  it('refuses a request without messages with ValidationException (400)', async () => {
    await expect(client.send(new ConverseStreamCommand({ modelId: 'm', messages: [] }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
  });
});
