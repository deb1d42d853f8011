import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { afterEach, describe, expect, it } from 'vitest';
import { PCMU_SILENCE } from '../../runtime/src/audio/codec.js';
import type { RecordingSidecar } from '../../runtime/src/session/recording-sidecar.js';
import { systemClock } from '../../runtime/src/shared/clock.js';
import { FakeSpeechSynthesizer } from '../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { CallerAudioPlayer } from '../support/caller-audio-player.js';
import { eventually, startTestServer, type TestServer } from '../support/test-server.js';

/** Files under `dir`, recursively, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

interface ReadWav {
  channels: number;
  sampleRate: number;
  audioFormat: number;
  frames: number;
  channel(index: number): Uint8Array;
}

function readWav(bytes: Uint8Array): ReadWav {
  const wav = new wavefile.WaveFile(bytes);
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; audioFormat: number };
  const data = (wav.data as { samples: Uint8Array }).samples;
  const frames = data.byteLength / fmt.numChannels;
  return {
    channels: fmt.numChannels,
    sampleRate: fmt.sampleRate,
    audioFormat: fmt.audioFormat,
    frames,
    channel: (index) => Uint8Array.from({ length: frames }, (_, f) => data[f * fmt.numChannels + index] ?? 0),
  };
}

/**
 * Call recording end to end over real sockets: the real server records a flow bot call (the caller's
 * 200 ms frames from the Genesys simulator, the bot's paced audio), and after the call its WAV and
 * sidecar reach the local data directory, or S3 (mocked at the SDK client).
 */
describe('call recording', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const synthesizer = new FakeSpeechSynthesizer({ clock: systemClock, latencyMs: 20, msPerChar: 4 });

  /** A call on the default flow bot that presses 1 once the greeting has played. */
  async function recordedCall(srv: TestServer): Promise<Record<string, string>> {
    const client = await srv.connect();
    await client.open({ conversationId: randomUUID(), participant: { id: randomUUID(), ani: '+13175550100', aniName: 'Ada', dnis: '+18005550199' } });
    const caller = new CallerAudioPlayer(client).start();
    await eventually(() => client.audio.length > 0 && !client.playing, 10_000);
    client.dtmf('1');
    const disconnect = await client.waitFor('disconnect', 10_000);
    caller.stop();
    await client.closed;
    return (disconnect.parameters as { outputVariables: Record<string, string> }).outputVariables;
  }

  function checkRecording(wavBytes: Uint8Array, sidecar: RecordingSidecar, outputs: Record<string, string>): void {
    const wav = readWav(wavBytes);
    expect(wav).toMatchObject({ channels: 2, sampleRate: 8000, audioFormat: 7 });
    expect(sidecar.audio.channels).toEqual(['external', 'bot']);
    // The WAV is as long as the call's timeline: the caller's stream up to its `close`.
    const close = sidecar.messages.find((m) => m.direction === 'in' && m.type === 'close');
    expect(close).toBeDefined();
    expect(Math.abs(wav.frames / 8 - (close?.positionMs ?? -1))).toBeLessThanOrEqual(1);
    expect(sidecar.audio.durationMs).toBe(Math.round(wav.frames / 8));
    // The bot channel holds the greeting, placed at the start of the call; the caller sent silence.
    const bot = wav.channel(1);
    expect(bot.slice(0, 8000).some((b) => b !== PCMU_SILENCE)).toBe(true);
    expect(wav.channel(0).every((b) => b === PCMU_SILENCE)).toBe(true);
    expect(sidecar.messages.slice(0, 2)).toEqual([
      { direction: 'in', type: 'open', positionMs: 0 },
      { direction: 'out', type: 'opened', positionMs: 0 },
    ]);
    expect(sidecar.messages.map((m) => m.type)).toEqual(expect.arrayContaining(['dtmf', 'disconnect', 'closed']));
    expect(sidecar.transcript.some((l) => l.speaker === 'bot' && l.text.length > 0)).toBe(true);
    expect(sidecar.outputVariables).toEqual(outputs);
    expect(sidecar.truncated).toBe(false);
    // Participant data under the session store's policy (hash by default): no phone number in clear.
    expect(sidecar.participant.ani).toMatch(/^sha256:/);
    expect(JSON.stringify(sidecar)).not.toContain('3175550100');
  }

  it('writes the WAV and its sidecar under the local data directory after the call', async () => {
    server = await startTestServer({ RECORD_ALL_CALLS: 'true' }, { speech: { mode: 'custom', synthesizer } });
    const srv = server;
    const outputs = await recordedCall(srv);
    await eventually(() => srv.app.recordingUploads.stats().stored === 1, 10_000);

    const dir = join(srv.dataDir, 'recordings');
    const files = filesUnder(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.json$/);
    const sidecar = JSON.parse(readFileSync(join(dir, files[0] ?? ''), 'utf8')) as RecordingSidecar;
    checkRecording(new Uint8Array(readFileSync(join(dir, files[1] ?? ''))), sidecar, outputs);
    expect(sidecar.audio.key).toBe(`recordings/${files[1] ?? ''}`);
  });

  it('records a stereo listen-only call as two caller channels, without a bot channel', async () => {
    server = await startTestServer({ RECORD_ALL_CALLS: 'true' }, { speech: { mode: 'custom', synthesizer } });
    const srv = server;
    const client = await srv.connect({ path: '/audiohook/listen' });
    await client.open({ conversationId: randomUUID(), media: [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }] });
    // Ten 200 ms stereo frames in real time, external 0x10 and internal 0x20 interleaved.
    const frame = Uint8Array.from({ length: 3200 }, (_, i) => (i % 2 === 0 ? 0x10 : 0x20));
    await new Promise<void>((resolve) => {
      let sent = 0;
      const timer = setInterval(() => {
        client.sendAudio(frame, 2);
        sent += 1;
        if (sent === 10) {
          clearInterval(timer);
          resolve();
        }
      }, 200);
    });
    await client.close('end');
    await eventually(() => srv.app.recordingUploads.stats().stored === 1, 10_000);

    const dir = join(srv.dataDir, 'recordings');
    const files = filesUnder(dir).sort();
    const sidecar = JSON.parse(readFileSync(join(dir, files[0] ?? ''), 'utf8')) as RecordingSidecar;
    const wav = readWav(new Uint8Array(readFileSync(join(dir, files[1] ?? ''))));
    expect(sidecar.audio).toMatchObject({ channels: ['external', 'internal'], durationMs: 2000, format: 'PCMU' });
    expect(wav).toMatchObject({ channels: 2, frames: 16_000, audioFormat: 7 });
    expect(wav.channel(0).every((b) => b === 0x10)).toBe(true);
    expect(wav.channel(1).every((b) => b === 0x20)).toBe(true);
  });

  it('records nothing when neither the server nor the bot file asks for it', async () => {
    server = await startTestServer({}, { speech: { mode: 'custom', synthesizer } });
    await recordedCall(server);
    expect(server.app.recordingUploads.stats()).toMatchObject({ stored: 0, pending: 0, dropped: 0 });
    expect(readdirSync(server.dataDir)).not.toContain('recordings');
  });

  it('puts the WAV and the sidecar in the bucket under the recordings prefix, encrypted with the KMS key', async () => {
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    server = await startTestServer(
      { RECORD_ALL_CALLS: 'true', RECORDINGS_BUCKET: 'rec-bucket', RECORDINGS_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/k' },
      { speech: { mode: 'custom', synthesizer }, s3: client },
    );
    const srv = server;
    const outputs = await recordedCall(srv);
    await eventually(() => srv.app.recordingUploads.stats().stored === 1, 10_000);

    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(2);
    for (const put of puts) {
      expect(put).toMatchObject({ Bucket: 'rec-bucket', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k' });
      expect(put.Key).toMatch(/^recordings\//);
    }
    const wavPut = puts.find((p) => p.ContentType === 'audio/wav');
    const jsonPut = puts.find((p) => p.ContentType === 'application/json');
    const sidecar = JSON.parse(new TextDecoder().decode(jsonPut?.Body as Uint8Array)) as RecordingSidecar;
    checkRecording(wavPut?.Body as Uint8Array, sidecar, outputs);
    expect(sidecar.audio.key).toBe(wavPut?.Key);
    s3.restore();
  });
});
