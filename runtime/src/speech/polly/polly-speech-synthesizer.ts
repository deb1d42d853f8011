import { SynthesizeSpeechCommand, type Engine, type PollyClient } from '@aws-sdk/client-polly';
import { pcm16ToMulaw } from '../../audio/codec.js';
import { AppError } from '../../shared/errors.js';
import { ABORTED, raceAbort } from '../abort-race.js';
import { SPEECH_ERROR_CODES, toSpeechError } from '../aws-error-mapping.js';
import { Pcm16LeDecoder } from '../pcm16-le-decoder.js';
import type { SpeechSynthesizer, SynthesisRequest } from '../ports.js';
import { DEFAULT_POLLY_VOICES, pickVoice } from './default-voices.js';
import { POLLY_ERRORS } from './polly-errors.js';
import { BILINGUAL_VOICES } from './voice-engines.js';

/** Options of {@link PollySpeechSynthesizer}. */
export interface PollySynthesizerOptions {
  /**
   * Polly engine. The default voices all have a neural variant; `standard` has 10× the TPS quota
   * but not every voice.
   * @default 'neural'
   */
  readonly engine?: Engine;
  /**
   * Voices by language code, merged over {@link DEFAULT_POLLY_VOICES}; a request's own `voice`
   * wins over both.
   * @default {}
   */
  readonly voices?: Readonly<Record<string, string>>;
  /**
   * Ask Polly for `mulaw` at 8000 Hz instead of `pcm` + local encoding. The installed SDK's
   * OutputFormat enum has `mulaw`, but the format is new and untested per engine against the real
   * service (aws-notes §2), so it stays opt-in.
   * @default false
   */
  readonly nativeMulaw?: boolean;
}

/**
 * Speech synthesis with Amazon Polly SynthesizeSpeech: 8 kHz PCM, μ-law encoded chunk by chunk as
 * the response streams in, so the first audio reaches the sender before Polly has finished. The
 * client is shared by all calls (one per process, built in `compose/speech.ts`).
 */
export class PollySpeechSynthesizer implements SpeechSynthesizer {
  private readonly engine: Engine;
  private readonly voices: Readonly<Record<string, string>>;
  private readonly nativeMulaw: boolean;

  constructor(
    private readonly client: PollyClient,
    options: PollySynthesizerOptions = {},
  ) {
    this.engine = options.engine ?? 'neural';
    this.voices = { ...DEFAULT_POLLY_VOICES, ...options.voices };
    this.nativeMulaw = options.nativeMulaw ?? false;
  }

  async *synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    if (request.text.trim() === '' || signal.aborted) return;
    const voice = request.voice ?? pickVoice(this.voices, request.languageCode);
    if (voice === undefined) {
      throw new AppError(SPEECH_ERROR_CODES.invalidRequest, 'polly failed: no voice for language', {
        category: 'invalidRequest',
      });
    }
    const command = new SynthesizeSpeechCommand({
      Engine: this.engine,
      VoiceId: voice as SynthesizeSpeechCommand['input']['VoiceId'],
      Text: request.text,
      TextType: request.ssml ? 'ssml' : 'text',
      OutputFormat: this.nativeMulaw ? 'mulaw' : 'pcm',
      SampleRate: '8000',
      // A bilingual voice (Kajal: en-IN and hi-IN) reads the text in the language it is told.
      ...(BILINGUAL_VOICES[voice]?.includes(request.languageCode) === true
        ? { LanguageCode: request.languageCode as SynthesizeSpeechCommand['input']['LanguageCode'] }
        : {}),
    });
    let body: unknown;
    let complete = false;
    try {
      const response = await raceAbort(this.client.send(command, { abortSignal: signal }), signal);
      if (response === ABORTED) return;
      body = response.AudioStream;
      const iterator = byteChunks(body)[Symbol.asyncIterator]();
      const decoder = new Pcm16LeDecoder();
      for (;;) {
        const next = await raceAbort(iterator.next(), signal);
        if (next === ABORTED) return;
        if (next.done === true) {
          complete = true;
          return;
        }
        if (next.value.length === 0) continue;
        if (this.nativeMulaw) {
          yield Uint8Array.from(next.value);
          continue;
        }
        const samples = decoder.push(next.value);
        if (samples.length > 0) yield pcm16ToMulaw(samples);
      }
    } catch (error) {
      if (signal.aborted) return;
      throw toSpeechError('polly', error, POLLY_ERRORS);
    } finally {
      // Free the HTTP response when the consumer stopped early or the signal fired: a pending
      // read would otherwise keep the stream (and its socket) open.
      if (!complete) destroyBody(body);
    }
  }
}

function destroyBody(body: unknown): void {
  if (body !== null && typeof body === 'object' && 'destroy' in body && typeof body.destroy === 'function') {
    (body.destroy as () => void).call(body);
  }
}

/** The response body as byte chunks: a Node Readable in Node, anything with the SDK mixin otherwise. */
function byteChunks(body: unknown): AsyncIterable<Uint8Array> {
  if (body !== null && typeof body === 'object') {
    if (Symbol.asyncIterator in body) return body as AsyncIterable<Uint8Array>;
    if ('transformToByteArray' in body && typeof body.transformToByteArray === 'function') {
      const read = body.transformToByteArray as () => Promise<Uint8Array>;
      return (async function* () {
        yield await read.call(body);
      })();
    }
  }
  throw new AppError(SPEECH_ERROR_CODES.internal, 'polly failed: response has no audio stream', {
    category: 'internal',
  });
}
