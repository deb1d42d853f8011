import { describe, expect, it } from 'vitest';
import { createListenBot } from '../../../../runtime/src/bot/listen/listen-bot.js';
import { listenDefinitionSchema } from '../../../../runtime/src/bot/listen/listen-definition.js';
import type { BotState } from '../../../../runtime/src/bot/ports.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { callContext, keys, live, noInput, run, say, start } from '../flow/flow-test-helpers.js';

const START_EPOCH_MS = Date.UTC(2026, 0, 1);
const listenBot = (limits: Record<string, unknown> = {}, clock = new FakeClock({ epochMs: START_EPOCH_MS })) =>
  createListenBot('listen', listenDefinitionSchema.parse({ type: 'listen', ...limits }), clock);

describe('listen-only bot', () => {
  it('declares itself listen-only', () => {
    expect(listenBot().listenOnly).toBe(true);
  });

  it('returns no actions for any input', async () => {
    const turns = await run(listenBot().startConversation(callContext()), [start, say('hello'), keys('12#'), noInput]);
    expect(turns).toEqual([[], [], [], []]);
  });

  it('records final transcripts with their time in its state', async () => {
    const clock = new FakeClock({ epochMs: START_EPOCH_MS });
    const conversation = listenBot({}, clock).startConversation(callContext());
    await run(conversation, [say(' I want to cancel ')]);
    clock.advance(1500);
    await run(conversation, [say('my subscription')]);
    expect(conversation.state()).toMatchObject({
      utterances: [
        { text: 'I want to cancel', atEpochMs: START_EPOCH_MS },
        { text: 'my subscription', atEpochMs: START_EPOCH_MS + 1500 },
      ],
      truncated: false,
    });
  });

  it('does not record digits, silence or blank transcripts', async () => {
    const conversation = listenBot().startConversation(callContext());
    await run(conversation, [keys('1'), noInput, say('   ')]);
    expect(conversation.state()).toMatchObject({ utterances: [], storedChars: 0 });
  });

  it('keeps the first utterances up to maxUtterances and counts the rest as dropped', async () => {
    const conversation = listenBot({ maxUtterances: 2 }).startConversation(callContext());
    await run(conversation, [say('one'), say('two'), say('three'), say('four')]);
    const state = conversation.state();
    expect(state).toMatchObject({ droppedUtterances: 2, truncated: true });
    expect((state.utterances as Array<{ text: string }>).map((u) => u.text)).toEqual(['one', 'two']);
  });

  it('cuts the utterance that reaches maxTranscriptChars and marks the transcript truncated', async () => {
    const conversation = listenBot({ maxTranscriptChars: 100 }).startConversation(callContext());
    await run(conversation, [say('a'.repeat(60)), say('b'.repeat(60)), say('c')]);
    const state = conversation.state();
    expect(state).toMatchObject({ storedChars: 100, droppedUtterances: 1, truncated: true });
    expect((state.utterances as Array<{ text: string }>).map((u) => u.text)).toEqual(['a'.repeat(60), 'b'.repeat(40)]);
  });

  it('continues the transcript from persisted state', async () => {
    const first = listenBot().startConversation(callContext());
    await run(first, [say('hello')]);
    const persisted = JSON.parse(JSON.stringify(first.state())) as BotState;
    const second = listenBot().startConversation(callContext(), persisted);
    await run(second, [say('again')]);
    expect((second.state().utterances as Array<{ text: string }>).map((u) => u.text)).toEqual(['hello', 'again']);
  });

  it('starts an empty transcript from unusable persisted state', () => {
    const conversation = listenBot().startConversation(callContext(), { utterances: 'nope' });
    expect(conversation.state()).toMatchObject({ utterances: [], storedChars: 0, droppedUtterances: 0 });
  });

  it('rejects an aborted turn without recording it', async () => {
    const conversation = listenBot().startConversation(callContext());
    const controller = new AbortController();
    controller.abort(new Error('hang-up'));
    await expect(conversation.turn(say('lost'), controller.signal)).rejects.toThrow('hang-up');
    await conversation.turn(say('kept'), live());
    expect((conversation.state().utterances as Array<{ text: string }>).map((u) => u.text)).toEqual(['kept']);
  });
});
