import { PollyClient, SynthesizeSpeechCommand, type SynthesizeSpeechCommandInput } from '@aws-sdk/client-polly';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../../../runtime/tools/local-aws/local-aws-server.js';
import { DEFAULT_POLLY_SETTINGS } from '../../../runtime/tools/local-aws/polly/polly-controls.js';
import { rmsDbfs } from '../../../runtime/tools/support/audio-gen.js';
import { clientConfig, startLocalAwsForTest } from '../../support/local-aws.js';

/** The local Polly endpoint against the real SDK client: audio, validation, throttling. */
describe('local Polly SynthesizeSpeech endpoint', () => {
  let aws: LocalAws;
  let client: PollyClient;
  beforeAll(async () => {
    aws = await startLocalAwsForTest();
    // No SDK retries here: each request's own answer is what these tests check.
    client = new PollyClient({ ...clientConfig(aws), maxAttempts: 1 });
  });
  afterEach(() => Object.assign(aws.polly.settings, DEFAULT_POLLY_SETTINGS));
  afterAll(async () => {
    client.destroy();
    await aws.close();
  });

  const speak = async (input: Partial<SynthesizeSpeechCommandInput> = {}) => {
    const response = await client.send(
      new SynthesizeSpeechCommand({ Engine: 'neural', VoiceId: 'Joanna', OutputFormat: 'pcm', SampleRate: '8000', Text: 'Thank you for calling.', ...input }),
    );
    return { response, audio: await response.AudioStream!.transformToByteArray() };
  };

  it('returns speech as 16-bit PCM at the requested rate, with content type and billed characters', async () => {
    const at8k = await speak();
    const at16k = await speak({ SampleRate: '16000' });
    expect(at8k.response.ContentType).toBe('audio/pcm');
    expect(at8k.response.RequestCharacters).toBe('Thank you for calling.'.length);
    const seconds = at8k.audio.length / 2 / 8000;
    expect(seconds).toBeGreaterThan(0.6);
    expect(seconds).toBeLessThan(3);
    // The same speech at twice the rate is twice the bytes (within resampler rounding).
    expect(at16k.audio.length / at8k.audio.length).toBeCloseTo(2, 1);
    const samples = new Int16Array(at8k.audio.buffer.slice(at8k.audio.byteOffset, at8k.audio.byteOffset + at8k.audio.length));
    expect(rmsDbfs(samples)).toBeGreaterThan(-40);
  });

  it('returns μ-law at 8000 Hz when asked, one byte per sample, and bills SSML text without its tags', async () => {
    const pcm = await speak();
    const mulaw = await speak({ OutputFormat: 'mulaw' });
    expect(mulaw.response.ContentType).toBe('audio/mulaw');
    // eSpeak's output length varies by a few samples between runs.
    expect(mulaw.audio.length / (pcm.audio.length / 2)).toBeCloseTo(1, 1);
    const ssml = await speak({ TextType: 'ssml', Text: '<speak>Hello <break time="200ms"/> there.</speak>' });
    expect(ssml.response.RequestCharacters).toBe('Hello  there.'.length);
  });

  it.each([
    ['an unknown voice', { VoiceId: 'Nobody' as never }, 'ValidationException', /voiceId/],
    ['neural Nicole (standard only)', { Engine: 'neural' as const, VoiceId: 'Nicole' as const }, 'EngineNotSupportedException', /engine/],
    ['standard Ruth (no standard variant)', { Engine: 'standard' as const, VoiceId: 'Ruth' as const }, 'EngineNotSupportedException', /engine/],
    ['generative Ivy', { Engine: 'generative' as const, VoiceId: 'Ivy' as const }, 'EngineNotSupportedException', /engine/],
    // These three follow the runtime's checked voice table (voice-engines.ts), which the endpoint reads.
    ['standard Matthew', { Engine: 'standard' as const, VoiceId: 'Matthew' as const }, 'EngineNotSupportedException', /engine/],
    ['generative Camila', { Engine: 'generative' as const, VoiceId: 'Camila' as const, LanguageCode: 'pt-BR' as const }, 'EngineNotSupportedException', /engine/],
    ['generative Takumi', { Engine: 'generative' as const, VoiceId: 'Takumi' as const, LanguageCode: 'ja-JP' as const }, 'EngineNotSupportedException', /engine/],
    ['pcm at 22050 Hz', { SampleRate: '22050' }, 'InvalidSampleRateException', /22050/],
    ['mulaw at 16000 Hz', { OutputFormat: 'mulaw' as const, SampleRate: '16000' }, 'InvalidSampleRateException', /16000/],
    ['SSML without <speak>', { TextType: 'ssml' as const, Text: 'not <speak> wrapped' }, 'InvalidSsmlException', /SSML/],
    ['3,001 billed characters', { Text: `${'x'.repeat(2990)} ${'y'.repeat(10)}` }, 'TextLengthExceededException', /3000/],
    ['a language the voice lacks', { LanguageCode: 'fr-FR' as const }, 'LanguageNotSupportedException', /fr-FR/],
    ['mp3 (not produced locally)', { OutputFormat: 'mp3' as const, SampleRate: '22050' }, 'ValidationException', /pcm and mulaw only/],
  ])('refuses %s with %s (HTTP 400), as the service does', async (_label, input, name, message) => {
    const error = await speak(input).catch((e: unknown) => e);
    expect(error).toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toMatch(message);
  });

  it('accepts engine × voice pairs the service has (standard Joanna, generative Ruth, long-form Danielle, generative Aria and Ola)', async () => {
    const pairs = [['standard', 'Joanna', 'en-US'], ['generative', 'Ruth', 'en-US'], ['long-form', 'Danielle', 'en-US'], ['generative', 'Aria', 'en-NZ'], ['generative', 'Ola', 'pl-PL']] as const;
    for (const [Engine, VoiceId, LanguageCode] of pairs) {
      const { audio } = await speak({ Engine, VoiceId, LanguageCode });
      expect(audio.length).toBeGreaterThan(0);
    }
  });

  it('throttles a burst above the configured rate with ThrottlingException, and serves again once tokens refill', async () => {
    Object.assign(aws.polly.settings, { requestsPerSecond: 1, burst: 2 });
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => speak({ Text: 'Burst.' }).then(() => 'ok', (e: Error) => e.name)));
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((o) => o === 'ThrottlingException').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o === 'ok' || o === 'ThrottlingException')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(speak({ Text: 'Later.' })).resolves.toMatchObject({ response: { ContentType: 'audio/pcm' } });
  });

  it('injects ServiceFailureException (500) and ThrottlingException on demand', async () => {
    aws.polly.failNextRequest({ kind: 'serviceFailure' }).failNextRequest({ kind: 'throttling' });
    await expect(speak()).rejects.toMatchObject({ name: 'ServiceFailureException', $metadata: { httpStatusCode: 500 } });
    await expect(speak()).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    await expect(speak()).resolves.toBeDefined();
  });

  it('answers a body that is not JSON with ValidationException', async () => {
    const response = await fetch(`${aws.url}/v1/speech`, { method: 'POST', body: '{nope' }).catch((e: unknown) => e);
    // Node's fetch speaks HTTP/1.1, which this HTTP/2-only server refuses; the SDK's handler is HTTP/2.
    expect(response).toBeInstanceOf(Error);
    const { connect } = await import('node:http2');
    const session = connect(aws.url);
    const stream = session.request({ ':method': 'POST', ':path': '/v1/speech' });
    stream.end('{nope');
    const [headers, body] = await new Promise<[Record<string, unknown>, string]>((resolve) => {
      let received: Record<string, unknown> = {};
      let text = '';
      stream.on('response', (h) => (received = h));
      stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      stream.on('end', () => resolve([received, text]));
    });
    session.close();
    expect(headers[':status']).toBe(400);
    expect(headers['x-amzn-errortype']).toBe('ValidationException');
    expect(JSON.parse(body)).toHaveProperty('message');
  });
});
