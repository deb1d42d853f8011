import { describe, expect, it } from 'vitest';
import { AppError } from '../../../runtime/src/shared/errors.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { createMemorySessionStore } from '../../../runtime/src/store/memory-session-store.js';
import { createSessionWriter } from '../../../runtime/src/store/session-writer.js';
import { createWriteBehindQueue } from '../../../runtime/src/store/write-behind-queue.js';
import { FakeClock } from '../../support/fake-clock.js';
import type { SessionStore } from '../../../runtime/src/store/ports.js';
import { conversation, session } from './store-builders.js';

describe('createSessionWriter', () => {
  it('lands a voice call\'s create, versioned conversation writes and finish in order', async () => {
    const clock = new FakeClock();
    const store = createMemorySessionStore({ clock });
    const queue = createWriteBehindQueue({ clock, logger: silentLogger });
    const writer = createSessionWriter(store, queue);
    writer.createSession(session());
    writer.putConversation(conversation({ version: 1 }));
    writer.putConversation(conversation({ version: 2, turnCount: 2 }));
    writer.finishSession(session({ turnCount: 2, outcome: 'completed' }));
    expect(await queue.flush(1_000)).toBe(true);
    expect({
      session: await store.getSession('conv-1', 'sess-1'),
      version: (await store.getConversation('conv-1'))?.version,
      failed: queue.stats().failed,
    }).toEqual({ session: session({ turnCount: 2, outcome: 'completed' }), version: 2, failed: 0 });
  });

  it('lands transcript lines ahead of the state queued after them, retrying a throttled append', async () => {
    const clock = new FakeClock();
    const memory = createMemorySessionStore({ clock });
    const order: string[] = [];
    const store: SessionStore = {
      ...memory,
      appendTranscript: throttledOnce((conversationId, entries) => {
        order.push(`lines ${entries.map((e) => e.seq).join(',')}`);
        return memory.appendTranscript(conversationId, entries);
      }),
      putConversation(next) {
        order.push(`state v${next.version}`);
        return memory.putConversation(next);
      },
    };
    const queue = createWriteBehindQueue({ clock, logger: silentLogger, options: { random: () => 0 } });
    const writer = createSessionWriter(store, queue);
    writer.appendTranscript('conv-1', []);
    writer.appendTranscript('conv-1', [
      { seq: 0, text: 'one', atEpochMs: 1 },
      { seq: 1, text: 'two', atEpochMs: 2 },
    ]);
    writer.putConversation(conversation({ version: 1 }));
    // Let the failed attempt settle and schedule its retry, then run the retry.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    clock.advance(1_000);
    expect(await queue.flush(1_000)).toBe(true);
    expect(order).toEqual(['lines 0,1', 'state v1']);
    expect(queue.stats()).toMatchObject({ queued: 2, retried: 1, failed: 0, dropped: 0 });
    expect((await memory.readTranscript('conv-1')).map((l) => l.text)).toEqual(['one', 'two']);
  });

  it('lands a session\'s create before its finish, even when the create is retried (the create replaces the record)', async () => {
    const clock = new FakeClock();
    const memory = createMemorySessionStore({ clock });
    const order: string[] = [];
    const store: SessionStore = {
      ...memory,
      createSession: throttledOnce((record) => {
        order.push('create');
        return memory.createSession(record);
      }),
      finishSession(record) {
        order.push(`finish ${record.outcome}`);
        return memory.finishSession(record);
      },
    };
    const queue = createWriteBehindQueue({ clock, logger: silentLogger, options: { random: () => 0 } });
    const writer = createSessionWriter(store, queue);
    writer.createSession(session());
    writer.finishSession(session({ outcome: 'completed', turnCount: 2, endedAtMs: 1_700_000_060_000 }));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    clock.advance(1_000);
    expect(await queue.flush(1_000)).toBe(true);
    expect({ order, stored: await memory.getSession('conv-1', 'sess-1') }).toEqual({
      order: ['create', 'finish completed'],
      stored: session({ outcome: 'completed', turnCount: 2, endedAtMs: 1_700_000_060_000 }),
    });
  });
});

/** `write`, except that its first call fails as DynamoDB throttling does (the queue retries it). */
function throttledOnce<A extends unknown[]>(write: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let throttled = false;
  return (...args) => {
    if (throttled) return write(...args);
    throttled = true;
    return Promise.reject(new AppError('ERR_STORE_THROTTLED', 'slow down', { category: 'throttled' }));
  };
}
