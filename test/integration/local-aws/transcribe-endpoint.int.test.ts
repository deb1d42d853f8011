import {
  StartStreamTranscriptionCommand,
  TranscribeStreamingClient,
  type Result,
  type StartStreamTranscriptionCommandInput,
} from '@aws-sdk/client-transcribe-streaming';
import { connect } from 'node:http2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../../../runtime/tools/local-aws/local-aws-server.js';
import { DEFAULT_TRANSCRIBE_SETTINGS } from '../../../runtime/tools/local-aws/transcribe/transcribe-controls.js';
import { concat, silence } from '../../../runtime/tools/support/audio-gen.js';
import { audioEvents, clientConfig, startLocalAwsForTest, utterance } from '../../support/local-aws.js';

/**
 * The local Transcribe streaming endpoint against the real SDK client (HTTP/2, signed event stream):
 * results, validation, the quota, the timeouts and injected faults as the service shapes them.
 */
describe('local Transcribe streaming endpoint', () => {
  let aws: LocalAws;
  let client: TranscribeStreamingClient;
  beforeAll(async () => {
    aws = await startLocalAwsForTest();
    client = new TranscribeStreamingClient(clientConfig(aws));
  });
  afterEach(() => Object.assign(aws.transcribe.settings, DEFAULT_TRANSCRIBE_SETTINGS));
  afterAll(async () => {
    client.destroy();
    await aws.close();
  });

  const request = (audio: AsyncIterable<{ AudioEvent: { AudioChunk: Uint8Array } }>, overrides: Partial<StartStreamTranscriptionCommandInput> = {}) =>
    new StartStreamTranscriptionCommand({
      LanguageCode: 'en-US',
      MediaEncoding: 'pcm',
      MediaSampleRateHertz: 8000,
      EnablePartialResultsStabilization: true,
      PartialResultsStability: 'high',
      AudioStream: audio,
      ...overrides,
    });

  async function results(input: StartStreamTranscriptionCommand): Promise<Result[]> {
    const response = await client.send(input);
    const all: Result[] = [];
    for await (const event of response.TranscriptResultStream!) all.push(...(event.TranscriptEvent?.Transcript?.Results ?? []));
    return all;
  }

  it('answers partials then one final per segment with the scripted phrases, offsets in seconds of audio', async () => {
    aws.transcribe.say('I have a question about my bill', 'billing');
    const all = await results(request(audioEvents(concat(utterance(1_500, 1_000, 1), utterance(800, 1_000, 2)))));
    const finals = all.filter((r) => r.IsPartial === false);
    expect(finals.map((r) => r.Alternatives![0]!.Transcript)).toEqual(['I have a question about my bill', 'billing']);
    // Speech starts 200 ms in; the second utterance starts 200 ms after the first one's 2.7 s.
    expect(finals[0]!.StartTime).toBeGreaterThanOrEqual(0.15);
    expect(finals[0]!.StartTime).toBeLessThan(0.45);
    expect(finals[0]!.EndTime).toBeGreaterThan(1.5);
    expect(finals[0]!.EndTime).toBeLessThan(1.9);
    expect(finals[1]!.StartTime).toBeGreaterThan(2.8);
    const firstSegment = all.filter((r) => r.ResultId === finals[0]!.ResultId);
    expect(firstSegment.length).toBeGreaterThan(1);
    expect(firstSegment.slice(0, -1).every((r) => r.IsPartial === true)).toBe(true);
    const partial = firstSegment.find((r) => r.IsPartial === true && r.Alternatives![0]!.Items!.length > 1)!;
    expect(partial.Alternatives![0]!.Items!.at(-1)!.Stable).toBe(false);
    expect(partial.Alternatives![0]!.Items![0]!.Stable).toBe(true);
    expect(aws.transcribe.pendingPhrases).toEqual([]);
  });

  it('says a marked placeholder when no phrase is scripted, and nothing for silence', async () => {
    const all = await results(request(audioEvents(concat(silence(2_000), utterance()))));
    expect(all.filter((r) => !r.IsPartial).map((r) => r.Alternatives![0]!.Transcript)).toEqual([DEFAULT_TRANSCRIBE_SETTINGS.defaultPhrase]);
    expect(DEFAULT_TRANSCRIBE_SETTINGS.defaultPhrase).toMatch(/placeholder/);
  });

  it.each([
    [{ MediaSampleRateHertz: 4000 }, /mediaSampleRateHertz/],
    [{ MediaSampleRateHertz: 96000 }, /mediaSampleRateHertz/],
    [{ MediaEncoding: 'ogg-opus' as const }, /pcm only/],
    [{ LanguageCode: 'xx-XX' as never }, /languageCode/],
    [{ EnableChannelIdentification: true }, /requires NumberOfChannels/],
    [{ NumberOfChannels: 2 }, /requires EnableChannelIdentification/],
    [{ EnableChannelIdentification: true, NumberOfChannels: 3 }, /numberOfChannels/],
  ])('refuses %o with BadRequestException', async (overrides, message) => {
    const error = await results(request(audioEvents(utterance()), overrides)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toMatch(message);
  });

  it('accepts any rate from 8000 to 48000 Hz (22050 is segmented after decimation)', async () => {
    aws.transcribe.say('hello');
    const pcm8k = utterance();
    const pcm22k = Int16Array.from({ length: Math.round((pcm8k.length * 22050) / 8000) }, (_, i) => pcm8k[Math.floor((i * 8000) / 22050)]!);
    function* events() {
      for (let at = 0; at < pcm22k.length; at += 2205) yield { AudioEvent: { AudioChunk: new Uint8Array(pcm22k.slice(at, at + 2205).buffer) } };
    }
    const all = await results(request(toAsync(events()), { MediaSampleRateHertz: 22050 }));
    expect(all.filter((r) => !r.IsPartial).map((r) => r.Alternatives![0]!.Transcript)).toEqual(['hello']);
  });

  it('refuses a stream beyond the concurrent-stream quota with LimitExceededException (429), and takes one again when a stream ends', async () => {
    aws.transcribe.settings.maxConcurrentStreams = 1;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    async function* holdOpen() {
      yield* audioEvents(silence(200));
      await held;
    }
    const first = client.send(request(holdOpen()));
    const firstResponse = await first;
    const refused = await results(request(audioEvents(utterance()))).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } });
    expect(aws.transcribe.streamsOverQuota).toBe(1);
    release();
    for await (const _ of firstResponse.TranscriptResultStream!) {
      // drain the first stream to its end
    }
    await expect(results(request(audioEvents(silence(500))))).resolves.toEqual([]);
  });

  it('ends a stream that receives no audio with the idle-timeout BadRequestException, after its results so far', async () => {
    aws.transcribe.settings.idleTimeoutMs = 300;
    aws.transcribe.say('before the pause');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    async function* stall() {
      yield* audioEvents(utterance(800, 1_000));
      await held;
    }
    const seen: Result[] = [];
    const error = await (async () => {
      const response = await client.send(request(stall()));
      for await (const event of response.TranscriptResultStream!) seen.push(...(event.TranscriptEvent?.Transcript?.Results ?? []));
    })().catch((e: unknown) => e);
    release();
    expect(error).toMatchObject({ name: 'BadRequestException' });
    expect((error as Error).message).toMatch(/no new audio was received/);
    expect(seen.some((r) => r.IsPartial === false && r.Alternatives![0]!.Transcript === 'before the pause')).toBe(true);
  });

  it('ends a stream at the maximum stream duration with LimitExceededException', async () => {
    aws.transcribe.settings.maxStreamMs = 300;
    const error = await results(request(audioEvents(silence(3_000), { paceMs: 20 }))).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'LimitExceededException' });
    expect((error as Error).message).toMatch(/maximum duration/);
  });

  it('injects InternalFailureException mid-stream, and refusals at start', async () => {
    aws.transcribe.failNextStream({ kind: 'internalFailure', afterAudioMs: 500 });
    const midStream = await results(request(audioEvents(utterance(), { paceMs: 5 }))).catch((e: unknown) => e);
    expect(midStream).toMatchObject({ name: 'InternalFailureException' });
    aws.transcribe.failNextStream({ kind: 'limitExceeded' }).failNextStream({ kind: 'serviceUnavailable' });
    await expect(results(request(audioEvents(utterance())))).rejects.toMatchObject({ name: 'LimitExceededException' });
    await expect(results(request(audioEvents(utterance())))).rejects.toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
  });

  it('delays the response and every result when told to be slow', async () => {
    aws.transcribe.settings.resultDelayMs = 400;
    aws.transcribe.say('slowly');
    const started = performance.now();
    const all = await results(request(audioEvents(utterance(600, 900))));
    expect(all.filter((r) => !r.IsPartial).map((r) => r.Alternatives![0]!.Transcript)).toEqual(['slowly']);
    // A lower bound only: the delay is a floor, whatever the machine's load.
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('answers a malformed event stream with an exception and keeps serving', async () => {
    const session = connect(aws.url);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/stream-transcription',
      'x-amzn-transcribe-language-code': 'en-US',
      'x-amzn-transcribe-sample-rate': '8000',
      'x-amzn-transcribe-media-encoding': 'pcm',
    });
    stream.end(Buffer.from('this is not an event stream frame at all, but long enough to look like one'));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    session.close();
    expect(Buffer.concat(chunks).toString('latin1')).toContain('BadRequestException');
    aws.transcribe.say('still here');
    const all = await results(request(audioEvents(utterance())));
    expect(all.filter((r) => !r.IsPartial).map((r) => r.Alternatives![0]!.Transcript)).toEqual(['still here']);
  });
});

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}
