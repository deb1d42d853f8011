import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Every session the server may hold can close at once while the store is slow (a mass hang-up, a
 * throttled table): each close leaves a session record in the write-behind queue. The queue the app
 * builds must hold them all; at 4,000 benchmark sessions a fixed 1,000 dropped 2,189 records.
 */
describe('write-behind queue sized by MAX_SESSIONS', () => {
  const maxSessions = 3_000;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MAX_SESSIONS: String(maxSessions), MAX_CONNECTIONS: String(maxSessions + 500) });
  });
  afterAll(async () => server.close());

  it('keeps a closing record (and a later update of each) for every session while no write completes', async () => {
    let release!: () => void;
    const storeAnswers = new Promise<void>((resolve) => (release = resolve));
    const accepted: boolean[] = [];
    for (let session = 0; session < maxSessions; session += 1) {
      const key = `SESSION#${session}`;
      accepted.push(server.app.writeQueue.enqueue({ key, label: 'updateSession', coalesce: true, write: () => storeAnswers }));
      // The session's final update arrives while the first is still waiting: it coalesces or queues.
      accepted.push(server.app.writeQueue.enqueue({ key, label: 'updateSession', coalesce: true, write: () => storeAnswers }));
    }
    expect(accepted.every(Boolean)).toBe(true);
    expect(server.app.writeQueue.stats().dropped).toBe(0);
    release();
    await eventually(() => server.app.writeQueue.stats().pending === 0, 10_000);
    expect(server.app.writeQueue.stats().dropped).toBe(0);
    expect(server.logs.some((line) => line.msg === 'write-behind queue full: dropping writes')).toBe(false);
  });
});
