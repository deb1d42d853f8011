import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBots, type BotRegistry } from '../../../runtime/src/bot/bot-definitions.js';
import type { Bot } from '../../../runtime/src/bot/ports.js';
import { FakeClock } from '../../support/fake-clock.js';
import { callContext, ending, keys, noInput, run, say, spoken, start } from './flow/flow-test-helpers.js';

const BOTS_DIR = fileURLToPath(new URL('../../../runtime/bots', import.meta.url));
let bots: BotRegistry;

beforeAll(async () => {
  bots = await loadBots(BOTS_DIR, { clock: new FakeClock() });
});

const bot = (connectorId: string): Bot => {
  const found = bots.get(connectorId);
  if (found === undefined) throw new Error(`no shipped bot ${connectorId}`);
  return found;
};

describe('shipped bots: default (call steering)', () => {
  it('greets the caller by name, or as "there"', async () => {
    const [named] = await run(bot('default').startConversation(callContext({ customerName: 'Ann' })), [start]);
    const [anonymous] = await run(bot('default').startConversation(callContext()), [start]);
    expect(spoken(named!)[0]).toMatch(/^Hello Ann\. /);
    expect(spoken(anonymous!)[0]).toMatch(/^Hello there\. /);
  });

  it('ends with intent billing and transferTo Billing when the caller presses 1', async () => {
    const [, reply] = await run(bot('default').startConversation(callContext()), [start, keys('1')]);
    expect(spoken(reply!)).toEqual(["You'll be connected to billing."]);
    expect(ending(reply!)).toEqual({ intent: 'billing', transferTo: 'Billing', botOutcome: 'transfer' });
  });

  it.each([
    ['2', 'sales', 'Sales'],
    ['3', 'support', 'Support'],
  ])('ends key %s with intent %s and transferTo %s', async (key, intent, transferTo) => {
    const [, reply] = await run(bot('default').startConversation(callContext()), [start, keys(key)]);
    expect(ending(reply!)).toEqual({ intent, transferTo, botOutcome: 'transfer' });
  });

  it('understands a spoken request', async () => {
    const [, reply] = await run(bot('default').startConversation(callContext()), [start, say('my internet is not working')]);
    expect(ending(reply!)).toMatchObject({ intent: 'support' });
  });

  it('falls back after three silences', async () => {
    const turns = await run(bot('default').startConversation(callContext()), [start, noInput, noInput, noInput]);
    expect(ending(turns[3]!)).toEqual({ intent: 'fallback', botOutcome: 'fallback' });
  });
});

describe('shipped bots: account (slot example)', () => {
  it('asks for the account number at once and expects keyed digits ended by #', async () => {
    const [greeting] = await run(bot('account').startConversation(callContext()), [start]);
    expect(greeting!.at(-1)).toEqual({ type: 'collectDigits', maxDigits: 10, terminator: '#', interDigitTimeoutMs: 5000 });
  });

  it('ends with the keyed account number', async () => {
    const [, reply] = await run(bot('account').startConversation(callContext()), [start, keys('12345678#')]);
    expect(ending(reply!)).toEqual({ intent: 'account', accountNumber: '12345678', botOutcome: 'completed' });
  });

  it('ends with a spoken account number', async () => {
    const [, reply] = await run(bot('account').startConversation(callContext()), [start, say('one two three four five six')]);
    expect(ending(reply!)).toMatchObject({ accountNumber: '123456' });
  });

  it('transfers a caller who asks for an agent instead', async () => {
    const [, reply] = await run(bot('account').startConversation(callContext()), [start, say('can I talk to an agent')]);
    expect(ending(reply!)).toEqual({ intent: 'agent', transferTo: 'Support', botOutcome: 'transfer' });
  });
});

describe('shipped bots: listen', () => {
  it('is listen-only and says nothing', async () => {
    const turns = await run(bot('listen').startConversation(callContext()), [start, say('hello'), keys('1'), noInput]);
    expect([bot('listen').listenOnly, turns.flat()]).toEqual([true, []]);
  });
});
