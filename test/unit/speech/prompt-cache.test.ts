import {
  PollyClient,
  ServiceFailureException,
  SynthesizeSpeechCommand,
  type SynthesizeSpeechCommandInput,
  type SynthesizeSpeechCommandOutput,
} from '@aws-sdk/client-polly';
import { mockClient } from 'aws-sdk-client-mock';
import { PassThrough, Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { PollySpeechSynthesizer } from '../../../runtime/src/speech/polly/polly-speech-synthesizer.js';
import type { SynthesisRequest } from '../../../runtime/src/speech/ports.js';
import { PromptCache, type PromptCacheOptions } from '../../../runtime/src/speech/prompt-cache.js';
import { collect, concatBytes, settle } from './speech-test-helpers.js';

const polly = mockClient(PollyClient);
const client = new PollyClient({ region: 'us-east-1' });

/** PCM whose μ-law size is `bytes`, different per text so clips can be told apart. */
function pcmFor(text: string, bytes = 400): Buffer {
  const seed = [...text].reduce((n, c) => n + c.charCodeAt(0), 0);
  const pcm = new Int16Array(bytes).map((_, i) => ((seed * 31 + i * 97) % 20000) - 10000);
  return Buffer.from(pcm.buffer);
}

const request = (text = 'Welcome to the demo line.', overrides: Partial<SynthesisRequest> = {}): SynthesisRequest => ({
  text,
  ssml: false,
  languageCode: 'en-US',
  ...overrides,
});
const signal = () => new AbortController().signal;
const pollyCalls = () => polly.commandCalls(SynthesizeSpeechCommand).length;
const newCache = (options: PromptCacheOptions = {}) => new PromptCache(new PollySpeechSynthesizer(client), options);

beforeEach(() => {
  polly.reset();
  polly.on(SynthesizeSpeechCommand).callsFake((input: SynthesizeSpeechCommandInput) =>
    Promise.resolve({ AudioStream: Readable.from([pcmFor(input.Text ?? '')]), $metadata: {} } as unknown as SynthesizeSpeechCommandOutput),
  );
});

describe('PromptCache', () => {
  it('answers a repeated request from the cache without calling Polly again', async () => {
    const cache = newCache();
    const first = concatBytes(await collect(cache.synthesize(request(), signal())));
    const second = concatBytes(await collect(cache.synthesize(request(), signal())));
    expect(second).toEqual(first);
    expect(pollyCalls()).toBe(1);
  });

  it('counts hits and misses', async () => {
    const cache = newCache();
    await collect(cache.synthesize(request(), signal()));
    await collect(cache.synthesize(request(), signal()));
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1, entries: 1, bytes: 400 });
  });

  it.each([
    ['text', request('Goodbye.')],
    ['ssml flag', request(undefined, { ssml: true })],
    ['language', request(undefined, { languageCode: 'en-GB' })],
    ['voice', request(undefined, { voice: 'Matthew' })],
  ])('treats a request with a different %s as a different prompt', async (_what, other) => {
    const cache = newCache();
    await collect(cache.synthesize(request(), signal()));
    await collect(cache.synthesize(other, signal()));
    expect(pollyCalls()).toBe(2);
  });

  it('does not cache a failed synthesis', async () => {
    let calls = 0;
    polly.on(SynthesizeSpeechCommand).callsFake(() =>
      ++calls === 1
        ? Promise.reject(new ServiceFailureException({ message: 'oops', $metadata: {} }))
        : Promise.resolve({ AudioStream: Readable.from([pcmFor('x')]), $metadata: {} }),
    );
    const cache = newCache();
    await expect(collect(cache.synthesize(request(), signal()))).rejects.toMatchObject({ category: 'unavailable' });
    await collect(cache.synthesize(request(), signal()));
    expect(pollyCalls()).toBe(2);
  });

  it('does not cache a synthesis its only caller aborted', async () => {
    const cache = newCache();
    const controller = new AbortController();
    for await (const _chunk of cache.synthesize(request('Long prompt.'), controller.signal)) controller.abort();
    await collect(cache.synthesize(request('Long prompt.'), signal()));
    expect(pollyCalls()).toBe(2);
  });

  it('shares one synthesis between concurrent identical requests', async () => {
    const body = new PassThrough();
    polly.on(SynthesizeSpeechCommand).resolves({ AudioStream: body, $metadata: {} } as unknown as SynthesizeSpeechCommandOutput);
    const cache = newCache();
    const a = collect(cache.synthesize(request(), signal()));
    const b = collect(cache.synthesize(request(), signal()));
    await settle();
    body.end(pcmFor('x'));
    const [audioA, audioB] = await Promise.all([a, b]);
    expect(pollyCalls()).toBe(1);
    expect(concatBytes(audioB)).toEqual(concatBytes(audioA));
    expect(cache.stats).toMatchObject({ misses: 1, shared: 1 });
  });

  it('keeps a shared synthesis running for the others when one caller aborts', async () => {
    const body = new PassThrough();
    polly.on(SynthesizeSpeechCommand).resolves({ AudioStream: body, $metadata: {} } as unknown as SynthesizeSpeechCommandOutput);
    const cache = newCache();
    const leaving = new AbortController();
    const a = collect(cache.synthesize(request(), leaving.signal));
    const b = collect(cache.synthesize(request(), signal()));
    await settle();
    leaving.abort();
    body.end(pcmFor('x'));
    await a;
    expect(concatBytes(await b)).toHaveLength(400);
    expect(cache.stats.entries).toBe(1);
  });

  it('evicts the least recently used prompt when the byte budget is exceeded', async () => {
    const cache = newCache({ maxBytes: 1000, maxEntryBytes: 1000 });
    await collect(cache.synthesize(request('one'), signal()));
    await collect(cache.synthesize(request('two'), signal()));
    await collect(cache.synthesize(request('one'), signal()));
    await collect(cache.synthesize(request('three'), signal()));
    await collect(cache.synthesize(request('one'), signal()));
    await collect(cache.synthesize(request('two'), signal()));
    expect(pollyCalls()).toBe(4);
    expect(cache.stats).toMatchObject({ evictions: 2, bytes: 800 });
  });

  it('passes a clip larger than maxEntryBytes through without caching it', async () => {
    const cache = newCache({ maxBytes: 1000, maxEntryBytes: 300 });
    await collect(cache.synthesize(request(), signal()));
    await collect(cache.synthesize(request(), signal()));
    expect(pollyCalls()).toBe(2);
  });

  it('serves a preloaded prompt as a hit', async () => {
    const cache = newCache();
    await cache.preload(request(), signal());
    await collect(cache.synthesize(request(), signal()));
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1 });
  });

  it('serves a hit from the cached bytes themselves: no copy per playback', async () => {
    const cache = newCache();
    const first = await collect(cache.synthesize(request(), signal()));
    const again = await collect(cache.synthesize(request(), signal()));
    expect(again).toHaveLength(first.length);
    again.forEach((chunk, i) => expect(chunk).toBe(first[i]));
  });
});
