import { describe, expect, it } from 'vitest';
import { INLINE_LIMIT_BYTES, chunkPrefix, joinLargeAttributes, splitLargeAttributes } from '../../../runtime/src/store/large-attributes.js';
import { toSafeDocument } from '../../../runtime/src/store/safe-document.js';

const ITEM_KEY = { pk: 'CONV#c-1', sk: 'CONV' };

/** A bot state of `utterances` multibyte lines, with a caller-chosen key that must stay data. */
function largeState(utterances: number): Record<string, unknown> {
  const lines = Array.from({ length: utterances }, (_, i) => ({ text: `請求書の金額について確認したいのですが（${i}）` }));
  return { lines, constructor: 'kept as data' };
}

describe('splitLargeAttributes and joinLargeAttributes', () => {
  it('chunks a large safe document (Maps, as the store writes it) and joins it back to the same value', async () => {
    const botState = largeState(4_000);
    const { item, chunks } = splitLargeAttributes({ ...ITEM_KEY, botState: toSafeDocument(botState), expiresAt: 1 }, ['botState'], 'expiresAt');

    expect(chunks.length).toBeGreaterThan(0);
    expect(item.botState).toBeUndefined();
    for (const chunk of chunks) expect(chunk.expiresAt).toBe(1);
    const joined = await joinLargeAttributes(item, ['botState'], (prefix) => Promise.resolve(chunks.filter((c) => String(c.sk).startsWith(prefix))));
    expect(joined.botState).toEqual(botState);
  });

  it('leaves an attribute at or under the inline limit in the item', () => {
    const small = { lines: ['hello'] };
    expect(JSON.stringify(small).length).toBeLessThan(INLINE_LIMIT_BYTES);
    const { item, chunks } = splitLargeAttributes({ ...ITEM_KEY, botState: toSafeDocument(small) }, ['botState'], 'expiresAt');
    expect(chunks).toEqual([]);
    expect(item.botState).toEqual(toSafeDocument(small));
  });

  it('refuses to join a short chunk set instead of returning a truncated value', async () => {
    const { item, chunks } = splitLargeAttributes({ ...ITEM_KEY, botState: largeState(20_000) }, ['botState'], 'expiresAt');
    expect(chunks.length).toBeGreaterThan(1);
    const reference = item.botStateChunks as { writeId: string };
    await expect(
      joinLargeAttributes(item, ['botState'], (prefix) => {
        expect(prefix).toBe(chunkPrefix('botState', reference.writeId));
        return Promise.resolve(chunks.slice(1));
      }),
    ).rejects.toThrow(/incomplete/);
  });
});
