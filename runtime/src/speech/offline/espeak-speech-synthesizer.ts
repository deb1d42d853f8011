import wavefile from 'wavefile';
import { pcm16ToMulaw } from '../../audio/codec.js';
import { AppError } from '../../shared/errors.js';
import { ABORTED, raceAbort } from '../abort-race.js';
import { SPEECH_ERROR_CODES } from '../aws-error-mapping.js';
import type { SpeechSynthesizer, SynthesisRequest } from '../ports.js';
import { DEFAULT_ESPEAK_VOICES, espeakVoiceCandidates, loadEspeakEngine, type EspeakEngine } from './espeak-engine.js';

/** Options of {@link EspeakSpeechSynthesizer}. */
export interface EspeakSynthesizerOptions {
  /** eSpeak voices by language code, merged over {@link DEFAULT_ESPEAK_VOICES}. @default {} */
  readonly voices?: Readonly<Record<string, string>>;
  /** Size of the μ-law chunks yielded (bytes = samples at 8 kHz). @default 1600 (200 ms) */
  readonly chunkBytes?: number;
}

const OUTPUT_RATE_HZ = 8000;

/**
 * Offline speech synthesis with eSpeak NG (WebAssembly, no network, no AWS account): what local
 * runs use when no AWS credentials exist. Robotic but intelligible. eSpeak renders the whole
 * utterance synchronously (tens of ms per second of speech), which is then resampled 22050 → 8000 Hz
 * with wavefile's windowed-sinc resampler and low-pass filter, μ-law encoded and yielded in
 * chunks. Wrap it in a PipelinedSynthesizer to start long replies sooner.
 *
 * The request's `voice` is taken as an eSpeak voice name (Polly names mean nothing here, so an
 * unknown one falls back to the language's voice). SSML is passed to eSpeak's own SSML parser,
 * which honours `<break>`, `<prosody>`, `<say-as>` and ignores unknown tags.
 */
export class EspeakSpeechSynthesizer implements SpeechSynthesizer {
  private readonly voices: Readonly<Record<string, string>>;
  private readonly chunkBytes: number;

  constructor(options: EspeakSynthesizerOptions = {}) {
    this.voices = { ...DEFAULT_ESPEAK_VOICES, ...options.voices };
    this.chunkBytes = options.chunkBytes ?? 1600;
    if (!Number.isInteger(this.chunkBytes) || this.chunkBytes <= 0) throw new RangeError('chunkBytes must be a positive integer');
  }

  async *synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    if (request.text.trim() === '' || signal.aborted) return;
    const engine = await raceAbort(loadEngine(), signal);
    if (engine === ABORTED) return;
    const markup = request.ssml ? request.text : escapeMarkup(request.text);
    const candidates = [
      ...(request.voice === undefined ? [] : [request.voice]),
      ...espeakVoiceCandidates(this.voices, request.languageCode),
    ];
    const pcm = engine.synthesize(markup, candidates, () => signal.aborted);
    if (signal.aborted || pcm.length === 0) return;
    const encoded = pcm16ToMulaw(resample(pcm, engine.sampleRateHz, OUTPUT_RATE_HZ));
    for (let offset = 0; offset < encoded.length; offset += this.chunkBytes) {
      if (signal.aborted) return;
      yield encoded.slice(offset, offset + this.chunkBytes);
    }
  }
}

async function loadEngine(): Promise<EspeakEngine> {
  try {
    return await loadEspeakEngine();
  } catch (error) {
    throw new AppError(SPEECH_ERROR_CODES.internal, 'espeak failed: module did not load', {
      category: 'internal',
      cause: error,
    });
  }
}

/** eSpeak always parses markup, so plain text must not be able to open a tag or an entity. */
function escapeMarkup(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function resample(pcm: Int16Array, fromHz: number, toHz: number): Int16Array {
  if (fromHz === toHz) return pcm;
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, fromHz, '16', pcm);
  wav.toSampleRate(toHz, { method: 'sinc', LPF: true });
  return wav.getSamples(false, Int16Array) as unknown as Int16Array;
}
