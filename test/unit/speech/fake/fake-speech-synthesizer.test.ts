import { beforeEach, describe, expect, it } from 'vitest';
import { FakeSpeechSynthesizer } from '../../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import type { SynthesisRequest } from '../../../../runtime/src/speech/ports.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { collectWithClock, concatBytes, mulawRms, settle } from '../speech-test-helpers.js';

const request = (text: string, ssml = false): SynthesisRequest => ({ text, ssml, languageCode: 'en-US' });

describe('FakeSpeechSynthesizer', () => {
  let clock: FakeClock;
  let synth: FakeSpeechSynthesizer;

  beforeEach(() => {
    clock = new FakeClock();
    synth = new FakeSpeechSynthesizer({ clock, latencyMs: 150, msPerChar: 50, chunkMs: 200 });
  });

  it('yields nothing before the latency has passed', async () => {
    const first = synth.synthesize(request('Hello there'), new AbortController().signal)[Symbol.asyncIterator]().next();
    let settled = false;
    void first.then(() => (settled = true));
    clock.advance(149);
    await settle();
    expect(settled).toBe(false);
    clock.advance(1);
    await settle();
    expect(settled).toBe(true);
  });

  it('produces audio whose duration is proportional to the text length', async () => {
    const audio = concatBytes(await collectWithClock(synth.synthesize(request('x'.repeat(40)), new AbortController().signal), clock));
    expect(audio.length).toBe(40 * 50 * 8);
  });

  it('yields chunks of chunkMs of μ-law audio', async () => {
    const chunks = await collectWithClock(synth.synthesize(request('x'.repeat(10)), new AbortController().signal), clock);
    expect(chunks.map((c) => c.length)).toEqual([1600, 1600, 800]);
  });

  it('yields speech-level audio rather than silence', async () => {
    const audio = concatBytes(await collectWithClock(synth.synthesize(request('Hello there'), new AbortController().signal), clock));
    expect(mulawRms(audio)).toBeGreaterThan(1000);
  });

  it('yields the same audio for the same text', async () => {
    const a = concatBytes(await collectWithClock(synth.synthesize(request('Same'), new AbortController().signal), clock));
    const b = concatBytes(await collectWithClock(synth.synthesize(request('Same'), new AbortController().signal), clock));
    expect(b).toEqual(a);
  });

  it('does not count SSML tags as spoken text', () => {
    expect(synth.durationMs(request('<speak>Hi there</speak>', true))).toBe(synth.durationMs(request('Hi there')));
  });

  it('ends without audio when aborted during the latency', async () => {
    const controller = new AbortController();
    const result = collectWithClock(synth.synthesize(request('Hello'), controller.signal), clock);
    controller.abort();
    expect(await result).toEqual([]);
  });

  it('records every request', async () => {
    await collectWithClock(synth.synthesize(request('One'), new AbortController().signal), clock);
    expect(synth.requests).toEqual([request('One')]);
  });
});
