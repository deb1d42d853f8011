import { describe, expect, it } from 'vitest';
import { boundHistory, initialLlmState, INTERRUPTED_MARK, restoreLlmState, toRequestMessages, truncateToHeard } from '../../../../runtime/src/bot/llm/llm-state.js';
import type { ModelMessage } from '../../../../runtime/src/model/ports.js';

const user = (text: string): ModelMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): ModelMessage => ({ role: 'assistant', content: [{ type: 'text', text }] });

describe('llm history', () => {
  it('drops the oldest whole turns beyond the token budget, keeping tool uses with their results', () => {
    const long = 'x'.repeat(4_000);
    const messages: ModelMessage[] = [
      user(long),
      { role: 'assistant', content: [{ type: 'toolUse', toolUseId: 't1', name: 'lookup', input: {} }] },
      { role: 'user', content: [{ type: 'toolResult', toolUseId: 't1', status: 'success', json: { a: long } }] },
      assistant('done'),
      user('second'),
      assistant('answer'),
    ];
    const bounded = boundHistory({ ...initialLlmState(0), messages }, 500);
    expect(bounded.messages).toEqual([user('second'), assistant('answer')]);
    expect(bounded.droppedTurns).toBe(1);
  });

  it('always keeps the latest turn even when it alone exceeds the budget', () => {
    const state = { ...initialLlmState(0), messages: [user('y'.repeat(10_000))] };
    expect(boundHistory(state, 500)).toBe(state);
  });

  it('cuts the last answer to what the caller heard, keeping its tool uses', () => {
    const messages: ModelMessage[] = [
      user('hi'),
      { role: 'assistant', content: [{ type: 'text', text: 'One. Two. Three.' }, { type: 'toolUse', toolUseId: 't', name: 'n', input: {} }] },
    ];
    expect(truncateToHeard(messages, 'One.')[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: `One. ${INTERRUPTED_MARK}` }, { type: 'toolUse', toolUseId: 't', name: 'n', input: {} }],
    });
    expect(truncateToHeard(messages, '')[1]!.content[0]).toEqual({ type: 'text', text: INTERRUPTED_MARK });
    expect(truncateToHeard(messages, 'One.  Two. Three.')).toEqual(messages);
  });

  it('cuts an answer spread over a data tool round at what was heard, and leaves earlier turns alone', () => {
    const lookup = { type: 'toolUse' as const, toolUseId: 't', name: 'lookup', input: {} };
    const result = { role: 'user' as const, content: [{ type: 'toolResult' as const, toolUseId: 't', status: 'success' as const, json: {} }] };
    const earlier = [user('hi'), assistant('Hello there.')];
    const messages: ModelMessage[] = [
      ...earlier,
      user('where is my order'),
      { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, lookup] },
      result,
      assistant('It shipped. It arrives Monday.'),
    ];
    expect(truncateToHeard(messages, 'Let me look. It shipped.')).toEqual([
      ...messages.slice(0, 5),
      assistant(`It shipped. ${INTERRUPTED_MARK}`),
    ]);
    expect(truncateToHeard(messages, 'Let me')).toEqual([
      ...earlier,
      user('where is my order'),
      { role: 'assistant', content: [{ type: 'text', text: `Let me ${INTERRUPTED_MARK}` }, lookup] },
      result,
    ]);
    // Nothing of this turn's answer written yet: the earlier answer is not the one interrupted.
    expect(truncateToHeard([...earlier, user('and then?')], '')).toEqual([...earlier, user('and then?')]);
  });

  it('shapes the history for the model: user first, roles alternating, no unanswered tool use', () => {
    const messages: ModelMessage[] = [
      assistant('Hello.'),
      user('a'),
      user('b'),
      { role: 'assistant', content: [{ type: 'text', text: 'Let me' }, { type: 'toolUse', toolUseId: 'lost', name: 'n', input: {} }] },
    ];
    expect(toRequestMessages(messages)).toEqual([
      user('(The call has started.)'),
      assistant('Hello.'),
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      assistant('Let me'),
    ]);
  });

  it('restarts from malformed persisted state', () => {
    expect(restoreLlmState({ version: 2 }, 5)).toEqual(initialLlmState(5));
    const state = { ...initialLlmState(1), messages: [user('x')] };
    expect(restoreLlmState(JSON.parse(JSON.stringify(state)), 5)).toEqual(state);
  });
});
