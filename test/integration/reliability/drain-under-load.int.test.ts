import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { GenesysClient, type GenesysClientOptions } from '../../../runtime/tools/simulator/genesys-client.js';
import { CallerAudioPlayer } from '../../support/caller-audio-player.js';
import { eventually, SIGNED_KEY, type TestServer } from '../../support/test-server.js';
import { startFakeEcsAgent, type FakeEcsAgent } from './support/fake-ecs-agent.js';
import { health, sleep, startReliabilityServer, TEST_KEYS_JSON } from './support/reliability-server.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SESSIONS = 30;
const DRAIN_TIMEOUT_MS = 1_500;
const SHUTDOWN_DISCONNECT = { reason: 'error', info: 'Server shutting down' };

/** When a message of `type` arrived, or undefined. */
function arrival(client: GenesysClient, type: string): number | undefined {
  const index = client.received.findIndex((m) => m.type === type);
  return index < 0 ? undefined : client.receivedTimes[index];
}

describe('drain under load', () => {
  let server: TestServer | undefined;
  let agent: FakeEcsAgent | undefined;
  const players: CallerAudioPlayer[] = [];
  afterEach(async () => {
    for (const player of players.splice(0)) player.stop();
    await server?.close();
    await agent?.close();
    server = undefined;
    agent = undefined;
  });

  it('keeps every live call up until the drain timeout, then ends each with disconnect and closed, and releases task protection', async () => {
    agent = await startFakeEcsAgent();
    const a = agent;
    // A short greeting: it has played out long before the drain timeout.
    server = await startReliabilityServer(
      { ECS_AGENT_URI: a.uri, LOG_LEVEL: 'warn' },
      { speech: { mode: 'custom', synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 5 }) } },
    );
    const s = server;
    const clients = await Promise.all(Array.from({ length: SESSIONS }, () => s.connect()));
    await Promise.all(clients.map((c) => c.open()));
    for (const client of clients) players.push(new CallerAudioPlayer(client).start());
    await eventually(() => a.protection.at(-1) === true, 3_000);
    await eventually(() => clients.every((c) => !c.playing && c.audio.length > 0), 5_000);

    const drainStartedAt = performance.now();
    const drained = s.app.server.drain(DRAIN_TIMEOUT_MS);
    // During the drain: no new calls, /health says draining, every live call still answers.
    await sleep(DRAIN_TIMEOUT_MS / 2);
    expect(await health(s)).toMatchObject({ status: 503, body: { status: 'draining', activeSessions: SESSIONS } });
    await expect(s.connect()).rejects.toMatchObject({ status: 503 });
    const rtts = await Promise.all(clients.map((c) => c.ping()));
    expect(Math.max(...rtts)).toBeLessThan(500);

    await drained;
    const finishedAt = performance.now();
    for (const client of clients) {
      const disconnectAt = arrival(client, 'disconnect');
      expect(disconnectAt).toBeGreaterThanOrEqual(drainStartedAt + DRAIN_TIMEOUT_MS - 20);
      expect(client.received.find((m) => m.type === 'disconnect')?.parameters).toEqual(SHUTDOWN_DISCONNECT);
      expect(client.received.at(-1)?.type).toBe('closed');
      expect(client.violations).toEqual([]);
    }
    expect(finishedAt - drainStartedAt).toBeLessThan(DRAIN_TIMEOUT_MS + 3_000);
    expect(s.app.server.activeSessions).toBe(0);
    // After the drain the application stops and gives up the task's scale-in protection.
    await s.close();
    expect(a.protection[0]).toBe(true);
    expect(a.protection.at(-1)).toBe(false);
  });

  // BUG: a drain (or any server-side disconnect: protocol violation, shutdown) does not stop the
  // call's prompt: session.shutdown() sends `disconnect` but the call is not told, so the audio
  // queued in the paced sender (the rest of the prompt) keeps flowing after the disconnect.
  // Expected: queued bot audio is dropped when the server sends disconnect(error).
  it('sends no bot audio after the drain has sent disconnect', async () => {
    // A greeting about 8 s long, still playing when the drain times out.
    server = await startReliabilityServer(
      { LOG_LEVEL: 'warn' },
      { speech: { mode: 'custom', synthesizer: new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 120 }) } },
    );
    const client = await server.connect({ simulatePlayback: false, autoCloseOnDisconnect: false });
    await client.open();
    await eventually(() => client.audio.length > 0, 3_000);
    const drained = server.app.server.drain(300);
    const disconnect = await client.waitFor('disconnect', 2_000);
    // Genesys answers with close at once; a slower client shows what the server keeps sending meanwhile.
    await sleep(1_000);
    const disconnectAt = client.receivedTimes[client.received.indexOf(disconnect)]!;
    const audioAfterDisconnect = client.audioTimes.filter((t) => t > disconnectAt).length;
    await client.close('disconnect');
    await drained;
    expect(audioAfterDisconnect).toBe(0);
  });

  it('exits 0 on SIGTERM only after the drain timeout, with every live call ended properly and protection released', async () => {
    agent = await startFakeEcsAgent();
    const a = agent;
    const dataDir = await mkdtemp(join(tmpdir(), 'reliability-sigterm-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS),
        AUDIOHOOK_API_KEYS: TEST_KEYS_JSON,
        SPEECH_MODE: 'offline',
        ECS_AGENT_URI: a.uri,
        LOCAL_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', () => {
          const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(output);
          if (match) resolve(Number(match[1]));
        });
        child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${output}`)));
      });
      // The listen-only bot never speaks: these calls would last until the caller hangs up.
      const options: GenesysClientOptions = { url: `ws://127.0.0.1:${port}/audiohook/listen`, ...SIGNED_KEY };
      const clients = await Promise.all(Array.from({ length: 15 }, () => GenesysClient.connect(options)));
      await Promise.all(clients.map((c) => c.open()));
      for (const client of clients) players.push(new CallerAudioPlayer(client).start());
      await eventually(() => a.protection.at(-1) === true, 3_000);

      const signalledAt = performance.now();
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      for (const client of clients) {
        expect(arrival(client, 'disconnect')).toBeGreaterThanOrEqual(signalledAt + DRAIN_TIMEOUT_MS - 20);
        expect(client.received.map((m) => m.type)).toEqual(['opened', 'disconnect', 'closed']);
        expect(client.received[1]?.parameters).toEqual(SHUTDOWN_DISCONNECT);
        expect(client.violations).toEqual([]);
      }
      expect(a.protection[0]).toBe(true);
      expect(a.protection.at(-1)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
