import { delay, withTimeout, type Clock } from '../shared/clock.js';
import { AppError, isRetryable, toError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SpeechSynthesizer } from '../speech/ports.js';
import type { CallControls } from './ports.js';
import type { PromptPlayback } from './prompt-playback.js';

/** Back-off step between synthesis attempts (x1, x2, ...), all within the first-audio budget. */
const SYNTHESIS_RETRY_BACKOFF_MS = 150;

/** A prompt as the bot asked for it (the `say` action). */
export interface Prompt {
  readonly text: string;
  readonly ssml?: boolean;
  /** `false` plays it through even if the caller talks. */
  readonly interruptible?: boolean;
}

export interface SpeakOptions {
  readonly language: string;
  /** The first audio must come within this, retries included, or the prompt fails. */
  readonly firstAudioWithinMs: number;
  /** Called once, when the first audio of the prompt is handed to the sender. */
  readonly onFirstAudio?: () => void;
  /** Called with the size in bytes of each audio chunk handed to the sender. */
  readonly onAudio?: (bytes: number) => void;
}

/**
 * Speaks prompts: synthesizes, streams the audio to the sender and marks the prompt's end. One
 * prompt at a time; `stop` abandons the one being spoken (barge-in, the call ending).
 */
export interface PromptSpeaker {
  /**
   * True when the whole prompt was handed to the sender; false if it was stopped (or the call ended)
   * first. Rejects with {@link SynthesisFailed} when no audio came within the budget.
   */
  speak(prompt: Prompt, options: SpeakOptions): Promise<boolean>;
  stop(): void;
}

export interface PromptSpeakerDeps {
  readonly synthesizer: SpeechSynthesizer;
  readonly controls: CallControls;
  readonly playback: PromptPlayback;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Aborted when the caller hangs up: nothing more is spoken. */
  readonly callSignal: AbortSignal;
  /** Voice per language from the bot file; the synthesizer's default otherwise. */
  readonly voices: Readonly<Record<string, string>>;
}

/** Marks a synthesis failure so the call knows which dependency failed. */
export class SynthesisFailed extends Error {
  constructor(cause: unknown) {
    super('speech synthesis failed', { cause });
    this.name = 'SynthesisFailed';
  }
}

/** Throttling and outages are worth another attempt; a rejected request is not. */
function isRetryableSynthesis(error: unknown): boolean {
  return error instanceof AppError && isRetryable(error.category);
}

/**
 * A throttled or failing synthesis is retried inside the first-audio budget and a silent one is
 * abandoned when the budget runs out, so the caller never waits on a stuck speech service.
 */
export function createPromptSpeaker(deps: PromptSpeakerDeps): PromptSpeaker {
  return new RetryingPromptSpeaker(deps);
}

/** A class, not closures: one per call, for every call. */
class RetryingPromptSpeaker implements PromptSpeaker {
  private speaking: AbortController | undefined;

  constructor(private readonly deps: PromptSpeakerDeps) {}

  async speak(prompt: Prompt, options: SpeakOptions): Promise<boolean> {
    const { clock, controls, playback, logger, callSignal } = this.deps;
    const stopped = new AbortController();
    this.speaking = stopped;
    controls.noteTranscript('bot', prompt.text);
    const voice = this.deps.voices[options.language];
    const request = { text: prompt.text, ssml: prompt.ssml === true, languageCode: options.language, ...(voice === undefined ? {} : { voice }) };
    const deadline = clock.now() + options.firstAudioWithinMs;
    const over = (): boolean => stopped.signal.aborted || callSignal.aborted;
    try {
      for (let attempt = 1; ; attempt++) {
        const attemptAbort = new AbortController();
        const audio = this.deps.synthesizer.synthesize(request, AbortSignal.any([stopped.signal, callSignal, attemptAbort.signal]));
        const chunks = audio[Symbol.asyncIterator]();
        let first: IteratorResult<Uint8Array>;
        try {
          first = await withTimeout(clock, Math.max(0, deadline - clock.now()), chunks.next(), () => {
            attemptAbort.abort();
            throw new AppError('ERR_SPEECH_UNAVAILABLE', 'no synthesized audio in time', { category: 'unavailable' });
          });
        } catch (error) {
          if (over()) return false;
          const backoffMs = SYNTHESIS_RETRY_BACKOFF_MS * attempt;
          if (!isRetryableSynthesis(error) || clock.now() + backoffMs >= deadline) throw error;
          logger.warn({ attempt, err: toError(error).message }, 'synthesis failed: retrying');
          await delay(clock, backoffMs, AbortSignal.any([stopped.signal, callSignal]));
          continue;
        }
        let firstAudio = true;
        for (let next = first; !next.done; next = await chunks.next()) {
          if (stopped.signal.aborted) return false;
          playback.audioQueued(prompt.interruptible !== false);
          controls.sendAudio(next.value);
          options.onAudio?.(next.value.length);
          if (firstAudio) options.onFirstAudio?.();
          firstAudio = false;
        }
        controls.endOfPrompt();
        return !stopped.signal.aborted;
      }
    } catch (error) {
      if (over()) return false;
      throw new SynthesisFailed(error);
    } finally {
      if (this.speaking === stopped) this.speaking = undefined;
    }
  }

  stop(): void {
    this.speaking?.abort();
  }
}
