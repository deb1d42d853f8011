import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BotConversation, BotTurn } from '../../../../runtime/src/bot/ports.js';
import { createWebhookBot } from '../../../../runtime/src/bot/webhook/webhook-bot.js';
import { webhookDefinitionSchema } from '../../../../runtime/src/bot/webhook/webhook-definition.js';
import { AppError } from '../../../../runtime/src/shared/errors.js';
import { keys, live, noInput, say, start } from '../flow/flow-test-helpers.js';
import { ScriptedWebhookServer, TimerWatchingClock } from './scripted-webhook-server.js';

let server: ScriptedWebhookServer;
let clock: TimerWatchingClock;

beforeEach(async () => {
  server = await ScriptedWebhookServer.start();
  clock = new TimerWatchingClock();
});

afterEach(async () => {
  await server.close();
});

const context = {
  conversationId: '8f1b6e1c-2a4e-4a57-9f3e-0f3b6d2f6c11',
  connectorId: 'rasa',
  language: 'en-US',
  inputVariables: { customerName: 'Ann' },
};

function conversation(definition: Record<string, unknown> = {}, url = server.url): BotConversation {
  const parsed = webhookDefinitionSchema.parse({ type: 'webhook', url, ...definition });
  return createWebhookBot('rasa', parsed, { clock, fetch }).startConversation(context);
}

/** The AppError a turn rejected with (fails the test if it resolved). */
async function failure(turn: Promise<BotTurn>): Promise<AppError> {
  const error = await turn.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('webhook bot: requests', () => {
  it('posts the Rasa REST body with the conversation id as sender and the call facts as metadata', async () => {
    await conversation().turn(say('I need help with my bill'), live());
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/webhooks/rest/webhook',
        body: {
          sender: context.conversationId,
          message: 'I need help with my bill',
          metadata: { inputVariables: { customerName: 'Ann' }, language: 'en-US', connectorId: 'rasa', inputType: 'text', customConfig: {} },
        },
      }),
    ]);
  });

  it('sends /greet when the call starts', async () => {
    await conversation().turn(start, live());
    expect(server.requests[0]?.body).toMatchObject({ message: '/greet', metadata: { inputType: 'start' } });
  });

  it('sends the configured start and no-input messages', async () => {
    const bot = conversation({ startMessage: '/welcome', noInputMessage: '/silence' });
    await bot.turn(start, live());
    await bot.turn(noInput, live());
    expect(server.requests.map((request) => request.body)).toMatchObject([{ message: '/welcome' }, { message: '/silence' }]);
  });

  it('sends /no_input after silence by default', async () => {
    await conversation().turn(noInput, live());
    expect(server.requests[0]?.body).toMatchObject({ message: '/no_input', metadata: { inputType: 'noInput' } });
  });

  it('sends keyed digits as the message text', async () => {
    await conversation().turn(keys('1234#'), live());
    expect(server.requests[0]?.body).toMatchObject({ message: '1234#', metadata: { inputType: 'digits' } });
  });

  it("sends the definition's headers and a JSON content type", async () => {
    await conversation({ headers: { Authorization: 'Bearer s3cret', 'X-Tenant': 'acme' } }).turn(start, live());
    expect(server.requests[0]?.headers).toMatchObject({ authorization: 'Bearer s3cret', 'x-tenant': 'acme', 'content-type': 'application/json' });
  });

  it('keeps no state of its own', async () => {
    const bot = conversation();
    await bot.turn(start, live());
    expect(bot.state()).toEqual({});
  });
});

describe('webhook bot: answers', () => {
  it('says each text in order', async () => {
    server.script({ json: [{ recipient_id: context.conversationId, text: 'Hi Ann.' }, { recipient_id: context.conversationId, text: 'How can I help?' }] });
    const turn = await conversation().turn(start, live());
    expect(turn.actions).toEqual([
      { type: 'say', text: 'Hi Ann.' },
      { type: 'say', text: 'How can I help?' },
    ]);
  });

  it('ends the call with the custom output variables and a botOutcome', async () => {
    server.script({ json: [{ text: 'Connecting you to billing.', custom: { end: true, outputVariables: { intent: 'billing', transferTo: 'Billing' } } }] });
    const turn = await conversation().turn(say('billing'), live());
    expect(turn.actions).toEqual([
      { type: 'say', text: 'Connecting you to billing.' },
      { type: 'end', outputVariables: { intent: 'billing', transferTo: 'Billing', botOutcome: 'transfer' } },
    ]);
  });

  it('asks for keyed digits when the answer carries custom.collectDigits', async () => {
    server.script({ json: [{ text: 'Key your PIN.', custom: { collectDigits: { maxDigits: 4, terminator: '#' } } }] });
    const turn = await conversation().turn(start, live());
    expect(turn.actions).toEqual([
      { type: 'say', text: 'Key your PIN.' },
      { type: 'collectDigits', maxDigits: 4, terminator: '#', interDigitTimeoutMs: 3000 },
    ]);
  });

  it('answers an empty array with no actions', async () => {
    server.script({ json: [] });
    expect((await conversation().turn(say('hm'), live())).actions).toEqual([]);
  });
});

describe('webhook bot: failures', () => {
  it('fails with invalidRequest on a 4xx, without retrying', async () => {
    server.script({ status: 400, json: { error: 'bad' } });
    const error = await failure(conversation().turn(start, live()));
    expect([error.category, error.code, server.requests.length]).toEqual(['invalidRequest', 'ERR_BOT_INVALID_REQUEST', 1]);
  });

  it('fails with auth on a 401, without retrying', async () => {
    server.script({ status: 401 });
    const error = await failure(conversation().turn(start, live()));
    expect([error.category, server.requests.length]).toEqual(['auth', 1]);
  });

  it('retries a 5xx after the back-off and returns the answer of the retry', async () => {
    server.script({ status: 503 }, { json: [{ text: 'Back again.' }] });
    const turn = conversation({ retryBackoffMs: 250 }).turn(start, live());
    await clock.timerSet(250);
    expect(server.requests).toHaveLength(1);
    clock.advance(250);
    expect((await turn).actions).toEqual([{ type: 'say', text: 'Back again.' }]);
    expect(server.requests).toHaveLength(2);
  });

  it('doubles the back-off for each further retry', async () => {
    server.script({ status: 500 }, { status: 500 }, { json: [] });
    const turn = conversation({ retries: 2, retryBackoffMs: 100 }).turn(start, live());
    await clock.timerSet(100);
    clock.advance(100);
    await clock.timerSet(200);
    clock.advance(200);
    await turn;
    expect(server.requests).toHaveLength(3);
  });

  it('fails with unavailable when every attempt answers 5xx', async () => {
    server.script({ status: 502 });
    const turn = conversation({ retries: 1, retryBackoffMs: 0 }).turn(start, live());
    const error = await failure(turn);
    expect([error.category, server.requests.length]).toEqual(['unavailable', 2]);
  });

  it('fails with throttled when the webhook keeps answering 429', async () => {
    server.script({ status: 429 });
    const error = await failure(conversation({ retryBackoffMs: 0 }).turn(start, live()));
    expect([error.category, server.requests.length]).toEqual(['throttled', 2]);
  });

  it('fails with unavailable after the per-request timeout, without retrying', async () => {
    server.script('hang');
    const turn = conversation({ timeoutMs: 1500 }).turn(start, live());
    await server.requestsArrived(1);
    clock.advance(1500);
    const error = await failure(turn);
    expect([error.category, error.code, server.requests.length]).toEqual(['unavailable', 'ERR_BOT_TIMEOUT', 1]);
  });

  it('retries when the connection drops, then fails with unavailable', async () => {
    server.script('drop');
    const error = await failure(conversation({ retryBackoffMs: 0 }).turn(start, live()));
    expect([error.category, server.requests.length]).toEqual(['unavailable', 2]);
  });

  it('fails with unavailable when nothing listens at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(conversation({ retries: 0 }, `http://127.0.0.1:${port}/webhook`).turn(start, live()));
    expect(error.category).toBe('unavailable');
  });

  it('fails with invalidRequest when the answer is not JSON', async () => {
    server.script({ raw: '<html>oops</html>' });
    const error = await failure(conversation().turn(start, live()));
    expect([error.category, error.code]).toEqual(['invalidRequest', 'ERR_BOT_INVALID_RESPONSE']);
  });

  it('fails with invalidRequest when the answer breaks the contract', async () => {
    server.script({ json: { text: 'not an array' } });
    const error = await failure(conversation().turn(start, live()));
    expect([error.category, error.code]).toEqual(['invalidRequest', 'ERR_BOT_INVALID_RESPONSE']);
  });

  it('fails with invalidRequest when the answer is larger than 256 KiB', async () => {
    server.script({ json: [{ text: 'x'.repeat(300 * 1024) }] });
    const error = await failure(conversation().turn(start, live()));
    expect(error.code).toBe('ERR_BOT_INVALID_RESPONSE');
  });

  it('does not put header values into the error', async () => {
    server.script({ status: 403 });
    const error = await failure(conversation({ headers: { Authorization: 'Bearer s3cret' } }).turn(start, live()));
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain('s3cret');
  });
});

describe('webhook bot: cancellation', () => {
  it('rejects with the abort reason when the turn is aborted during the request', async () => {
    server.script('hang');
    const controller = new AbortController();
    const turn = conversation().turn(start, controller.signal);
    await server.requestsArrived(1);
    const reason = new Error('barge-in');
    controller.abort(reason);
    await expect(turn).rejects.toBe(reason);
  });

  it('does not retry once the turn is aborted during the back-off', async () => {
    server.script({ status: 503 }, { json: [] });
    const controller = new AbortController();
    const turn = conversation({ retryBackoffMs: 300 }).turn(start, controller.signal);
    await clock.timerSet(300);
    controller.abort(new Error('hang-up'));
    await expect(turn).rejects.toThrow('hang-up');
    clock.advance(300);
    expect(server.requests).toHaveLength(1);
  });

  it('sends nothing for a turn whose signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(conversation().turn(start, controller.signal)).rejects.toThrow('gone');
    expect(server.requests).toHaveLength(0);
  });
});
