import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PCMU_MONO_OFFER } from '../../runtime/tools/simulator/genesys-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const L16_MONO = { type: 'audio', format: 'L16', channels: ['external'], rate: 8000 };
const PCMU_STEREO = { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 };

/** A webhook endpoint that records request bodies and answers with one ending message. */
async function startRecordingWebhook(): Promise<{ url: string; bodies: Record<string, unknown>[]; close(): Promise<void> }> {
  const bodies: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([{ custom: { end: true, outputVariables: { intent: 'done' } } }]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/rest/webhook`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('protocol tolerance over a real WebSocket', () => {
  let server: TestServer;
  let webhook: Awaited<ReturnType<typeof startRecordingWebhook>>;
  let botsDir: string;

  beforeAll(async () => {
    webhook = await startRecordingWebhook();
    botsDir = mkdtempSync(join(tmpdir(), 'tolerance-bots-'));
    const write = (name: string, definition: unknown): void => writeFileSync(join(botsDir, `${name}.json`), JSON.stringify(definition));
    write('default', {
      type: 'flow',
      language: 'en-US',
      voices: { 'fr-CA': 'Gabrielle' },
      greeting: 'Press 1 to finish.',
      intents: [{ name: 'done', phrases: ['done'], keys: ['1'], prompt: 'Done.', outputVariables: { intent: 'done' } }],
      noMatch: 'Press 1.',
      noInput: 'Press 1.',
      fallback: { prompt: 'Bye.', outputVariables: { intent: 'fallback' } },
    });
    write('german', { type: 'listen', language: 'de-DE' });
    write('listen', { type: 'listen', language: 'en-US' });
    write('hook', { type: 'webhook', url: webhook.url, retries: 0 });
    server = await startTestServer({ BOTS_DIR: botsDir });
  });
  afterAll(async () => {
    await server.close();
    await webhook.close();
    rmSync(botsDir, { recursive: true, force: true });
  });

  it('gives a talking bot the first mono PCMU offer even when L16 and stereo offers come first', async () => {
    const client = await server.connect();
    const opened = await client.open({ media: [L16_MONO, PCMU_STEREO, PCMU_MONO_OFFER] });
    expect(opened.parameters).toMatchObject({ media: [PCMU_MONO_OFFER] });
    await client.close();
  });

  it('gives a listen-only connector the first offer it can decode, L16 or stereo included', async () => {
    const client = await server.connect({ path: '/audiohook/listen' });
    const opened = await client.open({ media: [L16_MONO, PCMU_MONO_OFFER] });
    expect(opened.parameters).toMatchObject({ media: [L16_MONO] });
    await client.close();
  });

  it("lists only the connector's own bot's languages in opened.supportedLanguages", async () => {
    const client = await server.connect();
    const opened = await client.open({ supportedLanguages: true });
    expect(opened.parameters).toMatchObject({ supportedLanguages: ['en-US', 'fr-CA'] });
    await client.close();
    const german = await server.connect({ path: '/audiohook/german' });
    expect((await german.open({ supportedLanguages: true })).parameters).toMatchObject({ supportedLanguages: ['de-DE'] });
    await german.close();
  });

  it('accepts a lower-case DTMF letter as a key instead of ending the call', async () => {
    const client = await server.connect({ path: '/audiohook/listen' });
    await client.open();
    client.dtmf('d');
    await client.ping();
    await client.close();
    await client.closed;
    expect(client.received.map((m) => m.type)).toEqual(['opened', 'pong', 'closed']);
    const summary = server.logs.find((l) => l.msg === 'session ended' && l.sessionId === client.sessionId);
    expect(summary).toMatchObject({ outcome: 'closed', problems: 0 });
  });

  it('opens a call whose inputVariables hold non-string values, stringifying them, and logs the names', async () => {
    const client = await server.connect({ path: '/audiohook/hook' });
    const disconnect = client.waitFor('disconnect', 15_000);
    const opened = await client.open({ inputVariables: { customerName: 'Ada', tier: 3, vip: true, extra: { a: 1 } } });
    expect(opened.type).toBe('opened');
    await disconnect;
    await client.closed;
    const start = webhook.bodies.find((b) => (b.metadata as { inputType: string }).inputType === 'start');
    expect((start?.metadata as { inputVariables: unknown }).inputVariables).toEqual({
      customerName: 'Ada',
      tier: '3',
      vip: 'true',
      extra: '{"a":1}',
    });
    const report = server.logs.find((l) => l.code === 'ERR_PROTOCOL_INPUT_VARIABLE_NOT_STRING' && l.sessionId === client.sessionId);
    expect(report).toBeDefined();
    expect(JSON.stringify(report)).not.toContain('"a":1');
  });

  it('hands open.customConfig to a webhook bot in the request metadata', async () => {
    webhook.bodies.length = 0;
    const client = await server.connect({ path: '/audiohook/hook' });
    const disconnect = client.waitFor('disconnect', 15_000);
    await client.open({ customConfig: { brand: 'Acme', queue: { name: 'gold' } } });
    await disconnect;
    await client.closed;
    expect((webhook.bodies[0]?.metadata as { customConfig: unknown }).customConfig).toEqual({ brand: 'Acme', queue: { name: 'gold' } });
  });
});
