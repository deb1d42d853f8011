import {
  EngineNotSupportedException,
  InvalidSsmlException,
  LanguageNotSupportedException,
  PollyClient,
  PollyServiceException,
  ServiceFailureException,
  SynthesizeSpeechCommand,
  TextLengthExceededException,
  ThrottlingException,
  type SynthesizeSpeechCommandOutput,
} from '@aws-sdk/client-polly';
import { mockClient } from 'aws-sdk-client-mock';
import { PassThrough, Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { pcm16ToMulaw } from '../../../../runtime/src/audio/codec.js';
import { AppError } from '../../../../runtime/src/shared/errors.js';
import {
  PollySpeechSynthesizer,
  type PollySynthesizerOptions,
} from '../../../../runtime/src/speech/polly/polly-speech-synthesizer.js';
import type { SynthesisRequest } from '../../../../runtime/src/speech/ports.js';
import { collect, concatBytes, settle, toLeBytes } from '../speech-test-helpers.js';

const polly = mockClient(PollyClient);
const client = new PollyClient({ region: 'us-east-1' });

const SAMPLES = Int16Array.from({ length: 801 }, (_, i) => Math.round(12000 * Math.sin(i / 5)));
const PCM_BYTES = toLeBytes(SAMPLES);

function audioResponse(chunks: readonly Uint8Array[]): SynthesizeSpeechCommandOutput {
  return { AudioStream: Readable.from(chunks.map((c) => Buffer.from(c))), $metadata: {} } as unknown as SynthesizeSpeechCommandOutput;
}

function request(overrides: Partial<SynthesisRequest> = {}): SynthesisRequest {
  return { text: 'Hello there.', ssml: false, languageCode: 'en-US', ...overrides };
}

function synthesize(req = request(), options: PollySynthesizerOptions = {}, signal = new AbortController().signal) {
  return collect(new PollySpeechSynthesizer(client, options).synthesize(req, signal));
}

function input() {
  return polly.commandCalls(SynthesizeSpeechCommand)[0]!.args[0].input;
}

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('synthesis ended without an error');
}

beforeEach(() => {
  polly.reset();
  polly.on(SynthesizeSpeechCommand).callsFake(() => Promise.resolve(audioResponse([PCM_BYTES])));
});

describe('PollySpeechSynthesizer', () => {
  it('requests 8 kHz PCM from the neural engine with the default voice of the language', async () => {
    await synthesize();
    expect(input()).toEqual({
      Engine: 'neural',
      VoiceId: 'Joanna',
      Text: 'Hello there.',
      TextType: 'text',
      OutputFormat: 'pcm',
      SampleRate: '8000',
    });
  });

  it('marks SSML requests as ssml', async () => {
    await synthesize(request({ text: '<speak>Hi</speak>', ssml: true }));
    expect(input().TextType).toBe('ssml');
  });

  it.each([
    ['en-GB', 'Amy'],
    ['en-AU', 'Olivia'],
    ['es-US', 'Lupe'],
    ['es-ES', 'Lucia'],
    ['fr-CA', 'Gabrielle'],
    ['fr-FR', 'Lea'],
    ['de-DE', 'Vicki'],
    ['it-IT', 'Bianca'],
    ['pt-BR', 'Camila'],
    ['ja-JP', 'Takumi'],
  ])('speaks %s with %s by default', async (languageCode, voice) => {
    await synthesize(request({ languageCode }));
    expect(input().VoiceId).toBe(voice);
  });

  it('takes the first voice of the language when the region has no entry', async () => {
    await synthesize(request({ languageCode: 'en' }));
    expect(input().VoiceId).toBe('Joanna');
  });

  it('prefers the request voice over the configured and default voices', async () => {
    await synthesize(request({ voice: 'Matthew' }), { voices: { 'en-US': 'Ruth' } });
    expect(input().VoiceId).toBe('Matthew');
  });

  it('prefers configured voices over the defaults', async () => {
    await synthesize(request(), { voices: { 'en-US': 'Ruth' } });
    expect(input().VoiceId).toBe('Ruth');
  });

  it('uses the configured engine', async () => {
    await synthesize(request(), { engine: 'standard' });
    expect(input().Engine).toBe('standard');
  });

  it('fails with invalidRequest and calls nothing for a language without a voice', async () => {
    const error = await failureOf(synthesize(request({ languageCode: 'xx-YY' })));
    expect(error.category).toBe('invalidRequest');
    expect(polly.commandCalls(SynthesizeSpeechCommand)).toHaveLength(0);
  });

  it('yields nothing and calls nothing for blank text', async () => {
    expect(await synthesize(request({ text: '  ' }))).toEqual([]);
    expect(polly.commandCalls(SynthesizeSpeechCommand)).toHaveLength(0);
  });

  it('encodes the PCM response as μ-law, one sample per byte', async () => {
    const audio = concatBytes(await synthesize());
    expect(audio).toEqual(pcm16ToMulaw(SAMPLES));
  });

  it('carries a byte across chunk boundaries that split a sample', async () => {
    const split = [PCM_BYTES.subarray(0, 3), PCM_BYTES.subarray(3, 4), PCM_BYTES.subarray(4, 1001), PCM_BYTES.subarray(1001)];
    polly.on(SynthesizeSpeechCommand).resolves(audioResponse(split));
    expect(concatBytes(await synthesize())).toEqual(pcm16ToMulaw(SAMPLES));
  });

  it('yields the first audio before the response has finished', async () => {
    const body = new PassThrough();
    polly.on(SynthesizeSpeechCommand).resolves({ AudioStream: body, $metadata: {} } as unknown as SynthesizeSpeechCommandOutput);
    const iterator = new PollySpeechSynthesizer(client).synthesize(request(), new AbortController().signal);
    body.write(Buffer.from(PCM_BYTES.subarray(0, 400)));
    const first = await iterator.next();
    expect(first.value).toEqual(pcm16ToMulaw(SAMPLES.subarray(0, 200)));
    expect(body.writableEnded).toBe(false);
    body.end();
  });

  it('asks Polly for μ-law and passes it through when native μ-law is on', async () => {
    const mulaw = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    polly.on(SynthesizeSpeechCommand).resolves(audioResponse([mulaw]));
    const audio = concatBytes(await synthesize(request(), { nativeMulaw: true }));
    expect(input().OutputFormat).toBe('mulaw');
    expect(audio).toEqual(mulaw);
  });

  it.each([
    ['ThrottlingException', 'throttled', new ThrottlingException({ message: 'slow down', $metadata: {} })],
    ['ServiceFailureException', 'unavailable', new ServiceFailureException({ message: 'oops', $metadata: {} })],
    ['TextLengthExceededException', 'invalidRequest', new TextLengthExceededException({ message: 'long', $metadata: {} })],
    ['InvalidSsmlException', 'invalidRequest', new InvalidSsmlException({ message: 'ssml', $metadata: {} })],
    ['LanguageNotSupportedException', 'invalidRequest', new LanguageNotSupportedException({ message: 'lang', $metadata: {} })],
    ['EngineNotSupportedException', 'invalidRequest', new EngineNotSupportedException({ message: 'engine', $metadata: {} })],
    ['AccessDeniedException', 'auth', new PollyServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {} })],
  ] as const)('maps %s to category %s', async (_name, category, exception) => {
    polly.on(SynthesizeSpeechCommand).rejects(exception);
    const error = await failureOf(synthesize());
    expect(error).toBeInstanceOf(AppError);
    expect(error.category).toBe(category);
    expect(error.cause).toBe(exception);
  });

  it('maps a connection dropped mid-stream to unavailable', async () => {
    const body = new PassThrough();
    polly.on(SynthesizeSpeechCommand).resolves({ AudioStream: body, $metadata: {} } as unknown as SynthesizeSpeechCommandOutput);
    const result = synthesize();
    body.write(Buffer.from(PCM_BYTES.subarray(0, 400)));
    await settle();
    body.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect((await failureOf(result)).category).toBe('unavailable');
  });

  it('passes the abort signal to the SDK call', async () => {
    const controller = new AbortController();
    await synthesize(request(), {}, controller.signal);
    expect((polly.send.getCall(0).args as unknown[])[1]).toEqual({ abortSignal: controller.signal });
  });

  it('ends quietly and destroys the response when the signal aborts mid-stream', async () => {
    const body = new PassThrough();
    polly.on(SynthesizeSpeechCommand).resolves({ AudioStream: body, $metadata: {} } as unknown as SynthesizeSpeechCommandOutput);
    const controller = new AbortController();
    const result = synthesize(request(), {}, controller.signal);
    body.write(Buffer.from(PCM_BYTES.subarray(0, 400)));
    await settle();
    controller.abort();
    expect(await result).toHaveLength(1);
    await settle();
    expect(body.destroyed).toBe(true);
  });
});
