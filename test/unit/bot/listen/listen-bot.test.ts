import { describe, expect, it } from 'vitest';
import { createListenBot } from '../../../../runtime/src/bot/listen/listen-bot.js';
import { listenDefinitionSchema } from '../../../../runtime/src/bot/listen/listen-definition.js';
import type { BotConversation, BotInput, BotState, TranscriptAppend, TranscriptLine } from '../../../../runtime/src/bot/ports.js';
import { utf8Bytes } from '../../../support/item-size.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { callContext, keys, live, noInput, run, say, start } from '../flow/flow-test-helpers.js';

const START_EPOCH_MS = Date.UTC(2026, 0, 1);
const listenBot = (limits: Record<string, unknown> = {}, clock = new FakeClock({ epochMs: START_EPOCH_MS })) =>
  createListenBot('listen', listenDefinitionSchema.parse({ type: 'listen', ...limits }), clock);

/** Runs the inputs and returns what each turn appended to the transcript (undefined = nothing). */
async function appended(conversation: BotConversation, inputs: readonly BotInput[]): Promise<(TranscriptAppend | undefined)[]> {
  const out: (TranscriptAppend | undefined)[] = [];
  for (const input of inputs) out.push((await conversation.turn(input, live())).transcript);
  return out;
}
const linesOf = (appends: readonly (TranscriptAppend | undefined)[]): TranscriptLine[] => appends.flatMap((a) => a?.lines ?? []);

describe('listen-only bot', () => {
  it('declares itself listen-only', () => {
    expect(listenBot().listenOnly).toBe(true);
  });

  it('returns no actions for any input', async () => {
    const turns = await run(listenBot().startConversation(callContext()), [start, say('hello'), keys('12#'), noInput]);
    expect(turns).toEqual([[], [], [], []]);
  });

  it('appends each final transcript as a numbered line with its time, not into its state', async () => {
    const clock = new FakeClock({ epochMs: START_EPOCH_MS });
    const conversation = listenBot({}, clock).startConversation(callContext());
    const first = await appended(conversation, [say(' I want to cancel ')]);
    clock.advance(1500);
    const second = await appended(conversation, [{ type: 'text', text: 'my subscription', speaker: 'agent' }]);
    expect([...first, ...second]).toEqual([
      { lines: [{ seq: 0, text: 'I want to cancel', atEpochMs: START_EPOCH_MS, speaker: 'caller' }], dropped: 0 },
      { lines: [{ seq: 1, text: 'my subscription', atEpochMs: START_EPOCH_MS + 1500, speaker: 'agent' }], dropped: 0 },
    ]);
    expect(conversation.state()).toEqual({ version: 2, lines: 2, storedChars: 31, droppedUtterances: 0, truncated: false });
  });

  it('keeps its state the same small size however long the call runs', async () => {
    const conversation = listenBot().startConversation(callContext());
    await appended(conversation, [say('こんにちは😀')]);
    const early = utf8Bytes(conversation.state());
    await appended(conversation, Array.from({ length: 3_000 }, (_, i) => say(`お電話ありがとうございます😀 ${i}`)));
    expect(utf8Bytes(conversation.state())).toBeLessThanOrEqual(early + 16);
    expect(conversation.state()).toMatchObject({ lines: 3_001, droppedUtterances: 0, truncated: false });
  });

  it('does not record digits, silence or blank transcripts', async () => {
    const conversation = listenBot().startConversation(callContext());
    expect(await appended(conversation, [keys('1'), noInput, say('   ')])).toEqual([undefined, undefined, undefined]);
    expect(conversation.state()).toMatchObject({ lines: 0, storedChars: 0 });
  });

  it('bounds a call at eight hours of speech and more by default', () => {
    const definition = listenDefinitionSchema.parse({ type: 'listen' });
    // One final result a second for 8 h on a stereo Monitor stream, ~15 characters a second per channel.
    expect(definition.maxUtterances).toBeGreaterThanOrEqual(8 * 3_600);
    expect(definition.maxTranscriptChars).toBeGreaterThanOrEqual(8 * 3_600 * 2 * 15);
  });

  it('stores the first utterances up to maxUtterances and reports the rest as dropped', async () => {
    const conversation = listenBot({ maxUtterances: 2 }).startConversation(callContext());
    const appends = await appended(conversation, [say('one'), say('two'), say('three'), say('four')]);
    expect(linesOf(appends).map((l) => l.text)).toEqual(['one', 'two']);
    expect(appends.map((a) => a?.dropped)).toEqual([0, 0, 1, 1]);
    expect(conversation.state()).toMatchObject({ lines: 2, droppedUtterances: 2, truncated: true });
  });

  it('cuts the utterance that reaches maxTranscriptChars, marks the line cut and the transcript truncated', async () => {
    const conversation = listenBot({ maxTranscriptChars: 100 }).startConversation(callContext());
    const appends = await appended(conversation, [say('a'.repeat(60)), say('b'.repeat(60)), say('c')]);
    expect(linesOf(appends).map((l) => [l.text, l.cut])).toEqual([
      ['a'.repeat(60), undefined],
      ['b'.repeat(40), true],
    ]);
    expect(appends[2]).toEqual({ lines: [], dropped: 1 });
    expect(conversation.state()).toMatchObject({ storedChars: 100, droppedUtterances: 1, truncated: true });
  });

  it('continues the line numbers from persisted state', async () => {
    const first = listenBot().startConversation(callContext());
    await run(first, [say('hello')]);
    const persisted = JSON.parse(JSON.stringify(first.state())) as BotState;
    const second = listenBot().startConversation(callContext(), persisted);
    expect(linesOf(await appended(second, [say('again')]))).toMatchObject([{ seq: 1, text: 'again' }]);
    expect(second.state()).toMatchObject({ lines: 2 });
  });

  it('moves the inline utterances of a version-1 state out as lines 0…n-1 with the first turn', async () => {
    const legacy = {
      version: 1,
      utterances: [
        { text: 'old one', atEpochMs: 1, speaker: 'caller' },
        { text: 'old two', atEpochMs: 2 },
      ],
      storedChars: 14,
      droppedUtterances: 0,
      truncated: false,
    };
    const conversation = listenBot().startConversation(callContext(), legacy);
    expect(conversation.state()).toEqual({ version: 2, lines: 2, storedChars: 14, droppedUtterances: 0, truncated: false });
    const appends = await appended(conversation, [say('new'), say('newer')]);
    expect(linesOf(appends).map((l) => [l.seq, l.text])).toEqual([
      [0, 'old one'],
      [1, 'old two'],
      [2, 'new'],
      [3, 'newer'],
    ]);
  });

  it('starts an empty transcript from unusable persisted state', () => {
    const conversation = listenBot().startConversation(callContext(), { utterances: 'nope' });
    expect(conversation.state()).toEqual({ version: 2, lines: 0, storedChars: 0, droppedUtterances: 0, truncated: false });
  });

  it('rejects an aborted turn without recording it', async () => {
    const conversation = listenBot().startConversation(callContext());
    const controller = new AbortController();
    controller.abort(new Error('hang-up'));
    await expect(conversation.turn(say('lost'), controller.signal)).rejects.toThrow('hang-up');
    expect(linesOf(await appended(conversation, [say('kept')]))).toMatchObject([{ seq: 0, text: 'kept' }]);
  });
});
