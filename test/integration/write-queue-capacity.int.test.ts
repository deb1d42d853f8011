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

  it('keeps the two record writes of every session (its create and its finish) while no write completes', async () => {
    let release!: () => void;
    const storeAnswers = new Promise<void>((resolve) => (release = resolve));
    const accepted: boolean[] = [];
    for (let session = 0; session < maxSessions; session += 1) {
      const key = `SESSION#${session}`;
      accepted.push(server.app.writeQueue.enqueue({ key, label: 'createSession', write: () => storeAnswers }));
      // The session's finish arrives while its create is still waiting: it queues behind it.
      accepted.push(server.app.writeQueue.enqueue({ key, label: 'finishSession', write: () => storeAnswers }));
    }
    expect(accepted.every(Boolean)).toBe(true);
    expect(server.app.writeQueue.stats().dropped).toBe(0);
    release();
    await eventually(() => server.app.writeQueue.stats().pending === 0, 10_000);
    expect(server.app.writeQueue.stats().dropped).toBe(0);
    expect(server.logs.some((line) => line.msg === 'write-behind queue full: dropping writes')).toBe(false);
  });
});
