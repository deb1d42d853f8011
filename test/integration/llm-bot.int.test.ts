import { BedrockRuntimeClient, ConverseStreamCommand, ThrottlingException, type ConverseStreamCommandInput, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { FakeSpeechRecognizer } from '../../runtime/src/speech/fake/fake-speech-recognizer.js';
import { FakeSpeechSynthesizer } from '../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { speechLike } from '../../runtime/tools/support/audio-gen.js';
import { CallerAudioPlayer } from '../support/caller-audio-player.js';
import { BOTS_DIR, eventually, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Whole calls to an `llm` bot over real sockets: the simulator plays the caller, the recognizer and
 * synthesizer doubles stand behind the speech ports, the data tools' webhook is a real local HTTP
 * server, and Bedrock is mocked at the SDK boundary (aws-sdk-client-mock on the client the app uses).
 * The system prompt names the scenario (an input variable), so the mocked model knows what to do.
 */

type Reply = { stream: AsyncIterable<ConverseStreamOutput> } | Error;

async function* stream(...items: ConverseStreamOutput[]): AsyncGenerator<ConverseStreamOutput> {
  for (const item of items) yield await Promise.resolve(item);
}

const usage: ConverseStreamOutput = { metadata: { usage: { inputTokens: 200, outputTokens: 20, totalTokens: 220 }, metrics: { latencyMs: 50 } } };

function toolCall(name: string, input: unknown, id = 'tool-1'): Reply {
  return {
    stream: stream(
      { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: id, name } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: JSON.stringify(input) } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'tool_use' } },
      usage,
    ),
  };
}

/** What the mocked model answers, by scenario and by how many model calls this conversation made. */
function modelReply(input: ConverseStreamCommandInput): Reply {
  const scenario = /Scenario: (\w+)/.exec(input.system?.[0]?.text ?? '')?.[1];
  const toolResults = (input.messages ?? []).flatMap((m) => m.content ?? []).filter((c) => c.toolResult !== undefined).length;
  switch (scenario) {
    case 'transfer':
      return toolCall('transfer_to', { queue: 'Billing', reason: 'refund' });
    case 'slowtool':
      return toolResults === 0 ? toolCall('lookup_order', { orderNumber: '1234' }) : toolCall('end_call', { summary: 'order lookup failed' }, 'tool-2');
    case 'loop':
      return toolCall('lookup_order', { orderNumber: '1234' }, `tool-${toolResults + 1}`);
    case 'throttle':
      return new ThrottlingException({ message: 'Too many tokens', $metadata: { httpStatusCode: 429 } });
    case undefined:
    default:
      return new Error(`unscripted scenario ${scenario ?? '(none)'}`);
  }
}

describe('llm bot calls end to end (Bedrock mocked at the SDK boundary)', () => {
  let server: TestServer;
  let tools: Server;
  let botsDir: string;
  const toolRequests: string[] = [];
  const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const bedrock = mockClient(client);

  beforeAll(async () => {
    tools = createServer((request, response) => {
      toolRequests.push(request.url ?? '');
      // /slow never answers: the data tool's timeout must fire.
      if (request.url === '/slow') return;
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'shipped' }));
    });
    await new Promise<void>((resolve) => tools.listen(0, '127.0.0.1', resolve));
    const toolsUrl = `http://127.0.0.1:${(tools.address() as AddressInfo).port}`;
    botsDir = mkdtempSync(join(tmpdir(), 'llm-bots-'));
    copyFileSync(join(BOTS_DIR, 'default.json'), join(botsDir, 'default.json'));
    const lookup = (path: string) => ({
      name: 'lookup_order',
      kind: 'data',
      description: 'Look up an order',
      input: { type: 'object', properties: { orderNumber: { type: 'string' } }, required: ['orderNumber'] },
      webhook: { url: `${toolsUrl}${path}`, timeoutMs: 300 },
      onFailure: 'ORDER SYSTEM DOWN',
    });
    const bot = (path: string) => ({
      type: 'llm',
      modelId: 'us.amazon.nova-lite-v1:0',
      systemPrompt: 'Scenario: {{scenario}}',
      greeting: 'Hello.',
      maxToolRoundsPerTurn: 2,
      modelTimeouts: { firstEventMs: 1_000, idleMs: 1_000, retryDeadlineMs: 700 },
      tools: [
        {
          name: 'transfer_to',
          kind: 'end',
          description: 'Transfer',
          input: { type: 'object', properties: { queue: { type: 'string', enum: ['Billing'] }, reason: { type: 'string' } }, required: ['queue', 'reason'] },
          outputVariables: { botOutcome: 'transfer', transferTo: '{{queue}}', intent: '{{reason}}' },
          prompt: 'Transferring you.',
        },
        {
          name: 'end_call',
          kind: 'end',
          description: 'End',
          input: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
          outputVariables: { botOutcome: 'completed', intent: '{{summary}}' },
          prompt: 'Goodbye.',
        },
        lookup(path),
      ],
    });
    writeFileSync(join(botsDir, 'assistant.json'), JSON.stringify(bot('/fast')));
    writeFileSync(join(botsDir, 'slowtools.json'), JSON.stringify(bot('/slow')));
    bedrock.on(ConverseStreamCommand).callsFake((input: ConverseStreamCommandInput) => {
      const reply = modelReply(input);
      return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
    });
    server = await startTestServer(
      { BOTS_DIR: botsDir },
      {
        bedrock: client,
        speech: {
          mode: 'custom',
          recognizer: new FakeSpeechRecognizer({ clock: systemClock, transcripts: ['I have a question about my order'], latencyMs: 100 }),
          synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 5 }),
        },
      },
    );
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((resolve) => tools.close(() => resolve()));
    rmSync(botsDir, { recursive: true, force: true });
    bedrock.restore();
  });

  /** Greeting, then the caller speaks once; returns the disconnect's output variables. */
  async function call(connectorId: string, scenario: string): Promise<Record<string, string> | undefined> {
    const genesys = await server.connect({ path: `/audiohook/${connectorId}` });
    await genesys.open({ inputVariables: { scenario } });
    const caller = new CallerAudioPlayer(genesys).start();
    await eventually(() => genesys.audio.length > 0, 5_000);
    await eventually(() => !genesys.playing, 10_000);
    caller.say(speechLike(1_000, { dbfs: -20 }));
    const disconnect = await genesys.waitFor('disconnect', 15_000);
    caller.stop();
    await genesys.closed;
    expect(genesys.violations).toEqual([]);
    return (disconnect.parameters as { outputVariables?: Record<string, string> }).outputVariables;
  }

  const requestsOf = (scenario: string): ConverseStreamCommandInput[] =>
    bedrock.commandCalls(ConverseStreamCommand).map((c) => c.args[0].input).filter((input) => input.system?.[0]?.text === `Scenario: ${scenario}`);

  it('ends the call through the ending tool with the output variables from its arguments', async () => {
    expect(await call('assistant', 'transfer')).toEqual({ botOutcome: 'transfer', transferTo: 'Billing', intent: 'refund' });
    expect(requestsOf('transfer')).toHaveLength(1);
  });

  it('tells the model the declared failure text when a data tool times out, and the call goes on', async () => {
    expect(await call('slowtools', 'slowtool')).toEqual({ botOutcome: 'completed', intent: 'order lookup failed' });
    const second = requestsOf('slowtool')[1]!;
    const result = second.messages!.at(-1)!.content![0]!.toolResult!;
    expect([result.status, result.content]).toEqual(['error', [{ text: 'ORDER SYSTEM DOWN' }]]);
    expect(toolRequests).toContain('/slow');
  });

  it('hands back with botOutcome=fallback, fallbackReason=capacity and failedDependency=bedrock when the model stays throttled', async () => {
    expect(await call('assistant', 'throttle')).toEqual({ botOutcome: 'fallback', fallbackReason: 'capacity', failedDependency: 'bedrock' });
    expect(requestsOf('throttle').length).toBeGreaterThan(1);
  });

  it('stops a tool-call loop and hands back with fallbackReason=toolLoop', async () => {
    expect(await call('assistant', 'loop')).toEqual({ botOutcome: 'fallback', fallbackReason: 'toolLoop' });
    expect(requestsOf('loop')).toHaveLength(3);
  });
});
