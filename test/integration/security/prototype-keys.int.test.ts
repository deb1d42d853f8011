import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { createDynamoDbSessionStore, toDocumentClient } from '../../../runtime/src/store/dynamodb-session-store.js';
import type { ConversationState, SessionStore } from '../../../runtime/src/store/ports.js';
import { startDynalite, type TestDynalite } from '../../support/dynalite.js';
import { DATA_ACTION_KEY, eventually, startTestServer, type TestServer } from '../../support/test-server.js';

/** Names that collide with Object.prototype, plus the one that means the prototype itself. */
const HOSTILE_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

/** A JSON object with every hostile key as an own property (JSON.parse makes `__proto__` an own key). */
const hostileRecord = (value: string): Record<string, string> =>
  JSON.parse(`{${HOSTILE_KEYS.map((key) => `"${key}":"${value}-${key}"`).join(',')}}`) as Record<string, string>;

/** What a stored map must read back as: every key but `__proto__`, which is never stored. */
const withoutProto = (record: Readonly<Record<string, unknown>>): [string, unknown][] =>
  Object.entries(record)
    .filter(([key]) => key !== '__proto__')
    .sort(([a], [b]) => a.localeCompare(b));

describe('user-supplied map keys named like Object.prototype members', () => {
  let dynalite: TestDynalite;
  let store: SessionStore;
  let server: TestServer;

  beforeAll(async () => {
    dynalite = await startDynalite();
    const tableName = await dynalite.createTable();
    store = createDynamoDbSessionStore({ client: toDocumentClient(dynalite.newClient()), tableName, clock: systemClock });
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.close();
    await dynalite.close();
  });

  it('the Data Action route stores and answers a conversation whose input variables are named constructor, toString, __proto__...', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/webhooks/rest/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': DATA_ACTION_KEY },
      body: `{"sender":"proto-da","message":"","variables":${JSON.stringify(hostileRecord('v'))}}`,
    });
    const stored = await server.app.storage.store.getConversation('proto-da');
    expect({ status: response.status, inputVariables: withoutProto(stored?.inputVariables ?? {}) }).toEqual({
      status: 200,
      inputVariables: withoutProto(hostileRecord('v')),
    });
  });

  it('a voice call opened with such input variables writes its session record and conversation', async () => {
    const client = await server.connect();
    await client.open({ conversationId: '7d2b4c1e-0000-4000-8000-00000000beef', inputVariables: hostileRecord('call') });
    client.dtmf('1');
    await client.waitFor('disconnect', 15_000).catch(() => undefined);
    await client.close().catch(() => undefined);
    await eventually(() => server.app.writeQueue.stats().pending === 0, 10_000);
    const sessions = await server.app.storage.store.listSessions('7d2b4c1e-0000-4000-8000-00000000beef');
    expect({
      failed: server.app.writeQueue.stats().failed,
      sessions: sessions.length,
      inputVariables: withoutProto(sessions[0]?.inputVariables ?? {}),
    }).toEqual({ failed: 0, sessions: 1, inputVariables: withoutProto(hostileRecord('call')) });
  });

  it('any map of any keys round-trips through DynamoDB (fuzzed; only __proto__ is dropped)', async () => {
    const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ minLength: 1, maxLength: 12 }));
    const json = fc.dictionary(key, fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.dictionary(key, fc.string(), { maxKeys: 4 })), { maxKeys: 8 });
    const strings = fc.dictionary(key, fc.string(), { maxKeys: 8 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(strings, strings, json, async (inputVariables, outputVariables, botState) => {
        n += 1;
        const state: ConversationState = {
          conversationId: `fuzz-${n}`,
          connectorId: 'default',
          language: 'en-US',
          inputVariables,
          outputVariables,
          botState,
          turnCount: 1,
          ended: false,
          version: 1,
          createdAtMs: 1,
          updatedAtMs: 1,
        };
        await store.putConversation(state);
        const read = await store.getConversation(state.conversationId);
        expect(read).toBeDefined();
        expect(withoutProto(read!.inputVariables)).toEqual(withoutProto(inputVariables));
        expect(withoutProto(read!.outputVariables)).toEqual(withoutProto(outputVariables));
        expect(JSON.parse(JSON.stringify(withoutProto(read!.botState)))).toEqual(
          JSON.parse(JSON.stringify(withoutProto(botState).map(([k, v]) => [k, v !== null && typeof v === 'object' ? Object.fromEntries(withoutProto(v as Record<string, unknown>)) : v]))),
        );
        expect(Object.getPrototypeOf(read!.inputVariables)).toBe(Object.prototype);
      }),
      { numRuns: 60 },
    );
  });
});
