/**
 * Time to first audio of an `llm` bot's answer, and the server's share of it. One call over real
 * sockets to the real application, whose `llm` bot talks to the local Bedrock-compatible endpoint
 * (in this process, port 0) through the real BedrockRuntimeClient. The endpoint waits `ttftMs`
 * before the first token and then writes the rest at once, so the model's time to the first
 * sentence is its time to first token. Each turn: the recognizer double hands the server a final
 * transcript at t0 (the caller's turn ends), and the Genesys client notes when the first byte of
 * the answer's audio arrives. `serverMs` = that − t0 − ttftMs: the call state machine, the turn
 * runner, the llm bot, the SDK request and event-stream decoding, the sentence splitter, synthesis
 * (a zero-latency double) and the paced sender, plus the loopback hops.
 *
 * `npx tsx test/measure/llm-first-audio.ts [turns=20] [ttftMs=300]`; prints one JSON line. Not a test.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { FakeSpeechSynthesizer } from '../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { ScriptedRecognizer, transcriptEvent } from '../support/call-harness.js';
import { CallerAudioPlayer } from '../support/caller-audio-player.js';
import { clientConfig, startLocalAwsForTest } from '../support/local-aws.js';
import { BOTS_DIR, eventually, startTestServer } from '../support/test-server.js';

const turns = Number(process.argv[2] ?? 20);
const ttftMs = Number(process.argv[3] ?? 300);

const aws = await startLocalAwsForTest({ bedrock: { timeToFirstTokenMs: ttftMs, interDeltaMs: 0 } });
const bedrock = new BedrockRuntimeClient({ ...clientConfig(aws), maxAttempts: 1 });
const botsDir = mkdtempSync(join(tmpdir(), 'llm-first-audio-'));
copyFileSync(join(BOTS_DIR, 'default.json'), join(botsDir, 'default.json'));
writeFileSync(
  join(botsDir, 'assistant.json'),
  JSON.stringify({ type: 'llm', modelId: 'us.amazon.nova-lite-v1:0', systemPrompt: 'Answer briefly.', greeting: 'Hello.', maxTurns: turns + 1 }),
);
const recognizer = new ScriptedRecognizer();
const server = await startTestServer(
  { BOTS_DIR: botsDir, LOG_LEVEL: 'warn' },
  { bedrock, speech: { mode: 'custom', recognizer, synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 0, msPerChar: 10 }) } },
);

const genesys = await server.connect({ path: '/audiohook/assistant' });
await genesys.open();
const caller = new CallerAudioPlayer(genesys).start();
await eventually(() => genesys.audio.length > 0 && !genesys.playing, 10_000);

const totalMs: number[] = [];
for (let turn = 0; turn < turns; turn += 1) {
  aws.bedrock.reply({ blocks: [{ text: 'Here is the first sentence of the answer. And here is the second one.' }] });
  const before = genesys.audio.length;
  const t0 = performance.now();
  recognizer.emit(transcriptEvent('final', `turn-${turn}`, 'a question from the caller'));
  await eventually(() => genesys.audio.length > before, 10_000);
  totalMs.push(genesys.audioTimes[before]! - t0);
  await eventually(() => !genesys.playing, 10_000);
}

caller.stop();
await genesys.close('end');
await server.close();
bedrock.destroy();
await aws.close();
rmSync(botsDir, { recursive: true, force: true });

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};
const summary = (values: number[]) => ({ p50: pct(values, 50), p90: pct(values, 90), max: pct(values, 100) });
const serverMs = totalMs.map((ms) => ms - ttftMs);
process.stdout.write(`${JSON.stringify({ measure: 'llm first audio', turns, ttftMs, firstAudioMs: summary(totalMs), serverMs: summary(serverMs) })}\n`);
