import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertServerStillWorks, eventually, startTestServer, type TestServer } from '../support/test-server.js';

const FRAME = new Uint8Array(1600).fill(0xff);
/**
 * These tests are about the protocol session, so they talk to the listen-only bot: a bot that greets
 * would add its own audio, playback events and barge-ins to the exchange under test.
 */
const LISTEN = '/audiohook/listen';

describe('bad input over a real WebSocket: a defined outcome, and the server keeps serving', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ OPEN_TIMEOUT_MS: '300', CLOSE_TIMEOUT_MS: '300', IDLE_TIMEOUT_MS: '1000' });
  });
  afterEach(async () => {
    await assertServerStillWorks(server);
  });
  afterAll(async () => server.close());

  /** The disconnect the server sent, after the client has completed the close transaction. */
  async function disconnectInfo(client: Awaited<ReturnType<TestServer['connect']>>): Promise<unknown> {
    const disconnect = await client.waitFor('disconnect').catch(() => client.received.find((m) => m.type === 'disconnect'));
    await client.closed;
    expect(client.received.at(-1)?.type).toBe('closed');
    return disconnect?.parameters;
  }

  it('ends a session with disconnect error on a text message over 65535 characters', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    const pending = disconnectInfo(client);
    client.sendRaw(JSON.stringify({ padding: 'x'.repeat(70_000) }));
    expect(await pending).toEqual({ reason: 'error', info: 'Message too large' });
  });

  it('closes the socket with 1009 on a frame above the transport limit', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    client.sendRaw('x'.repeat(300 * 1024));
    expect((await client.closed).code).toBe(1009);
    await eventually(() => server.app.server.activeSessions === 0);
  });

  it('ends a session with disconnect error on text that is not JSON', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    const pending = disconnectInfo(client);
    client.sendRaw('{not json');
    expect(await pending).toEqual({ reason: 'error', info: 'Invalid JSON' });
  });

  it('ends a session with disconnect error on audio before opened', async () => {
    const client = await server.connect({ path: LISTEN });
    const pending = disconnectInfo(client);
    client.sendAudio(FRAME);
    expect(await pending).toEqual({ reason: 'error', info: 'Unexpected audio' });
    expect(client.received[0]).toMatchObject({ type: 'disconnect', seq: 1 });
  });

  it('drops audio sent while paused and keeps the session', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    client.send('paused', {});
    client.sendAudio(FRAME);
    client.sendAudio(FRAME);
    await client.ping();
    expect((await client.close()).type).toBe('closed');
    await client.closed;
    await eventually(() => server.logs.some((l) => l.msg === 'session ended' && l.sessionId === client.sessionId));
    const summary = server.logs.find((l) => l.msg === 'session ended' && l.sessionId === client.sessionId);
    expect(summary).toMatchObject({ audioFramesDroppedWhilePaused: 2, audioFramesIn: 0 });
  });

  it('ends a session with disconnect error on a frame that is not a whole number of samples', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open({ media: [{ type: 'audio', format: 'L16', channels: ['external'], rate: 8000 }] });
    const pending = disconnectInfo(client);
    client.sendAudio(new Uint8Array(3));
    expect(await pending).toEqual({ reason: 'error', info: 'Invalid audio frame' });
  });

  it('ignores a well-formed message of an unknown type and keeps the session', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    client.send('telepathy', { thought: 'hello' });
    await client.ping();
    expect((await client.close()).type).toBe('closed');
    expect(client.received.map((m) => m.type)).toEqual(['opened', 'pong', 'closed']);
  });

  it('ends a session with disconnect error on a seq gap', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    const pending = disconnectInfo(client);
    client.sendRaw(JSON.stringify({ version: '2', id: client.sessionId, type: 'ping', seq: 7, serverseq: 1, position: 'PT0S', parameters: {} }));
    expect(await pending).toEqual({ reason: 'error', info: 'Invalid seq' });
  });

  it('ends a session with disconnect error on a message for another session id', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    const pending = disconnectInfo(client);
    client.sendRaw(JSON.stringify({ version: '2', id: '11111111-2222-4333-8444-555555555555', type: 'ping', seq: 2, serverseq: 1, position: 'PT0S', parameters: {} }));
    expect(await pending).toEqual({ reason: 'error', info: 'Invalid session id' });
  });

  it('asks a client that never sends open to disconnect, then closes the socket if it does not answer', async () => {
    const client = await server.connect({ path: LISTEN, autoCloseOnDisconnect: false });
    const disconnect = await client.waitFor('disconnect');
    expect(disconnect).toMatchObject({ seq: 1, parameters: { reason: 'error', info: 'Open timeout' } });
    expect((await client.closed).code).toBe(1008);
  });

  it('ends the session of a client that vanishes mid-call', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    client.sendAudio(FRAME);
    client.drop();
    await eventually(() => server.logs.some((l) => l.msg === 'session ended' && l.sessionId === client.sessionId));
    const summary = server.logs.find((l) => l.msg === 'session ended' && l.sessionId === client.sessionId);
    expect(summary).toMatchObject({ outcome: 'socketLost', lastPhase: 'active' });
  });

  it('closes the socket of a client that goes silent for the idle timeout', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    expect((await client.closed).code).toBe(1001);
  });
});
