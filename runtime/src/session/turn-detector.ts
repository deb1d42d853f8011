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
  return new SilenceTurnDetector(options, clock, onUtterance);
}

/** A class, not closures: one or two per call, for every call. */
class SilenceTurnDetector implements TurnDetector {
  private speaking = false;
  private finals: { text: string; confidence?: number }[] = [];
  private partial: { resultId: string; text: string } | undefined;
  private cancelWait: Cancel | undefined;
  private readonly consumed: string[] = [];

  constructor(
    private readonly options: TurnDetectorOptions,
    private readonly clock: Clock,
    private readonly onUtterance: (utterance: Utterance) => void,
  ) {}

  speechStarted(): void {
    this.speaking = true;
    this.stopWaiting();
  }

  speechEnded(): void {
    this.speaking = false;
    if (this.pendingText() !== '') return this.commit();
    this.stopWaiting();
    this.cancelWait = this.clock.setTimer(this.options.finalWaitMs, () => this.commit());
  }

  transcript(event: TranscriptEvent): void {
    if (this.consumed.includes(event.resultId)) return;
    if (event.kind === 'partial') {
      this.partial = { resultId: event.resultId, text: event.text };
      return;
    }
    this.remember(event.resultId);
    if (this.partial?.resultId === event.resultId) this.partial = undefined;
    this.finals.push(event.confidence === undefined ? { text: event.text } : { text: event.text, confidence: event.confidence });
    if (!this.speaking) this.commit();
  }

  reset(): void {
    this.stopWaiting();
    this.finals = [];
    this.partial = undefined;
  }

  flush(): void {
    if (this.finals.length > 0) this.commit();
  }

  private pendingText(): string {
    return [...this.finals.map((f) => f.text), this.partial?.text ?? ''].join(' ').replace(/\s+/g, ' ').trim();
  }

  private stopWaiting(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
  }

  private commit(): void {
    this.stopWaiting();
    const text = this.pendingText();
    const { finals, partial } = this;
    const confidences = finals.flatMap((f) => (f.confidence === undefined ? [] : [f.confidence]));
    // A committed partial has no confidence, so the utterance only has one when finals made all of it.
    const fromFinalsOnly = partial === undefined || partial.text === '';
    if (partial !== undefined) this.remember(partial.resultId);
    this.finals = [];
    this.partial = undefined;
    if (text === '') return;
    const confidence = confidences.length > 0 && fromFinalsOnly ? Math.min(...confidences) : undefined;
    this.onUtterance(confidence === undefined ? { text } : { text, confidence });
  }

  private remember(resultId: string): void {
    this.consumed.push(resultId);
    if (this.consumed.length > REMEMBERED_RESULT_IDS) this.consumed.shift();
  }
}
