import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toDataActionKeys } from '../../runtime/src/auth/data-action-keys.js';
import { createStaticKeyStore } from '../../runtime/src/auth/static-key-store.js';
import { loadBots, type BotRegistry } from '../../runtime/src/bot/bot-definitions.js';
import { createDataActionLambda, type DataActionLambdaDeps, type DataActionLambdaHandler } from '../../runtime/src/lambda/data-action-lambda.js';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { silentLogger } from '../../runtime/src/shared/logger.js';
import { createDynamoDbSessionStore, toDocumentClient } from '../../runtime/src/store/dynamodb-session-store.js';
import { startDynalite, type TestDynalite } from '../support/dynalite.js';
import { httpApiEvent, lambdaContext } from '../unit/data-action/api-gateway-events.js';
import { BOTS_DIR } from '../unit/data-action/data-action-helpers.js';

interface Answer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Record<string, unknown> & { error?: { code: string } };
}

describe('Data Action Lambda (API Gateway HTTP API v2 events, DynamoDB on dynalite)', () => {
  let dynalite: TestDynalite;
  let bots: BotRegistry;
  let tableName: string;
  let handler: DataActionLambdaHandler;

  beforeAll(async () => {
    dynalite = await startDynalite();
    bots = await loadBots(BOTS_DIR, { clock: systemClock });
  });
  afterAll(async () => {
    await dynalite.close();
  });

  /** One Lambda container: its own cold start, SDK client and memory, sharing only the table. */
  const container = (): DataActionLambdaHandler =>
    createDataActionLambda(() =>
      Promise.resolve<DataActionLambdaDeps>({
        keys: toDataActionKeys(createStaticKeyStore(new Map([['lambda-key', new TextEncoder().encode('00000000-0000-4000-8000-000000000001')]]))),
        bots,
        store: createDynamoDbSessionStore({ client: toDocumentClient(dynalite.newClient()), tableName, clock: systemClock }),
        clock: systemClock,
        logger: silentLogger,
      }),
    );

  beforeEach(async () => {
    tableName = await dynalite.createTable();
    handler = container();
  });

  const invoke = async (event: Parameters<DataActionLambdaHandler>[0], h = handler): Promise<Answer> => {
    const result = await h(event, lambdaContext());
    return { status: result.statusCode, headers: result.headers, body: JSON.parse(result.body) as Answer['body'] };
  };
  const turn = (body: unknown, h = handler) => invoke(httpApiEvent({ body }), h);

  it('answers a good request with 200 and the flat JSON reply', async () => {
    const answer = await turn({ sender: 'conv-1', message: 'I need support' });
    expect({ status: answer.status, type: answer.headers['content-type'], body: answer.body }).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: {
        text: "You'll be connected to support.",
        messages: ["You'll be connected to support."],
        ended: true,
        botOutcome: 'transfer',
        intent: 'support',
        transferTo: 'Support',
        expectDigits: false,
        maxDigits: 0,
        turnCount: 1,
        outputVariables: { intent: 'support', transferTo: 'Support', botOutcome: 'transfer' },
        outputVariablesJson: '{"intent":"support","transferTo":"Support","botOutcome":"transfer"}',
      },
    });
  });

  it('continues the conversation across two calls, even on another Lambda container', async () => {
    const first = await turn({ sender: 'conv-2', message: '', connectorId: 'account', variables: { customerName: 'Ann' } });
    const second = await turn({ sender: 'conv-2', message: '4 4 4 5 5 5 6 #' }, container());
    expect({
      greeting: first.body.text,
      expectDigits: first.body.expectDigits,
      ended: second.body.ended,
      accountNumber: (second.body.outputVariables as Record<string, string>).accountNumber,
      turnCount: second.body.turnCount,
    }).toEqual({
      greeting: 'Hello Ann. Please say or key in your account number, then press the hash key.',
      expectDigits: true,
      ended: true,
      accountNumber: '4445556',
      turnCount: 2,
    });
  });

  it('accepts a base64-encoded body', async () => {
    const answer = await invoke(httpApiEvent({ body: { sender: 'conv-3', message: 'sales' }, base64: true }));
    expect({ status: answer.status, intent: answer.body.intent }).toEqual({ status: 200, intent: 'sales' });
  });

  it('answers bad JSON with 400 ERR_DATA_ACTION_INVALID_JSON', async () => {
    const answer = await invoke(httpApiEvent({ body: '{"sender": "conv-1", "message": ' }));
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 400, code: 'ERR_DATA_ACTION_INVALID_JSON' });
  });

  it('answers a missing X-API-KEY with 401 ERR_DATA_ACTION_UNAUTHORIZED', async () => {
    const answer = await invoke(httpApiEvent({ body: { sender: 'conv-1', message: 'hi' }, omitApiKey: true }));
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 401, code: 'ERR_DATA_ACTION_UNAUTHORIZED' });
  });

  it('answers a wrong X-API-KEY with 401 ERR_DATA_ACTION_UNAUTHORIZED', async () => {
    const answer = await invoke(httpApiEvent({ body: { sender: 'conv-1', message: 'hi' }, headers: { 'x-api-key': 'stolen' } }));
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 401, code: 'ERR_DATA_ACTION_UNAUTHORIZED' });
  });

  it('answers an unknown bot with 404 ERR_DATA_ACTION_UNKNOWN_BOT', async () => {
    const answer = await turn({ sender: 'conv-1', message: 'hi', connectorId: 'nobody' });
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 404, code: 'ERR_DATA_ACTION_UNKNOWN_BOT' });
  });

  it('answers an oversize message with 400 ERR_DATA_ACTION_MESSAGE_TOO_LONG', async () => {
    const answer = await turn({ sender: 'conv-1', message: 'billing '.repeat(300) });
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 400, code: 'ERR_DATA_ACTION_MESSAGE_TOO_LONG' });
  });

  it('answers an oversize body with 413 ERR_DATA_ACTION_BODY_TOO_LARGE', async () => {
    const answer = await turn({ sender: 'conv-1', message: 'x', metadata: { padding: 'x'.repeat(70_000) } });
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 413, code: 'ERR_DATA_ACTION_BODY_TOO_LARGE' });
  });

  it('answers another method with 405 ERR_HTTP_METHOD_NOT_ALLOWED', async () => {
    const answer = await invoke(httpApiEvent({ method: 'GET' }));
    expect({ status: answer.status, code: answer.body.error?.code, allow: answer.headers.allow }).toEqual({
      status: 405,
      code: 'ERR_HTTP_METHOD_NOT_ALLOWED',
      allow: 'POST',
    });
  });

  it('answers 503 with Retry-After while DynamoDB is down, without half-applying the turn', async () => {
    await turn({ sender: 'conv-4', message: '' });
    await dynalite.stop();
    let down: Answer;
    try {
      down = await turn({ sender: 'conv-4', message: 'billing' });
    } finally {
      await dynalite.restart();
    }
    const retried = await turn({ sender: 'conv-4', message: 'billing' });
    expect({
      down: { status: down.status, code: down.body.error?.code, retryAfter: down.headers['retry-after'] },
      retried: { status: retried.status, intent: retried.body.intent, turnCount: retried.body.turnCount },
    }).toEqual({
      down: { status: 503, code: 'ERR_DATA_ACTION_STORE_UNAVAILABLE', retryAfter: '2' },
      retried: { status: 200, intent: 'billing', turnCount: 2 },
    });
  });

  it('answers 500 when the cold start fails, and tries the cold start again on the next invocation', async () => {
    let starts = 0;
    const flaky = createDataActionLambda(() => {
      starts += 1;
      if (starts === 1) return Promise.reject(new Error('secret not readable yet'));
      return Promise.resolve<DataActionLambdaDeps>({
        keys: toDataActionKeys(createStaticKeyStore(new Map([['lambda-key', new TextEncoder().encode('00000000-0000-4000-8000-000000000001')]]))),
        bots,
        store: createDynamoDbSessionStore({ client: dynalite.doc, tableName, clock: systemClock }),
        clock: systemClock,
        logger: silentLogger,
      });
    });
    const first = await turn({ sender: 'conv-5', message: 'sales' }, flaky);
    const second = await turn({ sender: 'conv-5', message: 'sales' }, flaky);
    expect({ first: [first.status, first.body.error?.code], second: second.status, starts }).toEqual({
      first: [500, 'ERR_HTTP_INTERNAL'],
      second: 200,
      starts: 2,
    });
  });
});
