import { AppError } from '../shared/errors.js';
import type { RecognizerOptions, RecognizerStream, SpeechRecognizer, SpeechSynthesizer, SynthesisRequest } from './ports.js';

/** Told each time a speech service refuses for quota or throttling (an AppError of category `throttled`). */
export type CapacityListener = () => void;

function isThrottled(error: unknown): boolean {
  return error instanceof AppError && error.category === 'throttled';
}

/**
 * A recognizer that reports every `throttled` failure (Transcribe `LimitExceededException`: the
 * concurrent-stream quota or the start rate) to `onLimited`, at stream start or mid-stream, and
 * otherwise behaves exactly as `inner`.
 */
export function watchRecognizerCapacity(inner: SpeechRecognizer, onLimited: CapacityListener): SpeechRecognizer {
  return {
    ...(inner.languages === undefined ? {} : { languages: inner.languages }),
    ...(inner.channelIdentification === undefined ? {} : { channelIdentification: inner.channelIdentification }),
    start(options: RecognizerOptions, signal: AbortSignal): RecognizerStream {
      const stream = inner.start(options, signal);
      return {
        write: (pcm16) => stream.write(pcm16),
        end: () => stream.end(),
        results: (async function* () {
          try {
            yield* stream.results;
          } catch (error) {
            if (isThrottled(error)) onLimited();
            throw error;
          }
        })(),
      };
    },
  };
}

/** A synthesizer that reports every `throttled` failure (Polly `ThrottlingException`) to `onLimited`. */
export function watchSynthesizerCapacity(inner: SpeechSynthesizer, onLimited: CapacityListener): SpeechSynthesizer {
  return {
    async *synthesize(request: SynthesisRequest, signal: AbortSignal) {
      try {
        yield* inner.synthesize(request, signal);
      } catch (error) {
        if (isThrottled(error)) onLimited();
        throw error;
      }
    },
  };
}
