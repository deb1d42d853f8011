import type { VadEngine } from '../../audio/vad.js';
import { AsyncQueue } from '../../shared/async-queue.js';
import type { RecognizerOptions, RecognizerStream, SpeechRecognizer, TranscriptEvent } from '../ports.js';
import { UtteranceSegmenter, type SegmentEvent } from './utterance-segmenter.js';

/** The one token of a stand-in result: it spans the utterance. */
export const PLACEHOLDER_WORD = '[speech]';

/** The stand-in text of an utterance: says it was heard, for how long, and that no words were recognized. */
export function placeholderText(durationMs: number): string {
  return `[speech ${(durationMs / 1000).toFixed(1)} s: placeholder, not recognized (offline, no AWS credentials)]`;
}

/**
 * The local recognizer of a Transcription Connector without AWS credentials: utterances found by
 * the server's VAD (the same segmenter as the local Transcribe endpoint), each reported with its
 * true start and end and a placeholder text marked `placeholder`, so the whole protocol exchange
 * (ids, channels, offsets, partials, pauses, language switches) can be tried on a laptop. Results
 * are partial while the utterance goes on, final once its trailing silence is heard or input ends.
 */
export class VadSegmentRecognizer implements SpeechRecognizer {
  constructor(private readonly vad: VadEngine) {}

  start(options: RecognizerOptions, signal: AbortSignal): RecognizerStream {
    const segmenter = new UtteranceSegmenter(this.vad, { sampleRateHz: options.sampleRateHz });
    const results = new AsyncQueue<TranscriptEvent>();
    let segments = 0;
    let ended = false;
    const report = (event: SegmentEvent): void => {
      if (event.type === 'end') segments += 1;
      results.push(toResult(event, `offline-${segments + (event.type === 'end' ? 0 : 1)}`, options.languageCode));
    };
    const close = (): void => {
      if (ended) return;
      ended = true;
      segmenter.close();
      results.close();
    };
    signal.addEventListener('abort', close, { once: true });
    return {
      write(pcm16) {
        if (!ended) segmenter.write(pcm16, report);
      },
      end() {
        if (ended) return;
        segmenter.finish(report);
        close();
      },
      results,
    };
  }
}

function toResult(event: SegmentEvent, resultId: string, languageCode: string): TranscriptEvent {
  const text = placeholderText(event.endMs - event.startMs);
  return {
    kind: event.type === 'end' ? 'final' : 'partial',
    resultId,
    text,
    stableText: event.type === 'end' ? text : '',
    startMs: event.startMs,
    endMs: event.endMs,
    languageCode,
    words: [{ text: PLACEHOLDER_WORD, startMs: event.startMs, endMs: event.endMs }],
    placeholder: true,
  };
}
