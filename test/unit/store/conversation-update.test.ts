import { describe, expect, it } from 'vitest';
import { AppError } from '../../../runtime/src/shared/errors.js';
import { nextConversationState, updateConversation } from '../../../runtime/src/store/conversation-update.js';
import { createMemorySessionStore } from '../../../runtime/src/store/memory-session-store.js';
import type { SessionStore } from '../../../runtime/src/store/ports.js';
import { storeConflict } from '../../../runtime/src/store/store-errors.js';
import { FakeClock } from '../../support/fake-clock.js';
import { conversation } from './store-builders.js';

const seed = { conversationId: 'conv-1', connectorId: 'default', language: 'en-US', inputVariables: { a: '1' } };
const turn = { botState: { phase: 'menu' }, outputVariables: {}, ended: false };

describe('nextConversationState', () => {
  it('starts a new conversation from the seed at version 1 and turn 1', () => {
    expect(nextConversationState(undefined, seed, turn, 42)).toEqual({
      ...seed,
      botState: { phase: 'menu' },
      outputVariables: {},
      turnCount: 1,
      ended: false,
      version: 1,
      createdAtMs: 42,
      updatedAtMs: 42,
    });
  });

  it('advances version and turn count and keeps the creation time', () => {
    const next = nextConversationState(conversation({ version: 4, turnCount: 7, createdAtMs: 1 }), seed, turn, 99);
    expect({ version: next.version, turnCount: next.turnCount, createdAtMs: next.createdAtMs, updatedAtMs: next.updatedAtMs }).toEqual({
      version: 5,
      turnCount: 8,
      createdAtMs: 1,
      updatedAtMs: 99,
    });
  });

  it('adds the turns one write covers to the turn count, and still one version', () => {
    const next = nextConversationState(conversation({ version: 4, turnCount: 7 }), seed, { ...turn, turns: 3 }, 99);
    expect({ version: next.version, turnCount: next.turnCount }).toEqual({ version: 5, turnCount: 10 });
  });

  it('merges this turn\'s output variables over the earlier ones', () => {
    const current = conversation({ outputVariables: { intent: 'billing', keep: 'x' } });
    expect(nextConversationState(current, seed, { ...turn, outputVariables: { intent: 'sales' } }, 1).outputVariables).toEqual({
      intent: 'sales',
      keep: 'x',
    });
  });

  it('keeps a conversation ended once it has ended', () => {
    expect(nextConversationState(conversation({ ended: true }), seed, turn, 1).ended).toBe(true);
  });
});

describe('updateConversation', () => {
  const store = (): SessionStore => createMemorySessionStore({ clock: new FakeClock() });

  it('writes nothing when the step returns no state', async () => {
    const s = store();
    const value = await updateConversation(s, 'conv-1', () => Promise.resolve({ value: 'no-op' }));
    expect({ value, stored: await s.getConversation('conv-1') }).toEqual({ value: 'no-op', stored: undefined });
  });

  it('reads again and runs the step again after a conflict', async () => {
    const s = store();
    await s.putConversation(conversation());
    const seen: number[] = [];
    await updateConversation(s, 'conv-1', async (current, attempt) => {
      seen.push(current?.version ?? 0);
      // Another writer gets in between the first read and the first write.
      if (attempt === 1) await s.putConversation(conversation({ version: 2 }));
      return { next: nextConversationState(current, seed, turn, 1), value: undefined };
    });
    expect({ seen, version: (await s.getConversation('conv-1'))?.version }).toEqual({ seen: [1, 2], version: 3 });
  });

  it('rejects with ERR_STORE_CONFLICT when the last attempt loses too', async () => {
    const s = store();
    const always: SessionStore = { ...s, putConversation: () => Promise.reject(storeConflict('conv-1')) };
    await expect(
      updateConversation(always, 'conv-1', (current) => Promise.resolve({ next: nextConversationState(current, seed, turn, 1), value: 1 }), { maxAttempts: 2 }),
    ).rejects.toMatchObject({ code: 'ERR_STORE_CONFLICT' });
  });

  it('does not retry other store failures', async () => {
    const s = store();
    let attempts = 0;
    const failing: SessionStore = {
      ...s,
      putConversation: () => Promise.reject(new AppError('ERR_STORE_UNAVAILABLE', 'down', { category: 'unavailable' })),
    };
    await expect(
      updateConversation(failing, 'conv-1', (current) => {
        attempts += 1;
        return Promise.resolve({ next: nextConversationState(current, seed, turn, 1), value: 1 });
      }),
    ).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(attempts).toBe(1);
  });
});
