import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { silentLogger } from '../../runtime/src/shared/logger.js';
import { createDynamoDbSessionStore, toDocumentClient } from '../../runtime/src/store/dynamodb-session-store.js';
import type { SessionStore } from '../../runtime/src/store/ports.js';
import { createSessionWriter } from '../../runtime/src/store/session-writer.js';
import { createWriteBehindQueue, type WriteBehindQueue } from '../../runtime/src/store/write-behind-queue.js';
import { startDynalite, type TestDynalite } from '../support/dynalite.js';
import { conversation, session } from '../unit/store/store-builders.js';

/** Polls until `predicate` holds (real sockets, real time: this is an integration test). */
async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('write-behind writes through a DynamoDB outage (dynalite stopped and restarted)', () => {
  let dynalite: TestDynalite;
  let store: SessionStore;
  let queue: WriteBehindQueue;

  beforeEach(async () => {
    dynalite = await startDynalite();
    const tableName = await dynalite.createTable();
    store = createDynamoDbSessionStore({ client: toDocumentClient(dynalite.newClient()), tableName, clock: systemClock });
    queue = createWriteBehindQueue({ clock: systemClock, logger: silentLogger, options: { retryBaseMs: 20, retryMaxMs: 100 } });
  });

  afterEach(async () => {
    queue.close();
    await dynalite.close();
  });

  it('queues and retries the writes made while DynamoDB is down, and lands all of them in order once it is back', async () => {
    const writer = createSessionWriter(store, queue);
    writer.createSession(session());
    await queue.flush(5_000);

    await dynalite.stop();
    writer.putConversation(conversation({ version: 1 }));
    writer.appendTranscript('conv-1', [{ seq: 0, text: 'hello', atEpochMs: 1_700_000_010_000, speaker: 'caller' }]);
    writer.putConversation(conversation({ version: 2, turnCount: 2 }));
    writer.finishSession(session({ turnCount: 2, outcome: 'completed', endedAtMs: 1_700_000_090_000 }));
    await until(() => queue.stats().retried >= 2);
    const duringOutage = { pending: queue.stats().pending, written: queue.stats().written };

    await dynalite.restart();
    const drained = await queue.flush(10_000);

    expect({
      duringOutage,
      drained,
      stats: { dropped: queue.stats().dropped, failed: queue.stats().failed, pending: queue.stats().pending },
      conversation: await store.getConversation('conv-1'),
      transcript: (await store.readTranscript('conv-1')).map((line) => line.text),
      session: await store.getSession('conv-1', 'sess-1'),
    }).toEqual({
      duringOutage: { pending: 4, written: 1 },
      drained: true,
      // Version 2 after version 1: out of order it would have failed as a conflict.
      stats: { dropped: 0, failed: 0, pending: 0 },
      conversation: conversation({ version: 2, turnCount: 2 }),
      transcript: ['hello'],
      session: session({ turnCount: 2, outcome: 'completed', endedAtMs: 1_700_000_090_000 }),
    });
  });
});
