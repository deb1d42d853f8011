import type { Cancel, Clock } from '../shared/clock.js';
import type { TranscriptEvent } from '../speech/ports.js';

/** A caller utterance, ready to be a bot turn. */
export interface Utterance {
  readonly text: string;
  readonly confidence?: number;
}

export interface TurnDetectorOptions {
  /** After the caller stops speaking with nothing transcribed yet, how long to wait for a final result. */
  readonly finalWaitMs: number;
}

/**
 * Decides when the caller's turn is over, without waiting only for the recognizer's final result
 * (which comes 0.5–1.5 s after speech ends): when voice activity detection says speech has ended
 * (its hangover is the silence timer) the transcript so far, finals plus the latest partial, is
 * committed at once. A final that later arrives for a committed segment is not a second turn.
 * Without VAD input (or when it missed the speech), a final result while the caller is silent commits.
 */
export interface TurnDetector {
  speechStarted(): void;
  speechEnded(): void;
  transcript(event: TranscriptEvent): void;
  /** Forgets everything pending (barge-in handled elsewhere, new recognizer stream, call ending). */
  reset(): void;
  /** The recognizer stream finished (its last final is in): what is pending is the caller's turn. */
  flush(): void;
}

const REMEMBERED_RESULT_IDS = 32;

export function createTurnDetector(
  options: TurnDetectorOptions,
  clock: Clock,
  onUtterance: (utterance: Utterance) => void,
): TurnDetector {
  let speaking = false;
  let finals: { text: string; confidence?: number }[] = [];
  let partial: { resultId: string; text: string } | undefined;
  let cancelWait: Cancel | undefined;
  const consumed: string[] = [];

  const pendingText = (): string =>
    [...finals.map((f) => f.text), partial?.text ?? ''].join(' ').replace(/\s+/g, ' ').trim();

  const stopWaiting = (): void => {
    cancelWait?.();
    cancelWait = undefined;
  };

  const commit = (): void => {
    stopWaiting();
    const text = pendingText();
    const confidences = finals.flatMap((f) => (f.confidence === undefined ? [] : [f.confidence]));
    // A committed partial has no confidence, so the utterance only has one when finals made all of it.
    const fromFinalsOnly = partial === undefined || partial.text === '';
    if (partial !== undefined) remember(partial.resultId);
    finals = [];
    partial = undefined;
    if (text === '') return;
    const confidence = confidences.length > 0 && fromFinalsOnly ? Math.min(...confidences) : undefined;
    onUtterance(confidence === undefined ? { text } : { text, confidence });
  };

  const remember = (resultId: string): void => {
    consumed.push(resultId);
    if (consumed.length > REMEMBERED_RESULT_IDS) consumed.shift();
  };

  return {
    speechStarted() {
      speaking = true;
      stopWaiting();
    },
    speechEnded() {
      speaking = false;
      if (pendingText() !== '') return commit();
      stopWaiting();
      cancelWait = clock.setTimer(options.finalWaitMs, commit);
    },
    transcript(event) {
      if (consumed.includes(event.resultId)) return;
      if (event.kind === 'partial') {
        partial = { resultId: event.resultId, text: event.text };
        return;
      }
      remember(event.resultId);
      if (partial?.resultId === event.resultId) partial = undefined;
      finals.push(event.confidence === undefined ? { text: event.text } : { text: event.text, confidence: event.confidence });
      if (!speaking) commit();
    },
    reset() {
      stopWaiting();
      finals = [];
      partial = undefined;
    },
    flush() {
      if (finals.length > 0) commit();
    },
  };
}
