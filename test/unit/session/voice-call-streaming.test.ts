import { describe, expect, it } from 'vitest';
import type { BotAction, BotInput, BotTurnEvent } from '../../../runtime/src/bot/ports.js';
import { noCallMetrics, type CallMetrics } from '../../../runtime/src/session/call-metrics.js';
import { AppError } from '../../../runtime/src/shared/errors.js';
import { AsyncQueue } from '../../../runtime/src/shared/async-queue.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { createCallHarness, end, FailingSynthesizer, type CallHarness, type CallHarnessOptions } from '../../support/call-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

/**
 * A bot that streams its turns (as an llm bot does) through the voice call on the fake clock: the
 * test writes each turn's events by hand, so it decides when the "model" has written what.
 */

const BARGE_IN = [{ type: 'barge_in', data: {} }];
const S1 = 'First sentence is here.';
const S2 = 'Second sentence follows now.';
const S3 = 'Third sentence ends it.';

/** One streamed turn as the test writes it. */
interface WrittenTurn {
  readonly input: BotInput;
  readonly signal: AbortSignal;
  say(text: string): void;
  done(actions?: readonly BotAction[]): void;
  fail(error: Error): void;
}

/** The streaming bot's turns, in order; an aborted turn's stream fails with the abort, as a model stream does. */
class TurnWriter {
  readonly turns: WrittenTurn[] = [];

  readonly streamed = (input: BotInput, signal: AbortSignal): AsyncIterable<BotTurnEvent> => {
    const events = new AsyncQueue<BotTurnEvent>();
    signal.addEventListener('abort', () => events.fail(signal.reason), { once: true });
    this.turns.push({
      input,
      signal,
      say: (text) => events.push({ type: 'say', text }),
      done: (actions = []) => {
        events.push({ type: 'done', actions });
        events.close();
      },
      fail: (error) => events.fail(error),
    });
    return events;
  };

  turn(index: number): WrittenTurn {
    const turn = this.turns[index];
    if (turn === undefined) throw new Error(`no turn ${index} yet`);
    return turn;
  }
}

/** Milliseconds of audio the fake synthesizer makes for `text`. */
const playMs = (text: string): number => new FakeSpeechSynthesizer({ clock: new FakeClock() }).durationMs({ text, ssml: false, languageCode: 'en-US' });

/** A call to a streaming bot whose start turn says nothing; the caller's key `1` asks the question. */
async function askedCall(options: Partial<CallHarnessOptions> = {}): Promise<{ call: CallHarness; writer: TurnWriter; answer: WrittenTurn }> {
  const writer = new TurnWriter();
  const call = await createCallHarness({ script: { streamed: writer.streamed }, ...options });
  writer.turn(0).done();
  await call.run(10);
  await call.dtmf('1');
  await call.run(10);
  return { call, writer, answer: writer.turn(1) };
}

/** Index in the control calls of the `barge_in` event. */
const bargeInIndex = (call: CallHarness): number =>
  call.controls.calls.findIndex((c) => c.type === 'sendEvent' && JSON.stringify(c.entities) === JSON.stringify(BARGE_IN));

describe('voice call: a streaming bot', () => {
  it('speaks the first sentence while the bot is still writing the rest', async () => {
    const { call, answer } = await askedCall();

    answer.say(S1);
    await call.runUntil(() => call.controls.audio.length > 0, 2_000);

    expect(call.synthesisRequests.map((r) => r.text)).toEqual([S1]);
    expect(answer.signal.aborted).toBe(false);
    answer.say(S2);
    answer.say(S3);
    answer.done();
    await call.runUntil(() => call.synthesisRequests.length === 3, 2_000);
    expect(call.synthesisRequests.map((r) => r.text)).toEqual([S1, S2, S3]);
  });

  it('measures the reply latency from the caller input to the first sentence audio', async () => {
    const latencies: (number | undefined)[] = [];
    const metrics: CallMetrics = { ...noCallMetrics, turn: (ms) => void latencies.push(ms) };
    const { call, answer } = await askedCall({ metrics, synthesizerOptions: { latencyMs: 150 } });
    const askedAt = call.clock.now() - 10;

    await call.run(300);
    answer.say(S1);
    await call.runUntil(() => call.controls.audio.length > 0, 2_000);
    const firstAudioAt = call.controls.callsOf('sendAudio')[0]!.atMs;
    answer.done();
    await call.runUntil(() => latencies.length === 2, 10_000);

    expect(latencies[1]).toBe(firstAudioAt - askedAt);
    expect(firstAudioAt - askedAt).toBeGreaterThanOrEqual(450);
  });

  it('reports the output variables and end of a finished turn after its sentences', async () => {
    const { call, answer } = await askedCall();

    answer.say(S1);
    answer.done([{ type: 'setOutputVariables', variables: { topic: 'orders' } }, end({ intent: 'done' })]);
    await call.untilNextPromptQueued();
    await call.playbackCompleted();

    expect(call.controls.disconnects.map((d) => d.outputVariables)).toEqual([{ botOutcome: 'completed', topic: 'orders', intent: 'done' }]);
    expect(call.bot.interruptions).toEqual([]);
  });

  it('on barge-in during the first sentence: aborts the stream, tells the bot only that sentence was heard, sends no more audio', async () => {
    const { call, writer, answer } = await askedCall();
    answer.say(S1);
    answer.say(S2);
    answer.say(S3);
    await call.runUntil(() => call.controls.audio.length > 0, 2_000);
    await call.run(playMs(S1) / 2);

    await call.dtmf('5');
    await call.run(5_000, 50);

    expect(answer.signal.aborted).toBe(true);
    expect(call.bot.interruptions).toEqual([S1]);
    expect(bargeInIndex(call)).toBeGreaterThan(0);
    expect(call.controls.calls.slice(bargeInIndex(call)).filter((c) => c.type === 'sendAudio')).toEqual([]);
    expect(call.synthesisRequests.map((r) => r.text)).not.toContain(S3);
    // The key that barged in is the caller's next turn.
    expect(writer.turn(2).input).toEqual({ type: 'digits', digits: '5' });
  });

  it('counts a sentence as heard once its playback started, even if cut short', async () => {
    const { call, answer } = await askedCall();
    answer.say(S1);
    answer.say(S2);
    answer.say(S3);
    await call.runUntil(() => call.controls.audio.length > 0, 2_000);
    await call.run(playMs(S1) + 100);

    await call.dtmf('5');
    await call.run(1_000, 50);

    expect(call.bot.interruptions).toEqual([`${S1} ${S2}`]);
    expect(call.controls.calls.slice(bargeInIndex(call)).filter((c) => c.type === 'sendAudio')).toEqual([]);
  });

  it('on barge-in while the bot is still writing, between sentences: aborts the stream and reports nothing of the turn', async () => {
    const { call, answer } = await askedCall();
    answer.say(S1);
    await call.untilNextPromptQueued();
    await call.run(200);

    await call.dtmf('5');
    await call.run(1_000, 50);

    expect(answer.signal.aborted).toBe(true);
    expect(call.bot.interruptions).toEqual([S1]);
    expect(call.controls.disconnects).toEqual([]);
  });

  it('keeps the end of a turn the bot had finished before the barge-in (an ending tool already called stands)', async () => {
    const { call, answer } = await askedCall({ synthesizerOptions: { latencyMs: 400 } });
    answer.say(S1);
    answer.say(S2);
    answer.done([end({ botOutcome: 'transfer', transferTo: 'Billing' })]);
    await call.runUntil(() => call.controls.audio.length > 0, 2_000);
    await call.run(100);

    await call.dtmf('5');
    await call.runUntil(() => call.controls.disconnects.length > 0, 5_000);

    expect(call.bot.interruptions).toEqual([S1]);
    expect(call.controls.disconnects[0]!.outputVariables).toEqual({ botOutcome: 'transfer', transferTo: 'Billing' });
    expect(call.controls.calls.slice(bargeInIndex(call)).filter((c) => c.type === 'sendAudio')).toEqual([]);
  });

  it('aborts the stream when the caller hangs up mid-answer', async () => {
    const { call, answer } = await askedCall();
    answer.say(S1);
    await call.untilNextPromptQueued();

    await call.closing();
    const sent = call.controls.audio.length;
    answer.say(S2);
    await call.run(3_000, 50);

    expect(answer.signal.aborted).toBe(true);
    expect(call.controls.audio.length).toBe(sent);
    expect(call.synthesisRequests.map((r) => r.text)).toEqual([S1]);
  });

  it('aborts the stream and hands back with failedDependency=synthesizer when a sentence cannot be synthesized', async () => {
    const { call, answer } = await askedCall({ synthesizer: new FailingSynthesizer() });

    answer.say(S1);
    await call.runUntil(() => call.controls.disconnects.length > 0, 10_000);

    expect(answer.signal.aborted).toBe(true);
    expect(call.controls.disconnects[0]!.outputVariables).toMatchObject({ botOutcome: 'fallback', failedDependency: 'synthesizer' });
  });

  it('says the fallback after the sentences already written when the bot fails mid-answer', async () => {
    const { call, answer } = await askedCall();
    answer.say(S1);
    await call.untilNextPromptQueued();

    answer.fail(new AppError('ERR_MODEL_UNAVAILABLE', 'model down', { category: 'unavailable', dependency: 'bedrock' }));
    await call.runUntil(() => call.synthesisRequests.length === 2, 2_000);
    await call.untilNextPromptQueued();
    await call.playbackCompleted();
    await call.runUntil(() => call.controls.disconnects.length > 0, 5_000);

    expect(call.synthesisRequests.map((r) => r.text)).toEqual([S1, 'Sorry, something went wrong.']);
    expect(call.controls.disconnects[0]!.outputVariables).toMatchObject({ botOutcome: 'fallback', failedDependency: 'bedrock' });
    expect(call.bot.interruptions).toEqual([]);
  });
});
