import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration } from '../../runtime/src/protocol/index.js';
import { PLACEHOLDER_WORD } from '../../runtime/src/speech/offline/vad-segment-recognizer.js';
import { readConversationTranscript } from '../../runtime/src/store/conversation-transcript.js';
import type { GenesysClient } from '../../runtime/tools/simulator/genesys-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-server.js';
import { MONO, STEREO, expectSpans, frames, send, spans, speechAt, transcripts } from '../support/transcription-audio.js';

/**
 * The Transcription Connector over real sockets, offline: the server's local recognizer segments
 * the generated audio with the VAD, so each utterance's offset and duration are checked against the
 * speech segments the audio was made of. Audio goes out as fast as the inbound limit allows (each
 * call stays within its 5 s burst), so nothing here depends on wall-clock pacing.
 */

/** Polls an async condition as `eventually` polls a sync one. */
async function eventuallyAsync(predicate: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('transcription connector (offline recognizer, real sockets)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const connect = (): Promise<GenesysClient> => server.connect({ path: '/audiohook/transcription' });

  it('mono: one final transcript per utterance with offsets and durations of the speech, stored as the listen bot stores them', async () => {
    const client = await connect();
    const conversationId = crypto.randomUUID();
    const opened = await client.open({ media: [MONO], conversationId, language: 'en-US' });
    expect(opened.parameters).toMatchObject({ media: [MONO] });
    send(client, frames(speechAt([[400, 1_400], [2_200, 3_400]], 4_400)));
    await client.close();
    const finals = transcripts(client).filter((t) => t.isFinal);
    expectSpans(spans(client), [
      [0, 400, 1_400],
      [0, 2_200, 3_400],
    ]);
    expect(transcripts(client).every((t) => t.isFinal)).toBe(true); // partials are off by default
    expect(new Set(finals.map((t) => t.id)).size).toBe(2);
    for (const t of finals) {
      expect(t.id).toMatch(/^[0-9a-f-]{36}$/);
      const [alternative] = t.alternatives;
      expect(alternative.languages).toEqual(['en-US']);
      expect(alternative.confidence).toBe(0);
      const [display] = alternative.interpretations;
      expect(display.type).toBe('display');
      expect(display.transcript).toMatch(/^\[speech \d+\.\d s: placeholder, not recognized/);
      expect(display.tokens).toEqual([{ type: 'word', value: PLACEHOLDER_WORD, confidence: 0, offset: t.offset, duration: t.duration, language: 'en-US' }]);
    }
    expect(client.audio).toEqual([]); // never sends audio
    expect(client.violations).toEqual([]);
    // Lines are written behind the call: wait until both are in.
    const texts = finals.map((t) => t.alternatives[0].interpretations[0].transcript);
    let stored: string[] = [];
    await eventuallyAsync(async () => {
      stored = (await readConversationTranscript(server.app.storage.store, conversationId)).map((line) => line.text);
      return stored.length >= texts.length;
    });
    expect(stored).toEqual(texts);
  });

  it('stereo: both channels transcribed, each with the index of its channel in the selected media', async () => {
    const client = await connect();
    await client.open({ media: [STEREO] });
    const external = speechAt([[300, 1_300], [3_000, 3_800]], 4_600, 1);
    const internal = speechAt([[1_800, 2_600]], 4_600, 7);
    send(client, frames(external, internal), true);
    await client.close();
    const byStart = spans(client).sort((a, b) => a[1] - b[1]);
    expectSpans(byStart, [
      [0, 300, 1_300],
      [1, 1_800, 2_600],
      [0, 3_000, 3_800],
    ]);
    expect(client.violations).toEqual([]);
  });

  it('discarded: later positions move on by the discarded duration', async () => {
    const client = await connect();
    await client.open({ media: [MONO] });
    const audio = frames(speechAt([[400, 1_400], [2_400, 3_400]], 4_000));
    send(client, audio.slice(0, 10)); // 0–2 s
    client.send('discarded', { start: formatDuration(2_000), discarded: formatDuration(5_000) });
    send(client, audio.slice(10));
    await client.close();
    expectSpans(spans(client), [
      [0, 400, 1_400],
      [0, 7_400, 8_400],
    ]);
  });

  it('paused: audio not sent while paused does not advance positions; an utterance cut by the pause ends there', async () => {
    const client = await connect();
    await client.open({ media: [MONO] });
    // Speech from 0.4 to 2.4 s of the client's timeline, paused at 1.2 s for a while (no audio, nothing discarded).
    const audio = frames(speechAt([[400, 2_400]], 4_000));
    send(client, audio.slice(0, 6)); // 0–1.2 s
    client.send('paused', {});
    await eventually(() => transcripts(client).length === 1); // the utterance so far is finished by the pause
    client.send('resumed', { start: formatDuration(1_200), discarded: 'PT0S' });
    send(client, audio.slice(6));
    await client.close();
    expectSpans(spans(client), [
      [0, 400, 1_200],
      [0, 1_200, 2_400],
    ]);
  });

  it('update: the utterance in progress is finished, then the next is transcribed in the new language', async () => {
    const client = await connect();
    await client.open({ media: [MONO], language: 'en-US' });
    const audio = frames(speechAt([[400, 2_400], [3_200, 4_000]], 4_800));
    send(client, audio.slice(0, 8)); // 0–1.6 s
    client.send('update', { language: 'es-us' });
    send(client, audio.slice(8));
    await client.close();
    expectSpans(spans(client), [
      [0, 400, 1_600],
      [0, 1_600, 2_400],
      [0, 3_200, 4_000],
    ]);
    expect(transcripts(client).map((t) => t.alternatives[0].languages)).toEqual([['en-US'], ['es-US'], ['es-US']]);
  });
});

describe('transcription connector languages', () => {
  let server: TestServer;
  let botsDir: string;
  beforeAll(async () => {
    botsDir = mkdtempSync(join(tmpdir(), 'transcription-bots-'));
    writeFileSync(join(botsDir, 'default.json'), JSON.stringify({ type: 'listen' }));
    writeFileSync(
      join(botsDir, 'transcription.json'),
      JSON.stringify({ type: 'transcription', language: 'en-US', languages: ['en-US', 'es-US'], partials: true, partialIntervalMs: 250 }),
    );
    server = await startTestServer({ BOTS_DIR: botsDir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(botsDir, { recursive: true, force: true });
  });

  it('lists its languages when asked, pauses on an unsupported one and resumes on a supported update', async () => {
    const client = await server.connect({ path: '/audiohook/transcription' });
    const opened = await client.open({ media: [MONO], language: 'de-DE', supportedLanguages: true });
    expect(opened.parameters).toMatchObject({ supportedLanguages: ['en-US', 'es-US'] });
    await eventually(() => client.received.some((m) => m.type === 'pause'));
    client.send('paused', {});
    const resumed = client.waitFor('resume');
    client.send('update', { language: 'es-US' });
    await resumed;
    client.send('resumed', { start: 'PT0S', discarded: 'PT0S' });
    send(client, frames(speechAt([[400, 2_400]], 3_200)));
    await client.close();
    const results = transcripts(client);
    expect(results.at(-1)).toMatchObject({ isFinal: true });
    expect(results.every((t) => t.alternatives[0].languages[0] === 'es-US')).toBe(true);
    // Partials asked for: they share the final's id.
    const partials = results.filter((t) => !t.isFinal);
    expect(partials.length).toBeGreaterThan(0);
    expect(new Set(results.map((t) => t.id)).size).toBe(1);
    expect(client.violations).toEqual([]);
  });
});
