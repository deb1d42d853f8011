import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbSessionStore } from '../../runtime/src/store/dynamodb-session-store.js';
import type { SessionStore } from '../../runtime/src/store/ports.js';
import { FakeClock } from '../support/fake-clock.js';
import { startDynalite, type TestDynalite } from '../support/dynalite.js';
import { DYNAMODB_ITEM_LIMIT_BYTES, dynamoItemBytes, utf8Bytes } from '../support/item-size.js';
import { conversation } from '../unit/store/store-builders.js';

/**
 * A synthetic two-hour listen-only transcript: an utterance every 5 s from caller and agent in
 * turn, in Japanese (3 bytes per character in UTF-8), as listen bots kept it in their state before
 * transcripts became items of their own: a large bot state must still be stored whole.
 */
function twoHourTranscript(): { utterances: { speaker: string; text: string; atMs: number }[] } {
  const phrases = ['お電話ありがとうございます。ご用件をお伺いします。', '請求書の金額について確認したいのですが。', '少々お待ちください。お調べいたします。'];
  const utterances = [];
  for (let i = 0; i < (2 * 60 * 60) / 5; i++) {
    const phrase = phrases[i % phrases.length]!;
    utterances.push({ speaker: i % 2 === 0 ? 'caller' : 'agent', text: `${phrase.repeat(5)}（${i}）`, atMs: i * 5_000 });
  }
  return { utterances };
}


let dynalite: TestDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.close();
});

describe('DynamoDB store: conversation state larger than one item (dynalite)', () => {
  let store: SessionStore;
  let tableName: string;

  beforeEach(async () => {
    tableName = await dynalite.createTable();
    store = createDynamoDbSessionStore({ client: dynalite.doc, tableName, clock: new FakeClock(), retentionDays: 30 });
  });

  const rawItems = async (conversationId: string): Promise<Record<string, unknown>[]> => {
    const output = await dynalite.doc.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CONV#${conversationId}` } }),
    );
    return output.Items ?? [];
  };
  const itemsOf = async (conversationId: string): Promise<string[]> => (await rawItems(conversationId)).map((item) => item.sk as string);

  it('stores a two-hour multibyte transcript (far over 400 KB) and reads it back whole', async () => {
    const botState = twoHourTranscript();
    expect(utf8Bytes(botState)).toBeGreaterThan(400 * 1024);
    const state = conversation({ conversationId: 'long-call', connectorId: 'listen', botState });

    await store.putConversation(state);

    expect(await store.getConversation('long-call')).toEqual(state);
    const items = await rawItems('long-call');
    expect(items.length).toBeGreaterThan(1);
    for (const item of items) expect(dynamoItemBytes(item)).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES);
  });

  it('replaces a chunked state on update and removes the chunks it replaced', async () => {
    const first = conversation({ conversationId: 'growing', botState: twoHourTranscript() });
    await store.putConversation(first);
    const chunksBefore = (await itemsOf('growing')).filter((sk) => sk.startsWith('CHUNK#'));
    const grown = twoHourTranscript();
    grown.utterances.push({ speaker: 'caller', text: 'ありがとうございました。', atMs: 7_200_000 });
    const second = { ...first, botState: grown, version: 2, turnCount: 2 };

    await store.putConversation(second);

    expect(await store.getConversation('growing')).toEqual(second);
    const chunksAfter = (await itemsOf('growing')).filter((sk) => sk.startsWith('CHUNK#'));
    expect(chunksAfter).toHaveLength(chunksBefore.length);
    expect(chunksAfter.some((sk) => chunksBefore.includes(sk))).toBe(false);
  });

  it('keeps a small state inline in one item, as before', async () => {
    const state = conversation({ conversationId: 'short-call' });
    await store.putConversation(state);
    expect(await store.getConversation('short-call')).toEqual(state);
    expect(await itemsOf('short-call')).toEqual(['STATE']);
  });

  it('still refuses a stale version of a chunked state, leaving no orphan chunks', async () => {
    const first = conversation({ conversationId: 'raced', botState: twoHourTranscript() });
    await store.putConversation(first);
    const items = await itemsOf('raced');

    await expect(store.putConversation({ ...first, botState: { utterances: [] }, version: 3 })).rejects.toMatchObject({ code: 'ERR_STORE_CONFLICT' });
    await expect(store.putConversation({ ...first, version: 1, updatedAtMs: first.updatedAtMs + 1 })).rejects.toMatchObject({ code: 'ERR_STORE_CONFLICT' });

    expect(await itemsOf('raced')).toEqual(items);
    expect(await store.getConversation('raced')).toEqual(first);
  });
});
