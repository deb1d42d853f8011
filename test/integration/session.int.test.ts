import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PCMU_MONO_OFFER } from '../../runtime/tools/simulator/genesys-client.js';
import { assertServerStillWorks, eventually, startTestServer, type TestServer } from '../support/test-server.js';

const FRAME = new Uint8Array(1600).fill(0xff);
/**
 * These tests are about the protocol session, so they talk to the listen-only bot: a bot that greets
 * would add its own audio, playback events and barge-ins to the exchange under test.
 */
const LISTEN = '/audiohook/listen';

describe('AudioHook session over a real WebSocket', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it('runs a whole call: open, audio, ping, dtmf, playback events, pause and resume, update, close', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open({ language: 'en-US', inputVariables: { customerName: 'Ada' } });
    for (let i = 0; i < 5; i++) client.sendAudio(FRAME);
    expect(await client.ping()).toBeGreaterThanOrEqual(0);
    client.dtmf('5');
    client.send('playback_started', {});
    client.send('playback_completed', {});
    client.send('paused', {});
    client.send('resumed', { start: 'PT1S', discarded: 'PT2.5S' });
    client.send('update', { language: 'es-US' });
    client.send('discarded', { start: 'PT4S', discarded: 'PT0.2S' });
    client.sendAudio(FRAME);
    const closed = await client.close();
    expect(closed).toMatchObject({ type: 'closed', parameters: {} });
    expect(client.violations).toEqual([]);
    expect(client.received.map((m) => m.type)).toEqual(['opened', 'pong', 'closed']);
    await client.closed;
    const summary = server.logs.find((l) => l.msg === 'session ended' && l.sessionId === client.sessionId);
    expect(summary).toMatchObject({ outcome: 'closed', audioFramesIn: 6, audioBytesIn: 9600, problems: 0 });
  });

  it('answers every ping with a pong whose clientseq is the ping seq', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    for (let i = 0; i < 3; i++) await client.ping();
    await client.close();
    const pongs = client.received.filter((m) => m.type === 'pong');
    expect(pongs.map((p) => p.clientseq)).toEqual([2, 3, 4]);
    expect(client.violations).toEqual([]);
  });

  it('completes a connection probe with no media and allocates no call', async () => {
    const client = await server.connect({ path: LISTEN });
    const opened = await client.openProbe();
    expect(opened).toMatchObject({ type: 'opened', parameters: { media: [] } });
    await client.close();
    await client.closed;
    const line = server.logs.find((l) => l.msg === 'session opened' && l.sessionId === client.sessionId);
    expect(line?.probe).toBe(true);
  });

  it('selects the first processable media offer, copied exactly', async () => {
    const client = await server.connect({ path: LISTEN });
    const stereoInverted = { type: 'audio', format: 'PCMU', channels: ['internal', 'external'], rate: 8000 };
    const opened = await client.open({ media: [{ ...PCMU_MONO_OFFER, rate: 16000 }, stereoInverted, PCMU_MONO_OFFER] });
    expect(opened.parameters).toEqual({ startPaused: false, media: [stereoInverted] });
    await client.close();
  });

  it('returns supportedLanguages in opened only when the client asks for them', async () => {
    const asking = await server.connect({ path: LISTEN });
    const opened = await asking.open({ supportedLanguages: true });
    expect(opened.parameters).toHaveProperty('supportedLanguages');
    await asking.close();
  });

  it('keeps the session after a client error message and ends normally', async () => {
    const client = await server.connect({ path: LISTEN });
    await client.open();
    client.send('error', { code: 429, message: 'Too many requests', retryAfter: 'PT1S' });
    await client.ping();
    expect((await client.close()).type).toBe('closed');
  });

  it('reports the number of live sessions on /health and 0 once callers hang up', async () => {
    const a = await server.connect({ path: LISTEN });
    const b = await server.connect({ path: LISTEN });
    await a.open();
    await b.open();
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()) as { activeSessions: number };
    expect(health.activeSessions).toBeGreaterThanOrEqual(2);
    await a.close();
    b.drop();
    await eventually(() => server.app.server.activeSessions === 0);
  });

  it('serves GET /health as JSON 200 and everything else over plain HTTP as 404', async () => {
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const other = await fetch(`http://127.0.0.1:${server.port}/nothing-here`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: { code: 'ERR_HTTP_NOT_FOUND', message: 'Not found' } });
    const plain = await fetch(`http://127.0.0.1:${server.port}/audiohook/default`);
    expect(plain.status).toBe(426);
    await assertServerStillWorks(server);
  });

  it('tolerates a missing slash and a query string between base URI and connector id', async () => {
    for (const path of ['/audiohookdefault', '/audiohook/default?bot=x', '/audiohook/']) {
      const client = await server.connect({ path });
      expect((await client.open()).type).toBe('opened');
      await client.close();
    }
  });
});
