import { beforeEach, describe, expect, it } from 'vitest';
import type { BotRegistry } from '../../../runtime/src/bot/bot-definitions.js';
import { runDataActionTurn, type DataActionTurnDeps } from '../../../runtime/src/data-action/run-data-action-turn.js';
import type { DataActionRequest } from '../../../runtime/src/data-action/parse-data-action-request.js';
import { AppError } from '../../../runtime/src/shared/errors.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { err } from '../../../runtime/src/shared/result.js';
import { createMemorySessionStore } from '../../../runtime/src/store/memory-session-store.js';
import type { SessionStore } from '../../../runtime/src/store/ports.js';
import { FakeClock } from '../../support/fake-clock.js';
import { botsWith, live, scriptedBot, switchableStore } from './data-action-helpers.js';

const TEST_ORG = '00000000-0000-4000-8000-000000000001';
const ask = (message: string, extra: Partial<DataActionRequest> = {}): DataActionRequest => ({ sender: 'conv-1', message, ...extra });

describe('runDataActionTurn', () => {
  let clock: FakeClock;
  let store: ReturnType<typeof switchableStore>;
  let bots: BotRegistry;
  let deps: DataActionTurnDeps;
  const webhook = scriptedBot('remote', () => Promise.resolve({ actions: [{ type: 'say', text: 'Remote says hi.' }] }));
  const broken = scriptedBot('broken', () => Promise.reject(new AppError('ERR_BOT_UNAVAILABLE', 'down', { category: 'unavailable' })));

  beforeEach(async () => {
    clock = new FakeClock();
    store = switchableStore(createMemorySessionStore({ clock }));
    bots = await botsWith(clock, [webhook, broken]);
    deps = { bots, store, clock, logger: silentLogger };
    webhook.inputs.length = 0;
  });

  const turn = (request: DataActionRequest, over: Partial<DataActionTurnDeps> = {}) => runDataActionTurn(request, TEST_ORG, { ...deps, ...over }, live());
  /**
   * The store, with another writer saving over conv-1 just before each of our first `races` saves,
   * advancing its `turnCount` by `turns`: our versioned write then conflicts.
   */
  const racingStore = (races: number, turns = 0): SessionStore => {
    let left = races;
    return {
      ...store,
      async putConversation(next) {
        if (left > 0) {
          left -= 1;
          const current = (await store.getConversation('conv-1'))!;
          await store.putConversation({ ...current, version: current.version + 1, turnCount: current.turnCount + turns });
        }
        return store.putConversation(next);
      },
    };
  };
  const reply = async (request: DataActionRequest) => {
    const result = await turn(request);
    if (!result.ok) throw new Error(`unexpected problem ${result.error.code}`);
    return result.value;
  };

  it('appends what a listen-only bot hears on this route to the transcript items, not to its state', async () => {
    await reply(ask('first words', { connectorId: 'listen' }));
    await reply(ask('second words', { connectorId: 'listen' }));
    expect((await store.readTranscript('conv-1')).map((l) => [l.seq, l.text])).toEqual([
      [0, 'first words'],
      [1, 'second words'],
    ]);
    expect((await store.getConversation('conv-1'))?.botState).toMatchObject({ version: 2, lines: 2 });
  });

  it('answers the first message directly, as Rasa\'s REST channel does', async () => {
    const r = await reply(ask('I want to pay my bill'));
    expect({ text: r.text, ended: r.ended, botOutcome: r.botOutcome, intent: r.intent, transferTo: r.transferTo, turnCount: r.turnCount }).toEqual({
      text: "You'll be connected to billing.",
      ended: true,
      botOutcome: 'transfer',
      intent: 'billing',
      transferTo: 'Billing',
      turnCount: 1,
    });
  });

  it('greets when a new conversation starts with a blank message, using the variables', async () => {
    const r = await reply(ask('', { variables: { customerName: 'Ann' } }));
    expect({ text: r.text, ended: r.ended }).toEqual({ text: 'Hello Ann. Say billing, sales or support, or press 1, 2 or 3.', ended: false });
  });

  it('treats a blank message in a started conversation as no input', async () => {
    await reply(ask(''));
    const r = await reply(ask('  '));
    expect(r.text).toBe('Are you still there? Say billing, sales or support, or press 1, 2 or 3.');
  });

  it('continues the stored conversation on the next call', async () => {
    await reply(ask('', { connectorId: 'account' }));
    const r = await reply(ask('one two three four five six #'));
    expect({ ended: r.ended, accountNumber: r.outputVariables.accountNumber, turnCount: r.turnCount }).toEqual({
      ended: true,
      accountNumber: '123456',
      turnCount: 2,
    });
  });

  it('says when the bot expects keyed digits next', async () => {
    const r = await reply(ask('', { connectorId: 'account' }));
    expect({ expectDigits: r.expectDigits, maxDigits: r.maxDigits }).toEqual({ expectDigits: true, maxDigits: 10 });
  });

  it('answers an ended conversation with its outcome again and writes nothing', async () => {
    await reply(ask('sales'));
    const before = await store.getConversation('conv-1');
    const r = await reply(ask('hello again'));
    expect({ text: r.text, ended: r.ended, intent: r.intent, stored: await store.getConversation('conv-1') }).toEqual({
      text: '',
      ended: true,
      intent: 'sales',
      stored: before,
    });
  });

  it('uses the bot\'s language unless the request or the conversation names one', async () => {
    await reply(ask('', { connectorId: 'remote' }));
    await reply(ask('', { sender: 'conv-2', connectorId: 'remote', language: 'fr-FR' }));
    expect([(await store.getConversation('conv-1'))?.language, (await store.getConversation('conv-2'))?.language]).toEqual(['en-GB', 'fr-FR']);
  });

  it('refuses an unknown bot with ERR_DATA_ACTION_UNKNOWN_BOT', async () => {
    expect(await turn(ask('hi', { connectorId: 'nobody' }))).toEqual(err({ code: 'ERR_DATA_ACTION_UNKNOWN_BOT', path: 'connectorId' }));
  });

  it('refuses a request naming another bot than the conversation\'s', async () => {
    await reply(ask(''));
    const result = await turn(ask('hi', { connectorId: 'account' }));
    expect(result.ok ? undefined : result.error.code).toBe('ERR_DATA_ACTION_CONNECTOR_MISMATCH');
  });

  it('answers ERR_DATA_ACTION_STORE_UNAVAILABLE when the store is down, leaving the conversation as it was', async () => {
    await reply(ask(''));
    const before = await store.getConversation('conv-1');
    const failingPut: SessionStore = { ...store, putConversation: () => Promise.reject(new AppError('ERR_STORE_UNAVAILABLE', 'x', { category: 'unavailable' })) };
    const result = await turn(ask('billing'), { store: failingPut });
    expect({ code: result.ok ? undefined : result.error.code, stored: await store.getConversation('conv-1') }).toEqual({
      code: 'ERR_DATA_ACTION_STORE_UNAVAILABLE',
      stored: before,
    });
  });

  it('answers ERR_DATA_ACTION_STORE_UNAVAILABLE when the state cannot be read', async () => {
    store.down = true;
    const result = await turn(ask('billing'));
    expect(result.ok ? undefined : result.error.code).toBe('ERR_DATA_ACTION_STORE_UNAVAILABLE');
  });

  it('answers ERR_HTTP_INTERNAL for a store failure a retry cannot fix', async () => {
    const denied: SessionStore = { ...store, getConversation: () => Promise.reject(new AppError('ERR_STORE_AUTH', 'x', { category: 'auth' })) };
    const result = await turn(ask('billing'), { store: denied });
    expect(result.ok ? undefined : result.error.code).toBe('ERR_HTTP_INTERNAL');
  });

  it('answers ERR_DATA_ACTION_BOT_FAILED when the bot fails, and stores nothing', async () => {
    const result = await turn(ask('hi', { connectorId: 'broken' }));
    expect({ code: result.ok ? undefined : result.error.code, stored: await store.getConversation('conv-1') }).toEqual({
      code: 'ERR_DATA_ACTION_BOT_FAILED',
      stored: undefined,
    });
  });

  it('runs the turn again on the fresh state when another writer saved in between', async () => {
    await reply(ask(''));
    // The voice route answers first: a no-match reprompt moves the conversation on.
    const result = await turn(ask('support'), { store: racingStore(1, 1) });
    expect({ ok: result.ok, turnCount: result.ok ? result.value.turnCount : 0, version: (await store.getConversation('conv-1'))?.version }).toEqual({
      ok: true,
      turnCount: 3,
      version: 3,
    });
  });

  it('does not ask a webhook bot twice when the first save lost a race', async () => {
    await reply(ask('', { connectorId: 'remote' }));
    const result = await turn(ask('hello'), { store: racingStore(1) });
    expect({ ok: result.ok, asked: webhook.inputs.length }).toEqual({ ok: true, asked: 2 });
  });

  it('answers ERR_DATA_ACTION_CONFLICT when the retry loses the race too', async () => {
    await reply(ask(''));
    const result = await turn(ask('billing'), { store: racingStore(Infinity) });
    expect(result.ok ? undefined : result.error.code).toBe('ERR_DATA_ACTION_CONFLICT');
  });
});
