import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { createMemorySessionStore } from '../../../runtime/src/store/memory-session-store.js';
import { createSessionWriter } from '../../../runtime/src/store/session-writer.js';
import { createWriteBehindQueue } from '../../../runtime/src/store/write-behind-queue.js';
import { FakeClock } from '../../support/fake-clock.js';
import { conversation, session } from './store-builders.js';

describe('createSessionWriter', () => {
  it('lands a voice call\'s create, updates and versioned conversation writes in order', async () => {
    const clock = new FakeClock();
    const store = createMemorySessionStore({ clock });
    const queue = createWriteBehindQueue({ clock, logger: silentLogger });
    const writer = createSessionWriter(store, queue);
    writer.createSession(session());
    writer.putConversation(conversation({ version: 1 }));
    writer.updateSession(session({ turnCount: 1 }));
    writer.putConversation(conversation({ version: 2, turnCount: 2 }));
    writer.updateSession(session({ turnCount: 2, outcome: 'completed' }));
    expect(await queue.flush(1_000)).toBe(true);
    expect({
      session: await store.getSession('conv-1', 'sess-1'),
      version: (await store.getConversation('conv-1'))?.version,
      failed: queue.stats().failed,
    }).toEqual({ session: session({ turnCount: 2, outcome: 'completed' }), version: 2, failed: 0 });
  });
});
