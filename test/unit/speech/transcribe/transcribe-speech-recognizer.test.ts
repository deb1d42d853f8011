import {
  BadRequestException,
  ConflictException,
  InternalFailureException,
  LimitExceededException,
  ServiceUnavailableException,
  StartStreamTranscriptionCommand,
  TranscribeStreamingClient,
  TranscribeStreamingServiceException,
  type AudioStream,
  type StartStreamTranscriptionCommandInput,
  type TranscriptResultStream,
} from '@aws-sdk/client-transcribe-streaming';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../runtime/src/shared/errors.js';
import { AsyncQueue } from '../../../../runtime/src/shared/async-queue.js';
import type { TranscriptEvent } from '../../../../runtime/src/speech/ports.js';
import {
  TranscribeSpeechRecognizer,
  type TranscribeRecognizerOptions,
} from '../../../../runtime/src/speech/transcribe/transcribe-speech-recognizer.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { collect, concatBytes, settle, toLeBytes } from '../speech-test-helpers.js';

const transcribe = mockClient(TranscribeStreamingClient);
const client = new TranscribeStreamingClient({ region: 'us-east-1' });

/** What the mocked service saw and how the test answers it. */
interface ServiceSide {
  input: StartStreamTranscriptionCommandInput;
  /** Result events the service sends; close() ends the result stream. */
  results: AsyncQueue<TranscriptResultStream>;
}

let service: ServiceSide | undefined;
let clock: FakeClock;

beforeEach(() => {
  service = undefined;
  clock = new FakeClock();
  transcribe.reset();
  transcribe.on(StartStreamTranscriptionCommand).callsFake((input: StartStreamTranscriptionCommandInput) => {
    const results = new AsyncQueue<TranscriptResultStream>();
    service = { input, results };
    return Promise.resolve({ TranscriptResultStream: results, $metadata: {} });
  });
});

afterEach(() => {
  transcribe.reset();
});

function start(options: Partial<TranscribeRecognizerOptions> = {}, signal = new AbortController().signal) {
  const recognizer = new TranscribeSpeechRecognizer(client, { clock, ...options });
  return recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, signal);
}

function sent(): ServiceSide {
  if (service === undefined) throw new Error('no StartStreamTranscription call');
  return service;
}

/** The audio chunks the SDK would send, until the generator returns. */
async function audioChunks(): Promise<Uint8Array[]> {
  const events = await collect(sent().input.AudioStream as AsyncIterable<AudioStream>);
  return events.map((e) => e.AudioEvent!.AudioChunk!);
}

function transcriptEvent(text: string, isPartial: boolean): TranscriptResultStream {
  return {
    TranscriptEvent: {
      Transcript: { Results: [{ ResultId: 'r', IsPartial: isPartial, StartTime: 0, EndTime: 1, Alternatives: [{ Transcript: text }] }] },
    },
  };
}

function sdkException(name: string): TranscribeStreamingServiceException {
  return new TranscribeStreamingServiceException({ name, $fault: 'client', $metadata: {} });
}

async function failureOf(results: AsyncIterable<TranscriptEvent>): Promise<AppError> {
  try {
    await collect(results);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('results ended without an error');
}

describe('TranscribeSpeechRecognizer', () => {
  it('requests 8 kHz PCM in the stream language with partial-result stabilization at high', () => {
    start();
    expect(sent().input).toMatchObject({
      LanguageCode: 'en-US',
      MediaEncoding: 'pcm',
      MediaSampleRateHertz: 8000,
      EnablePartialResultsStabilization: true,
      PartialResultsStability: 'high',
    });
  });

  it('uses the configured partial-result stability', () => {
    start({ partialResultsStability: 'low' });
    expect(sent().input.PartialResultsStability).toBe('low');
  });

  it('passes the abort signal to the SDK call', () => {
    const controller = new AbortController();
    start({}, controller.signal);
    expect((transcribe.send.getCall(0).args as unknown[])[1]).toEqual({ abortSignal: controller.signal });
  });

  it('sends each 200 ms Genesys frame as one little-endian AudioChunk of 3200 bytes (one event to encode and sign, not two)', async () => {
    const stream = start();
    const frame = Int16Array.from({ length: 1600 }, (_, i) => (i * 37) % 65536 - 32768);
    stream.write(frame);
    stream.write(frame);
    stream.end();
    const chunks = await audioChunks();
    expect(chunks.map((c) => c.length)).toEqual([3200, 3200]);
    expect(concatBytes(chunks)).toEqual(concatBytes([toLeBytes(frame), toLeBytes(frame)]));
  });

  it('sends the configured chunk duration', async () => {
    const stream = start({ chunkMs: 100 });
    stream.write(new Int16Array(1600));
    stream.end();
    expect((await audioChunks()).map((c) => c.length)).toEqual([1600, 1600]);
  });

  it('flushes the last partial chunk on end and then ends the audio stream', async () => {
    const stream = start();
    stream.write(new Int16Array(1700).fill(7));
    stream.end();
    expect((await audioChunks()).map((c) => c.length)).toEqual([3200, 200]);
  });

  it('ignores audio written after end', async () => {
    const stream = start();
    stream.end();
    stream.write(new Int16Array(800));
    expect(await audioChunks()).toEqual([]);
  });

  it('maps partial and final results to transcript events in order', async () => {
    const stream = start();
    const results = sent().results;
    results.push(transcriptEvent('I need', true));
    results.push(transcriptEvent('I need help', false));
    results.close();
    const events = await collect(stream.results);
    expect(events.map((e) => [e.kind, e.text])).toEqual([
      ['partial', 'I need'],
      ['final', 'I need help'],
    ]);
  });

  it('keeps reading results that arrive after the input has ended', async () => {
    const stream = start();
    stream.end();
    const results = sent().results;
    await audioChunks();
    results.push(transcriptEvent('late final', false));
    results.close();
    expect((await collect(stream.results)).map((e) => e.text)).toEqual(['late final']);
  });

  const exceptions = [
    ['BadRequestException', 'invalidRequest', new BadRequestException({ message: 'bad', $metadata: {} })],
    ['LimitExceededException', 'throttled', new LimitExceededException({ message: 'limit', $metadata: {} })],
    ['InternalFailureException', 'unavailable', new InternalFailureException({ message: 'oops', $metadata: {} })],
    ['ConflictException', 'invalidRequest', new ConflictException({ message: 'dup', $metadata: {} })],
    ['ServiceUnavailableException', 'unavailable', new ServiceUnavailableException({ message: 'down', $metadata: {} })],
    ['ThrottlingException', 'throttled', sdkException('ThrottlingException')],
    ['AccessDeniedException', 'auth', sdkException('AccessDeniedException')],
  ] as const;

  it.each(exceptions)('maps %s thrown by the result stream to category %s', async (_name, category, exception) => {
    const stream = start();
    sent().results.fail(exception);
    const error = await failureOf(stream.results);
    expect(error).toBeInstanceOf(AppError);
    expect(error.category).toBe(category);
    expect(error.cause).toBe(exception);
  });

  it('maps an exception that arrives as a member of the result stream', async () => {
    const stream = start();
    sent().results.push({ LimitExceededException: new LimitExceededException({ message: 'limit', $metadata: {} }) });
    expect((await failureOf(stream.results)).category).toBe('throttled');
  });

  it('maps a rejected StartStreamTranscription call', async () => {
    transcribe.on(StartStreamTranscriptionCommand).rejects(new LimitExceededException({ message: 'quota', $metadata: {} }));
    const stream = start();
    expect((await failureOf(stream.results)).category).toBe('throttled');
  });

  it('treats the 15-second idle timeout as a passing failure', async () => {
    const stream = start();
    const idle = new BadRequestException({
      message: 'Your request timed out because no new audio was received for 15 seconds.',
      $metadata: {},
    });
    sent().results.fail(idle);
    expect((await failureOf(stream.results)).category).toBe('unavailable');
  });

  it('maps a dropped connection to unavailable', async () => {
    const stream = start();
    sent().results.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect((await failureOf(stream.results)).category).toBe('unavailable');
  });

  it('maps an abort the caller did not ask for to unavailable', async () => {
    const stream = start();
    sent().results.fail(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
    expect((await failureOf(stream.results)).category).toBe('unavailable');
  });

  it('ends results without an error and ends the audio stream when the signal aborts', async () => {
    const controller = new AbortController();
    const stream = start({}, controller.signal);
    stream.write(new Int16Array(400)); // half a chunk: still staged when the abort comes
    const audio = audioChunks();
    const results = collect(stream.results);
    await settle();
    controller.abort();
    await expect(results).resolves.toEqual([]);
    await expect(audio).resolves.toEqual([]);
  });

  it('feeds one chunk (200 ms) of silence for each second in which nothing was written', async () => {
    const stream = start();
    const audio = audioChunks();
    clock.advance(3000);
    stream.end();
    const chunks = await audio;
    expect(chunks).toEqual([new Uint8Array(3200), new Uint8Array(3200), new Uint8Array(3200)]);
  });

  it('feeds no silence while the caller keeps writing', async () => {
    const stream = start();
    const audio = audioChunks();
    for (let i = 0; i < 10; i++) {
      stream.write(new Int16Array(1600).fill(100));
      clock.advance(200);
    }
    stream.end();
    expect((await audio).every((chunk) => chunk.some((b) => b !== 0))).toBe(true);
  });

  it('stops the keep-alive timer when the input ends', () => {
    const stream = start();
    stream.end();
    expect(clock.pendingTimers).toBe(0);
  });

  it('drops the oldest audio and counts it when the service stops taking audio', async () => {
    const stream = start({ maxQueuedMs: 1000, keepAliveIntervalMs: 0 });
    const frames = Array.from({ length: 10 }, (_, i) => new Int16Array(1600).fill(i)); // 200 ms each
    for (const frame of frames) stream.write(frame);
    stream.end();
    expect(stream.droppedAudioMs).toBe(1000);
    expect(concatBytes(await audioChunks())).toEqual(concatBytes(frames.slice(5).map(toLeBytes)));
  });

  it('rejects a sample rate Transcribe does not accept', () => {
    const recognizer = new TranscribeSpeechRecognizer(client, { clock });
    expect(() => recognizer.start({ languageCode: 'en-US', sampleRateHz: 4000 }, new AbortController().signal)).toThrow(
      RangeError,
    );
  });
});

describe('language codes', () => {
  it('sends the language in BCP 47 casing whatever casing it was given', async () => {
    const recognizer = new TranscribeSpeechRecognizer(client, { clock });
    const stream = recognizer.start({ languageCode: 'en-us', sampleRateHz: 8000 }, new AbortController().signal);
    await settle();
    expect(sent().input.LanguageCode).toBe('en-US');
    stream.end();
  });

  it('lists the languages Transcribe streaming accepts', () => {
    const recognizer = new TranscribeSpeechRecognizer(client, { clock });
    expect(recognizer.languages.has('en-US')).toBe(true);
    expect(recognizer.languages.has('de-DE')).toBe(true);
    expect(recognizer.languages.has('en-us')).toBe(false);
    expect(recognizer.languages.has('xx-YY')).toBe(false);
  });
});
