import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../runtime/src/shared/errors.js';
import { nextConversationState, updateConversation } from '../../runtime/src/store/conversation-update.js';
import { createDynamoDbSessionStore, toDocumentClient } from '../../runtime/src/store/dynamodb-session-store.js';
import { createMemorySessionStore } from '../../runtime/src/store/memory-session-store.js';
import { MAX_TRANSCRIPT_TEXT_BYTES, type SessionStore, type TranscriptEntry } from '../../runtime/src/store/ports.js';
import { FakeClock } from '../support/fake-clock.js';
import { startDynalite, type TestDynalite } from '../support/dynalite.js';
import { conversation, deferred, session } from '../unit/store/store-builders.js';

const DAY_MS = 86_400_000;
const RETENTION_DAYS = 30;

let dynalite: TestDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.close();
});

type StoreFactory = (clock: FakeClock) => Promise<SessionStore>;

const factories: [string, StoreFactory][] = [
  ['memory', (clock) => Promise.resolve(createMemorySessionStore({ clock, retentionDays: RETENTION_DAYS }))],
  [
    'dynamodb (dynalite)',
    async (clock) =>
      createDynamoDbSessionStore({ client: dynalite.doc, tableName: await dynalite.createTable(), clock, retentionDays: RETENTION_DAYS }),
  ],
];

describe.each(factories)('SessionStore contract: %s', (_name, create) => {
  let clock: FakeClock;
  let store: SessionStore;

  beforeEach(async () => {
    clock = new FakeClock();
    store = await create(clock);
  });

  it('reads an unknown conversation as absent', async () => {
    expect(await store.getConversation('nobody')).toBeUndefined();
  });

  it('creates a conversation at version 1 and reads back exactly what was written', async () => {
    const state = conversation({ outputVariables: { intent: 'billing' }, botState: { nested: { list: [1, 'two', null] } } });
    await store.putConversation(state);
    expect(await store.getConversation('conv-1')).toEqual(state);
  });

  it('refuses a second create of the same conversation with ERR_STORE_CONFLICT', async () => {
    await store.putConversation(conversation());
    await expect(store.putConversation(conversation({ language: 'de-DE' }))).rejects.toMatchObject({
      code: 'ERR_STORE_CONFLICT',
      category: 'invalidRequest',
    });
  });

  it('refuses a write whose version does not follow the stored one', async () => {
    await store.putConversation(conversation());
    await expect(store.putConversation(conversation({ version: 3 }))).rejects.toMatchObject({ code: 'ERR_STORE_CONFLICT' });
    expect((await store.getConversation('conv-1'))?.version).toBe(1);
  });

  it('accepts a retried write that already landed (idempotent), for a create and for an update', async () => {
    await store.putConversation(conversation());
    await store.putConversation(conversation());
    await store.putConversation(conversation({ version: 2, turnCount: 2 }));
    await store.putConversation(conversation({ version: 2, turnCount: 2 }));
    expect(await store.getConversation('conv-1')).toEqual(conversation({ version: 2, turnCount: 2 }));
  });

  it('loses no update when two writers change the same conversation at once', async () => {
    await store.putConversation(conversation({ outputVariables: {} }));
    const bothRead = deferred();
    let readers = 0;
    const attempts: number[] = [];
    const writer = (name: string) =>
      updateConversation(store, 'conv-1', async (current, attempt) => {
        attempts.push(attempt);
        if (attempt === 1 && ++readers === 2) bothRead.resolve();
        // Both writers read version 1 before either writes: one must lose the race and retry.
        if (attempt === 1) await bothRead.promise;
        const next = nextConversationState(current, conversation(), { botState: {}, outputVariables: { [name]: 'yes' }, ended: false }, 5);
        return { next, value: name };
      });
    await Promise.all([writer('voice'), writer('rest')]);
    const final = await store.getConversation('conv-1');
    expect({ version: final?.version, outputs: final?.outputVariables, retried: attempts.includes(2) }).toEqual({
      version: 3,
      outputs: { voice: 'yes', rest: 'yes' },
      retried: true,
    });
  });

  it('reads a conversation past its retention as absent, and lets it be created again', async () => {
    await store.putConversation(conversation());
    clock.advance((RETENTION_DAYS + 1) * DAY_MS);
    expect(await store.getConversation('conv-1')).toBeUndefined();
    await store.putConversation(conversation({ language: 'fr-FR' }));
    expect((await store.getConversation('conv-1'))?.language).toBe('fr-FR');
  });

  it('keeps a conversation that was written again within its retention (sliding expiry)', async () => {
    await store.putConversation(conversation());
    clock.advance(20 * DAY_MS);
    await store.putConversation(conversation({ version: 2 }));
    clock.advance(20 * DAY_MS);
    expect((await store.getConversation('conv-1'))?.version).toBe(2);
  });

  it('treats an update of an expired conversation as a conflict', async () => {
    await store.putConversation(conversation());
    clock.advance((RETENTION_DAYS + 1) * DAY_MS);
    await expect(store.putConversation(conversation({ version: 2 }))).rejects.toMatchObject({ code: 'ERR_STORE_CONFLICT' });
  });

  it('writes a repeated session create (a retry) over the record, as the create says', async () => {
    await store.createSession(session());
    await store.createSession(session({ language: 'fr-FR' }));
    expect(await store.getSession('conv-1', 'sess-1')).toEqual(session({ language: 'fr-FR' }));
  });

  it('writes the session\'s last record whole on finish, over its create (a put: no field of the create survives)', async () => {
    await store.createSession(session());
    const last = session({ outcome: 'completed', outputVariables: { intent: 'billing' }, turnCount: 3, endedAtMs: 1_700_000_060_000, language: 'xx-XX' });
    await store.finishSession(last);
    expect(await store.getSession('conv-1', 'sess-1')).toEqual(last);
  });

  it('keeps a finished session for the retention from its finish, and the session is whole even when the create never landed', async () => {
    clock.advance(DAY_MS);
    await store.finishSession(session({ outcome: 'callerHungUp', endedAtMs: 1_700_000_001_000 }));
    clock.advance((RETENTION_DAYS - 1) * DAY_MS);
    expect(await store.getSession('conv-1', 'sess-1')).toEqual(session({ outcome: 'callerHungUp', endedAtMs: 1_700_000_001_000 }));
  });

  it('lists the unexpired sessions of one conversation, oldest first', async () => {
    await store.createSession(session({ sessionId: 'b', startedAtMs: 2 }));
    clock.advance((RETENTION_DAYS - 1) * DAY_MS);
    await store.createSession(session({ sessionId: 'c', startedAtMs: 3 }));
    await store.createSession(session({ sessionId: 'a', startedAtMs: 1 }));
    await store.createSession(session({ conversationId: 'conv-2', sessionId: 'z' }));
    clock.advance(2 * DAY_MS);
    expect((await store.listSessions('conv-1')).map((s) => s.sessionId)).toEqual(['a', 'c']);
  });

  it('lets the voice route and the Data Action route continue each other\'s conversation', async () => {
    // Voice call: session record plus the state after its greeting turn.
    await store.createSession(session({ sessionId: 'voice-1' }));
    const seed = { conversationId: 'conv-1', connectorId: 'default', language: 'en-US', inputVariables: {} };
    await updateConversation(store, 'conv-1', (current) =>
      Promise.resolve({ next: nextConversationState(current, seed, { botState: { phase: 'menu' }, outputVariables: {}, ended: false }, 10), value: 0 }),
    );
    // Data Action turn: sees the voice state and ends the conversation.
    const seenByRest = await updateConversation(store, 'conv-1', (current) =>
      Promise.resolve({
        next: nextConversationState(current, seed, { botState: { phase: 'ended' }, outputVariables: { intent: 'billing' }, ended: true }, 20),
        value: current?.botState,
      }),
    );
    const seenByVoice = await store.getConversation('conv-1');
    const sessions = await store.listSessions('conv-1');
    expect({ seenByRest, voiceSees: seenByVoice?.botState, ended: seenByVoice?.ended, turns: seenByVoice?.turnCount, sessions: sessions.length }).toEqual({
      seenByRest: { phase: 'menu' },
      voiceSees: { phase: 'ended' },
      ended: true,
      turns: 2,
      sessions: 1,
    });
  });

  const line = (seq: number, text = `line ${seq}`): TranscriptEntry => ({ seq, text, atEpochMs: 1_000 + seq, speaker: seq % 2 === 0 ? 'caller' : 'agent' });

  it('reads an unknown conversation\'s transcript as empty', async () => {
    expect(await store.readTranscript('nobody')).toEqual([]);
  });

  it('reads appended transcript lines back in seq order, across appends', async () => {
    await store.appendTranscript('conv-1', [line(0), line(1)]);
    await store.appendTranscript('conv-1', [line(3), line(2)]);
    await store.appendTranscript('conv-2', [line(0, 'other call')]);
    expect(await store.readTranscript('conv-1')).toEqual([line(0), line(1), line(2), line(3)]);
  });

  it('stores a retried append once (idempotent per seq)', async () => {
    await store.appendTranscript('conv-1', [line(0), line(1)]);
    await store.appendTranscript('conv-1', [line(0), line(1)]);
    expect(await store.readTranscript('conv-1')).toEqual([line(0), line(1)]);
  });

  it('cuts a line too large for one item at a character boundary and marks it cut', async () => {
    // 4-byte emoji, so the cut falls inside a character unless it is done at a boundary.
    const huge = '😀'.repeat(MAX_TRANSCRIPT_TEXT_BYTES / 4 + 1_000) + 'x';
    await store.appendTranscript('conv-1', [line(0, huge), line(1)]);
    const [first, second] = await store.readTranscript('conv-1');
    expect(new TextEncoder().encode(first?.text).byteLength).toBe(MAX_TRANSCRIPT_TEXT_BYTES);
    expect(first).toMatchObject({ seq: 0, cut: true });
    expect(huge.startsWith(first?.text ?? '?')).toBe(true);
    expect(second).toEqual(line(1));
  });

  it('reads transcript lines past their retention as gone', async () => {
    await store.appendTranscript('conv-1', [line(0)]);
    clock.advance((RETENTION_DAYS + 1) * DAY_MS);
    await store.appendTranscript('conv-1', [line(1)]);
    expect(await store.readTranscript('conv-1')).toEqual([line(1)]);
  });
});

describe('DynamoDbSessionStore items', () => {
  let clock: FakeClock;
  let tableName: string;
  let store: SessionStore;

  beforeEach(async () => {
    clock = new FakeClock({ epochMs: Date.UTC(2026, 0, 1) });
    tableName = await dynalite.createTable();
    store = createDynamoDbSessionStore({ client: dynalite.doc, tableName, clock, retentionDays: 7 });
  });

  const rawItem = async (pk: string, sk: string) => (await dynalite.doc.send(new GetCommand({ TableName: tableName, Key: { pk, sk } }))).Item;

  it('stores the conversation under CONV#<id>/STATE with expiresAt in epoch seconds after the retention', async () => {
    await store.putConversation(conversation());
    const item = await rawItem('CONV#conv-1', 'STATE');
    expect({ entity: item?.entity, expiresAt: item?.expiresAt }).toEqual({
      entity: 'conversation',
      expiresAt: Date.UTC(2026, 0, 1) / 1_000 + 7 * 86_400,
    });
  });

  it('stores a session under CONV#<id>/SESSION#<sessionId> with its own expiresAt', async () => {
    await store.createSession(session());
    clock.advance(DAY_MS);
    await store.finishSession(session({ outcome: 'completed' }));
    const item = await rawItem('CONV#conv-1', 'SESSION#sess-1');
    expect({ entity: item?.entity, outcome: item?.outcome, expiresAt: item?.expiresAt }).toEqual({
      entity: 'session',
      outcome: 'completed',
      expiresAt: Date.UTC(2026, 0, 2) / 1_000 + 7 * 86_400,
    });
  });

  it('stores a transcript line under CONV#<id>/TRANSCRIPT#<10-digit seq> with the session items\' expiresAt', async () => {
    await store.appendTranscript('conv-1', [{ seq: 42, text: 'こんにちは', atEpochMs: 5, speaker: 'caller' }]);
    const item = await rawItem('CONV#conv-1', 'TRANSCRIPT#0000000042');
    expect(item).toEqual({
      pk: 'CONV#conv-1',
      sk: 'TRANSCRIPT#0000000042',
      entity: 'transcript',
      seq: 42,
      text: 'こんにちは',
      atEpochMs: 5,
      speaker: 'caller',
      expiresAt: Date.UTC(2026, 0, 1) / 1_000 + 7 * 86_400,
    });
  });

  it('keeps transcript items out of the conversation state and the session list', async () => {
    await store.putConversation(conversation());
    await store.createSession(session());
    await store.appendTranscript('conv-1', [{ seq: 0, text: 'hello', atEpochMs: 5 }]);
    expect(await store.getConversation('conv-1')).toEqual(conversation());
    expect(await store.listSessions('conv-1')).toEqual([session()]);
  });

  it('rejects with an unavailable AppError when DynamoDB cannot be reached', async () => {
    const unreachable = createDynamoDbSessionStore({ client: toDocumentClient(dynalite.newClient()), tableName, clock });
    await dynalite.stop();
    try {
      const error = await unreachable.getConversation('conv-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', category: 'unavailable' });
    } finally {
      await dynalite.restart();
    }
  });

  it('rejects with an unavailable AppError when the table does not exist', async () => {
    const missing = createDynamoDbSessionStore({ client: dynalite.doc, tableName: 'no-such-table', clock });
    await expect(missing.putConversation(conversation())).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });
});
