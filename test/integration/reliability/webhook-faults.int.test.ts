import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import type { GenesysClient } from '../../../runtime/tools/simulator/genesys-client.js';
import { eventually, type TestServer } from '../../support/test-server.js';
import { createBotsDir, startReliabilityServer } from './support/reliability-server.js';
import { startWebhookDouble, type WebhookDouble, type WebhookMode } from './support/webhook-double.js';

const FALLBACK_PROMPT = 'Sorry, our assistant is not reachable. Passing you back now.';
const TIMEOUT_MS = 500;
const BOT_FALLBACK = { botOutcome: 'fallback', fallbackReason: 'error', failedDependency: 'bot' };

/**
 * A webhook bot (docs/bots.md) whose endpoint is slow, failing or down, over real sockets on both
 * sides: the Genesys simulator calls the server, the server calls a local HTTP endpoint. The caller
 * must hear the fallback prompt and the call must end cleanly with the fallback output variables.
 */
describe('webhook bot faults during a call', () => {
  let server: TestServer;
  let webhook: WebhookDouble;
  let bots: Awaited<ReturnType<typeof createBotsDir>>;
  const synthesizer = new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 10 });

  beforeAll(async () => {
    webhook = await startWebhookDouble((message) => {
      if (message === '/greet') return [{ recipient_id: 'x', text: 'Welcome. Press 1 for billing.' }];
      if (message === '1') {
        return [
          { recipient_id: 'x', text: "You'll be connected to billing." },
          { recipient_id: 'x', custom: { end: true, outputVariables: { intent: 'billing', transferTo: 'Billing' } } },
        ];
      }
      return [{ recipient_id: 'x', text: 'Sorry?' }];
    });
    bots = await createBotsDir({ hook: { type: 'webhook', url: webhook.url, timeoutMs: TIMEOUT_MS, retries: 1, retryBackoffMs: 50 } });
    server = await startReliabilityServer({ BOTS_DIR: bots.dir, FALLBACK_PROMPT }, { speech: { mode: 'custom', synthesizer } });
  });
  beforeEach(() => {
    webhook.mode = { kind: 'ok' };
  });
  afterAll(async () => {
    await server.close();
    await webhook.close();
    await bots.remove();
  });

  /** Opens a call to the webhook bot, waits for its greeting to play, puts the webhook in `mode`, then keys 1. */
  async function keyOneAfterGreeting(mode: WebhookMode = { kind: 'ok' }): Promise<{ client: GenesysClient; keyedAt: number; requestsBefore: number }> {
    const client = await server.connect({ path: '/audiohook/hook' });
    await client.open();
    await eventually(() => client.audio.length > 0, 5_000);
    await eventually(() => !client.playing, 10_000);
    webhook.mode = mode;
    const requestsBefore = webhook.requests.length;
    const keyedAt = performance.now();
    client.dtmf('1');
    return { client, keyedAt, requestsBefore };
  }

  /** Audio bytes that arrived after `since` and before the disconnect. */
  function audioBytesBeforeDisconnect(client: GenesysClient, since: number): number {
    const disconnectAt = client.receivedTimes[client.received.findIndex((m) => m.type === 'disconnect')]!;
    return client.audio
      .filter((_chunk, i) => client.audioTimes[i]! > since && client.audioTimes[i]! <= disconnectAt)
      .reduce((n, chunk) => n + chunk.byteLength, 0);
  }

  const fallbackBytes = (): number => synthesizer.durationMs({ text: FALLBACK_PROMPT, ssml: false, languageCode: 'en-US' }) * 8;

  it('completes a call through the webhook when it answers (control: the double works)', async () => {
    const { client } = await keyOneAfterGreeting();
    const disconnect = await client.waitFor('disconnect', 10_000);
    await client.closed;
    expect(disconnect.parameters).toEqual({ reason: 'completed', outputVariables: { botOutcome: 'transfer', intent: 'billing', transferTo: 'Billing' } });
  });

  it('gives up on a webhook that does not answer after its timeout, says the fallback prompt and ends cleanly', async () => {
    const { client, keyedAt, requestsBefore } = await keyOneAfterGreeting({ kind: 'hang' });
    const disconnect = await client.waitFor('disconnect', 10_000);
    await client.closed;
    expect(disconnect.parameters).toEqual({ reason: 'completed', outputVariables: BOT_FALLBACK });
    const disconnectAt = client.receivedTimes[client.received.indexOf(disconnect)]!;
    expect(disconnectAt - keyedAt).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(audioBytesBeforeDisconnect(client, keyedAt)).toBeGreaterThanOrEqual(fallbackBytes());
    // A timeout is not retried (the remote may have acted), and the hanging request was abandoned, not leaked.
    expect(webhook.requests.length - requestsBefore).toBe(1);
    await eventually(() => webhook.requests.at(-1)!.abandoned, 2_000);
    expect(client.received.map((m) => m.type).slice(-2)).toEqual(['disconnect', 'closed']);
    expect(client.violations).toEqual([]);
  });

  it('retries a webhook that answers 503 once, then says the fallback prompt and ends cleanly', async () => {
    const { client, keyedAt, requestsBefore } = await keyOneAfterGreeting({ kind: 'status', status: 503 });
    const disconnect = await client.waitFor('disconnect', 10_000);
    await client.closed;
    expect(disconnect.parameters).toEqual({ reason: 'completed', outputVariables: BOT_FALLBACK });
    expect(webhook.requests.length - requestsBefore).toBe(2);
    expect(audioBytesBeforeDisconnect(client, keyedAt)).toBeGreaterThanOrEqual(fallbackBytes());
    expect(client.violations).toEqual([]);
  });

  // Last: the double stays down afterwards.
  it('says the fallback prompt and ends cleanly when the webhook is down (connection refused)', async () => {
    const client = await server.connect({ path: '/audiohook/hook' });
    await client.open();
    await eventually(() => client.audio.length > 0, 5_000);
    await eventually(() => !client.playing, 10_000);
    await webhook.goDown();
    const keyedAt = performance.now();
    client.dtmf('1');
    const disconnect = await client.waitFor('disconnect', 10_000);
    await client.closed;
    expect(disconnect.parameters).toEqual({ reason: 'completed', outputVariables: BOT_FALLBACK });
    expect(audioBytesBeforeDisconnect(client, keyedAt)).toBeGreaterThanOrEqual(fallbackBytes());
    expect(client.violations).toEqual([]);
    await eventually(() => server.app.server.activeSessions === 0, 2_000);
  });
});
