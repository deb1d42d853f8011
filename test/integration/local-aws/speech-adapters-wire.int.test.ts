import { PollyClient } from '@aws-sdk/client-polly';
import { TranscribeStreamingClient } from '@aws-sdk/client-transcribe-streaming';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../runtime/src/shared/clock.js';
import { AppError } from '../../../runtime/src/shared/errors.js';
import type { RecognizerStream, TranscriptEvent } from '../../../runtime/src/speech/ports.js';
import { PollySpeechSynthesizer } from '../../../runtime/src/speech/polly/polly-speech-synthesizer.js';
import { TranscribeSpeechRecognizer } from '../../../runtime/src/speech/transcribe/transcribe-speech-recognizer.js';
import type { LocalAws } from '../../../runtime/tools/local-aws/local-aws-server.js';
import { DEFAULT_POLLY_SETTINGS } from '../../../runtime/tools/local-aws/polly/polly-controls.js';
import { DEFAULT_TRANSCRIBE_SETTINGS } from '../../../runtime/tools/local-aws/transcribe/transcribe-controls.js';
import { clientConfig, startLocalAwsForTest, utterance } from '../../support/local-aws.js';

/**
 * The production speech adapters over the wire: the real Transcribe streaming and Polly SDK clients,
 * configured as app.ts configures them (default retries and HTTP/2 handler), against the local
 * endpoints. What the adapters do with the service's framing, errors and concurrency.
 */
describe('speech adapters over the wire', () => {
  let aws: LocalAws;
  let transcribe: TranscribeStreamingClient;
  let polly: PollyClient;
  let recognizer: TranscribeSpeechRecognizer;
  beforeAll(async () => {
    aws = await startLocalAwsForTest();
    transcribe = new TranscribeStreamingClient(clientConfig(aws));
    polly = new PollyClient(clientConfig(aws));
    recognizer = new TranscribeSpeechRecognizer(transcribe, { clock: systemClock });
  });
  afterEach(() => {
    Object.assign(aws.transcribe.settings, DEFAULT_TRANSCRIBE_SETTINGS);
    Object.assign(aws.polly.settings, DEFAULT_POLLY_SETTINGS);
  });
  afterAll(async () => {
    transcribe.destroy();
    polly.destroy();
    await aws.close();
  });

  /** Writes one utterance as 200 ms Genesys-sized frames, ends the stream and collects every result. */
  async function recognise(stream: RecognizerStream, pcm = utterance()): Promise<TranscriptEvent[]> {
    for (let at = 0; at < pcm.length; at += 1600) stream.write(pcm.subarray(at, at + 1600));
    stream.end();
    const events: TranscriptEvent[] = [];
    for await (const event of stream.results) events.push(event);
    return events;
  }

  it('recognises a scripted phrase: partials, then the final with offsets in stream time', async () => {
    aws.transcribe.say('billing');
    const events = await recognise(recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, new AbortController().signal));
    const final = events.find((e) => e.kind === 'final')!;
    expect(final).toMatchObject({ text: 'billing', stableText: 'billing', languageCode: 'en-US' });
    expect(final.startMs).toBeGreaterThanOrEqual(150);
    expect(final.endMs).toBeGreaterThan(final.startMs);
    expect(events.filter((e) => e.kind === 'final')).toHaveLength(1);
  });

  it('surfaces a mid-stream InternalFailureException as a retryable `unavailable` AppError, and a reopened stream works', async () => {
    aws.transcribe.failNextStream({ kind: 'internalFailure', afterAudioMs: 400 });
    const error = await recognise(recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, new AbortController().signal)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ category: 'unavailable' });
    aws.transcribe.say('after the reopen');
    const events = await recognise(recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, new AbortController().signal));
    expect(events.filter((e) => e.kind === 'final').map((e) => e.text)).toEqual(['after the reopen']);
  });

  it('surfaces the concurrent-stream quota at call start as a `throttled` AppError', async () => {
    aws.transcribe.settings.maxConcurrentStreams = 1;
    const holder = new AbortController();
    const held = recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, holder.signal);
    held.write(new Int16Array(1600));
    // The held stream is open once its first (empty) event has come back.
    await expect.poll(() => aws.transcribe.activeStreams).toBe(1);
    const refused = recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, new AbortController().signal);
    const error = await recognise(refused).catch((e: unknown) => e);
    holder.abort();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ category: 'throttled' });
    expect(aws.transcribe.streamsOverQuota).toBeGreaterThanOrEqual(1);
  });

  it('runs 500 concurrent recognizer streams from one process, each to its final', async () => {
    const streams = 500;
    aws.transcribe.settings.maxConcurrentStreams = streams;
    // Short utterances and a short hangover: the test is about concurrency, not segmentation.
    Object.assign(aws.transcribe.settings, { finalLatencyMs: 0, hangoverMs: 200 });
    const before = aws.transcribe.streamsStarted;
    const pcm = utterance(400, 300);
    const finals = await Promise.all(
      Array.from({ length: streams }, async () => {
        const events = await recognise(recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, new AbortController().signal), pcm);
        return events.filter((e) => e.kind === 'final').length;
      }),
    );
    expect(finals.every((count) => count === 1)).toBe(true);
    expect(aws.transcribe.streamsStarted - before).toBe(streams);
    expect(aws.transcribe.activeStreams).toBe(0);
  });

  it('synthesises μ-law through Polly pcm at 8 kHz', async () => {
    const synthesizer = new PollySpeechSynthesizer(polly);
    const chunks: Uint8Array[] = [];
    for await (const chunk of synthesizer.synthesize({ text: 'You will be connected to billing.', ssml: false, languageCode: 'en-US' }, new AbortController().signal)) {
      chunks.push(chunk);
    }
    const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
    // μ-law is one byte per sample at 8 kHz: one to four seconds of speech.
    expect(bytes).toBeGreaterThan(8_000);
    expect(bytes).toBeLessThan(32_000);
    expect(aws.polly.requests.at(-1)).toMatchObject({ voiceId: 'Joanna', engine: 'neural' });
  });

  it('surfaces Polly throttling under a burst as `throttled` AppErrors, after the SDK retries', async () => {
    Object.assign(aws.polly.settings, { requestsPerSecond: 1, burst: 2 });
    const synthesizer = new PollySpeechSynthesizer(polly);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        try {
          for await (const _chunk of synthesizer.synthesize({ text: `Prompt number ${i}.`, ssml: false, languageCode: 'en-US' }, new AbortController().signal)) {
            // drain
          }
          return 'ok';
        } catch (error) {
          return error instanceof AppError ? error.category : 'other';
        }
      }),
    );
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((o) => o === 'throttled').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o === 'ok' || o === 'throttled')).toBe(true);
    expect(aws.polly.throttled).toBeGreaterThan(0);
  });
});
