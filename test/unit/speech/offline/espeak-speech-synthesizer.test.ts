import { describe, expect, it } from 'vitest';
import { mulawToPcm16 } from '../../../../runtime/src/audio/codec.js';
import { EspeakSpeechSynthesizer } from '../../../../runtime/src/speech/offline/espeak-speech-synthesizer.js';
import type { SynthesisRequest } from '../../../../runtime/src/speech/ports.js';
import { collect, concatBytes, mulawRms } from '../speech-test-helpers.js';

const request = (text: string, overrides: Partial<SynthesisRequest> = {}): SynthesisRequest => ({
  text,
  ssml: false,
  languageCode: 'en-US',
  ...overrides,
});

const speak = async (req: SynthesisRequest) =>
  concatBytes(await collect(new EspeakSpeechSynthesizer().synthesize(req, new AbortController().signal)));

/** Share of samples louder than −30 dBFS: speech has many, near-silence almost none. */
function loudShare(pcmu: Uint8Array): number {
  const pcm = mulawToPcm16(pcmu);
  return pcm.filter((s) => Math.abs(s) > 1000).length / pcm.length;
}

// Runs the real WebAssembly eSpeak NG (the first test pays the one-time module load).
describe('EspeakSpeechSynthesizer', { timeout: 30_000 }, () => {
  it('speaks a short prompt as μ-law audio of plausible duration', async () => {
    const audio = await speak(request('Welcome to the demo line'));
    expect(audio.length).toBeGreaterThanOrEqual(0.8 * 8000);
    expect(audio.length).toBeLessThanOrEqual(4 * 8000);
  });

  it('produces speech-like energy rather than silence codes', async () => {
    const audio = await speak(request('Welcome to the demo line'));
    expect(mulawRms(audio)).toBeGreaterThan(500);
    expect(loudShare(audio)).toBeGreaterThan(0.2);
  });

  it('yields the audio in chunks of 1600 bytes', async () => {
    const chunks = await collect(new EspeakSpeechSynthesizer().synthesize(request('Welcome to the demo line'), new AbortController().signal));
    expect(chunks.slice(0, -1).every((c) => c.length === 1600)).toBe(true);
  });

  it('speaks markup characters in plain text instead of parsing them as tags', async () => {
    const without = await speak(request('less more'));
    const withTag = await speak(request('less <b> more'));
    expect(withTag.length - without.length).toBeGreaterThan(0.25 * 8000);
  });

  it('honours SSML breaks', async () => {
    const plain = await speak(request('<speak>Hello there</speak>', { ssml: true }));
    const paused = await speak(request('<speak>Hello <break time="1s"/> there</speak>', { ssml: true }));
    expect(paused.length - plain.length).toBeGreaterThan(0.7 * 8000);
  });

  it('speaks other languages with their own voice', async () => {
    expect((await speak(request('Hola, bienvenido', { languageCode: 'es-US' }))).length).toBeGreaterThan(0.5 * 8000);
  });

  it('falls back to the English voice for a language it does not know', async () => {
    expect((await speak(request('Hello', { languageCode: 'xx-YY' }))).length).toBeGreaterThan(0.2 * 8000);
  });

  it('yields nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await collect(new EspeakSpeechSynthesizer().synthesize(request('Hello'), controller.signal))).toEqual([]);
  });
});
