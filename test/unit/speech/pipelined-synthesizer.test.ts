import {
  PollyClient,
  SynthesizeSpeechCommand,
  ThrottlingException,
  type SynthesizeSpeechCommandInput,
  type SynthesizeSpeechCommandOutput,
} from '@aws-sdk/client-polly';
import { mockClient } from 'aws-sdk-client-mock';
import { PassThrough, Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../../runtime/src/shared/errors.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { PipelinedSynthesizer } from '../../../runtime/src/speech/pipelined-synthesizer.js';
import { PollySpeechSynthesizer } from '../../../runtime/src/speech/polly/polly-speech-synthesizer.js';
import type { SynthesisRequest } from '../../../runtime/src/speech/ports.js';
import { FakeClock } from '../../support/fake-clock.js';
import { collectWithClock, concatBytes, settle } from './speech-test-helpers.js';

const REPLY = 'Thanks for calling the demo line. Your order has shipped today. Anything else I can do for you?';
const SENTENCES = ['Thanks for calling the demo line.', 'Your order has shipped today.', 'Anything else I can do for you?'];

const request = (text = REPLY): SynthesisRequest => ({ text, ssml: false, languageCode: 'en-US' });
const signal = () => new AbortController().signal;

describe('PipelinedSynthesizer', () => {
  let clock: FakeClock;
  let inner: FakeSpeechSynthesizer;

  beforeEach(() => {
    clock = new FakeClock();
    inner = new FakeSpeechSynthesizer({ clock, latencyMs: 100, chunkIntervalMs: 200 });
  });

  it('yields the audio of every sentence in order', async () => {
    const piped = await collectWithClock(new PipelinedSynthesizer(inner).synthesize(request(), signal()), clock, 200);
    const reference = new FakeSpeechSynthesizer({ clock, latencyMs: 100 });
    const expected = [];
    for (const text of SENTENCES) expected.push(...(await collectWithClock(reference.synthesize(request(text), signal()), clock, 200)));
    expect(concatBytes(piped)).toEqual(concatBytes(expected));
  });

  it('sends one request per sentence', async () => {
    await collectWithClock(new PipelinedSynthesizer(inner).synthesize(request(), signal()), clock);
    expect(inner.requests.map((r) => r.text)).toEqual(SENTENCES);
  });

  it('starts synthesizing the next sentence while the current one streams', async () => {
    const iterator = new PipelinedSynthesizer(inner).synthesize(request(), signal());
    const first = iterator.next();
    clock.advance(100);
    await first;
    expect(inner.requests.map((r) => r.text)).toEqual(SENTENCES.slice(0, 2));
  });

  it('runs as many segments ahead as the lookahead allows', async () => {
    const iterator = new PipelinedSynthesizer(inner, { lookahead: 2 }).synthesize(request(), signal());
    const first = iterator.next();
    clock.advance(100);
    await first;
    expect(inner.requests).toHaveLength(3);
  });

  it('passes a single-sentence reply through unchanged', async () => {
    const single = request('Just one sentence here.');
    await collectWithClock(new PipelinedSynthesizer(inner).synthesize(single, signal()), clock);
    expect(inner.requests).toEqual([single]);
  });

  it('merges sentences shorter than minSegmentChars with the next one', async () => {
    await collectWithClock(new PipelinedSynthesizer(inner).synthesize(request('Hi. I can help with orders today.'), signal()), clock);
    expect(inner.requests.map((r) => r.text)).toEqual(['Hi. I can help with orders today.']);
  });

  it('rejects a lookahead below one', () => {
    expect(() => new PipelinedSynthesizer(inner, { lookahead: 0 })).toThrow(RangeError);
  });
});

describe('PipelinedSynthesizer over Polly', () => {
  const polly = mockClient(PollyClient);
  const client = new PollyClient({ region: 'us-east-1' });
  let bodies: PassThrough[];

  beforeEach(() => {
    polly.reset();
    bodies = [];
  });

  function respondWith(handler: (text: string) => Promise<SynthesizeSpeechCommandOutput>): void {
    polly.on(SynthesizeSpeechCommand).callsFake((input: SynthesizeSpeechCommandInput) => handler(input.Text ?? ''));
  }

  const audio = (bytes: number) =>
    ({ AudioStream: Readable.from([Buffer.alloc(bytes, 0x10)]), $metadata: {} }) as unknown as SynthesizeSpeechCommandOutput;

  it('plays earlier sentences before surfacing a later sentence failure', async () => {
    respondWith((text) =>
      text.startsWith('Your') ? Promise.reject(new ThrottlingException({ message: 'slow', $metadata: {} })) : Promise.resolve(audio(800)),
    );
    const received: Uint8Array[] = [];
    let failure: unknown;
    try {
      for await (const chunk of new PipelinedSynthesizer(new PollySpeechSynthesizer(client)).synthesize(request(), signal())) {
        received.push(chunk);
      }
    } catch (error) {
      failure = error;
    }
    expect(concatBytes(received).length).toBe(400);
    expect((failure as AppError).category).toBe('throttled');
  });

  it('aborts every segment in progress when the consumer stops early', async () => {
    respondWith(() => {
      const body = new PassThrough();
      bodies.push(body);
      body.write(Buffer.alloc(800, 0x10));
      return Promise.resolve({ AudioStream: body, $metadata: {} } as unknown as SynthesizeSpeechCommandOutput);
    });
    for await (const _chunk of new PipelinedSynthesizer(new PollySpeechSynthesizer(client)).synthesize(request(), signal())) {
      break;
    }
    await settle();
    const signals = polly.send.getCalls().map((call) => ((call.args as unknown[])[1] as { abortSignal: AbortSignal }).abortSignal);
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('ends quietly when the caller aborts', async () => {
    respondWith(() => {
      const body = new PassThrough();
      body.write(Buffer.alloc(800, 0x10));
      return Promise.resolve({ AudioStream: body, $metadata: {} } as unknown as SynthesizeSpeechCommandOutput);
    });
    const controller = new AbortController();
    const received: Uint8Array[] = [];
    for await (const chunk of new PipelinedSynthesizer(new PollySpeechSynthesizer(client)).synthesize(request(), controller.signal)) {
      received.push(chunk);
      controller.abort();
    }
    expect(received).toHaveLength(1);
  });
});
