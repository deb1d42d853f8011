import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_MARK } from '../../../runtime/src/bot/llm/llm-state.js';
import type { ModelMessage } from '../../../runtime/src/model/ports.js';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { FakeSpeechRecognizer } from '../../../runtime/src/speech/fake/fake-speech-recognizer.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import type { LocalAws } from '../../../runtime/tools/local-aws/local-aws-server.js';
import type { GenesysClient } from '../../../runtime/tools/simulator/genesys-client.js';
import { silence, speechLike } from '../../../runtime/tools/support/audio-gen.js';
import { CallerAudioPlayer } from '../../support/caller-audio-player.js';
import { clientConfig, startLocalAwsForTest } from '../../support/local-aws.js';
import { BOTS_DIR, eventually, startTestServer, type TestServer } from '../../support/test-server.js';

/**
 * Calls to an `llm` bot over real sockets, with the real BedrockRuntimeClient talking ConverseStream
 * to the local Bedrock-compatible endpoint (in-process, port 0), which streams scripted replies word
 * by word with its delay controls. The caller's speech and the bot's voice are the speech doubles, so
 * what is measured and asserted is the model stream through the call: sentences spoken as they
 * arrive, barge-in aborting the stream, the stored history cut to what the caller heard.
 */

const GREETING = 'Hello, this is the assistant.';
const ANSWER = [
  'Sentence one is about your order and its delivery.',
  'Sentence two explains the delay in some detail.',
  'Sentence three offers you a discount on the next order.',
  'Sentence four wishes you a good day.',
];
const TRANSFER = { toolUse: { name: 'transfer_to', input: { queue: 'Billing', reason: 'refund' } } };
const FAST = { timeToFirstTokenMs: 50, interDeltaMs: 5 };

function llmBot(): Record<string, unknown> {
  return {
    type: 'llm',
    modelId: 'us.amazon.nova-lite-v1:0',
    systemPrompt: 'You are a test assistant.',
    greeting: GREETING,
    modelTimeouts: { firstEventMs: 3_000, idleMs: 3_000, retryDeadlineMs: 3_000 },
    tools: [
      {
        name: 'transfer_to',
        kind: 'end',
        description: 'Transfer the caller to a queue.',
        input: {
          type: 'object',
          properties: { queue: { type: 'string', enum: ['Billing'] }, reason: { type: 'string' } },
          required: ['queue', 'reason'],
        },
        outputVariables: { botOutcome: 'transfer', transferTo: '{{queue}}', intent: '{{reason}}' },
      },
    ],
  };
}

describe('llm bot calls over the local Bedrock endpoint', () => {
  let aws: LocalAws;
  let bedrock: BedrockRuntimeClient;
  let server: TestServer;
  let botsDir: string;

  beforeAll(async () => {
    aws = await startLocalAwsForTest({ bedrock: FAST });
    bedrock = new BedrockRuntimeClient({ ...clientConfig(aws), maxAttempts: 1 });
    botsDir = mkdtempSync(join(tmpdir(), 'llm-local-bedrock-'));
    copyFileSync(join(BOTS_DIR, 'default.json'), join(botsDir, 'default.json'));
    writeFileSync(join(botsDir, 'assistant.json'), JSON.stringify(llmBot()));
    server = await startTestServer(
      { BOTS_DIR: botsDir },
      {
        bedrock,
        speech: {
          mode: 'custom',
          recognizer: new FakeSpeechRecognizer({ clock: systemClock, transcripts: () => 'caller words', latencyMs: 100 }),
          // About 3 s of audio for the first sentence: a barge-in soon after it starts lands inside it.
          synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 60 }),
        },
      },
    );
  });
  afterEach(() => Object.assign(aws.bedrock.settings, FAST));
  afterAll(async () => {
    await server?.close();
    bedrock?.destroy();
    await aws?.close();
    rmSync(botsDir, { recursive: true, force: true });
  });

  /** Opens a call, lets the greeting play out, and says one utterance; returns when the model was asked. */
  async function askedCall(conversationId: string): Promise<{ genesys: GenesysClient; caller: CallerAudioPlayer; greetingChunks: number }> {
    const requestsBefore = aws.bedrock.requests.length;
    const genesys = await server.connect({ path: '/audiohook/assistant' });
    await genesys.open({ conversationId });
    const caller = new CallerAudioPlayer(genesys).start();
    await eventually(() => genesys.audio.length > 0, 5_000);
    await eventually(() => !genesys.playing, 10_000);
    const greetingChunks = genesys.audio.length;
    caller.say(speechLike(1_000, { dbfs: -20, seed: 1 }));
    caller.say(silence(400));
    await eventually(() => aws.bedrock.requests.length > requestsBefore, 10_000);
    return { genesys, caller, greetingChunks };
  }

  const storedMessages = async (conversationId: string): Promise<ModelMessage[]> => {
    await eventually(() => server.app.writeQueue.stats().pending === 0, 5_000);
    const conversation = await server.app.storage.store.getConversation(conversationId);
    return (conversation?.botState as { messages: ModelMessage[] } | undefined)?.messages ?? [];
  };

  const textOf = (message: ModelMessage | undefined): string =>
    (message?.content ?? []).flatMap((c) => (c.type === 'text' ? [c.text] : [])).join(' ');

  it('ends the call through the ending tool with the output variables from its arguments', { timeout: 30_000 }, async () => {
    aws.bedrock.reply({ blocks: [{ text: 'I will transfer you to billing.' }, TRANSFER] });
    const conversationId = randomUUID();

    const { genesys, caller, greetingChunks } = await askedCall(conversationId);
    const disconnect = await genesys.waitFor('disconnect', 15_000);
    caller.stop();
    await genesys.closed;

    expect((disconnect.parameters as { outputVariables?: Record<string, string> }).outputVariables).toEqual({
      botOutcome: 'transfer',
      transferTo: 'Billing',
      intent: 'refund',
    });
    expect(genesys.audio.length).toBeGreaterThan(greetingChunks);
    expect(aws.bedrock.requests.at(-1)).toMatchObject({ modelId: 'us.amazon.nova-lite-v1:0', state: 'completed' });
    expect(genesys.violations).toEqual([]);
    const messages = await storedMessages(conversationId);
    expect(textOf(messages.findLast((m) => m.role === 'assistant'))).toBe('I will transfer you to billing.');
  });

  it('on barge-in mid-answer: aborts the model stream, sends no audio after barge_in, stores only what was heard', { timeout: 30_000 }, async () => {
    // A slow tail: the model is still writing when the caller interrupts the first sentence.
    aws.bedrock.settings.interDeltaMs = 120;
    aws.bedrock.reply({ blocks: [{ text: ANSWER.join(' ') }] }, { blocks: [TRANSFER] });
    const conversationId = randomUUID();
    const { genesys, caller, greetingChunks } = await askedCall(conversationId);
    const answerRequest = aws.bedrock.requests.at(-1)!;

    await eventually(() => genesys.audio.length > greetingChunks, 10_000);
    caller.say(speechLike(1_000, { dbfs: -20, seed: 2 }));
    caller.say(silence(400));
    const bargeIn = await genesys.waitFor('event', 10_000);
    const disconnect = await genesys.waitFor('disconnect', 15_000);
    caller.stop();
    await genesys.closed;
    // The endpoint notices the reset at its next delta.
    await eventually(() => answerRequest.state !== 'streaming', 5_000);

    expect(bargeIn.parameters).toEqual({ entities: [{ type: 'barge_in', data: {} }] });
    const bargeInAt = genesys.receivedTimes[genesys.received.indexOf(bargeIn)]!;
    expect(genesys.audioTimes.filter((t) => t > bargeInAt)).toEqual([]);
    expect(answerRequest.state).toBe('abandoned');
    expect((disconnect.parameters as { outputVariables?: Record<string, string> }).outputVariables).toMatchObject({ transferTo: 'Billing' });
    const messages = await storedMessages(conversationId);
    const interrupted = messages.find((m) => m.role === 'assistant' && textOf(m).includes(INTERRUPTED_MARK));
    expect(textOf(interrupted).startsWith(ANSWER[0]!)).toBe(true);
    expect(textOf(interrupted)).not.toContain(ANSWER[3]);
    expect(messages.filter((m) => textOf(m).includes(ANSWER[3]!))).toEqual([]);
    expect(genesys.violations).toEqual([]);
  });

  it('plays the first sentence before the model has finished the answer', { timeout: 30_000 }, async () => {
    // The first sentence is written in about half a second, the rest takes seconds more.
    aws.bedrock.settings.interDeltaMs = 150;
    aws.bedrock.reply({ blocks: [{ text: 'Sure, one moment. ' + ANSWER.join(' ') }] });
    const conversationId = randomUUID();
    const { genesys, caller, greetingChunks } = await askedCall(conversationId);
    const answerRequest = aws.bedrock.requests.at(-1)!;

    await eventually(() => genesys.audio.length > greetingChunks, 10_000);
    const stateAtFirstAudio = answerRequest.state;
    await eventually(() => answerRequest.state !== 'streaming', 15_000);
    await genesys.close('end');
    caller.stop();
    await genesys.closed;

    expect(stateAtFirstAudio).toBe('streaming');
    expect(answerRequest.state).toBe('completed');
    expect(genesys.violations).toEqual([]);
  });
});
