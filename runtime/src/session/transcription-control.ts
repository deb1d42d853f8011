import type { TranscriptionSettings } from '../bot/ports.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { SpeechRecognizer } from '../speech/ports.js';
import type { CallControls } from './ports.js';
import { createTranscriptPublisher, type TranscriptPublisher } from './transcript-publisher.js';
import { createLanguageGate } from './transcription-language.js';

/**
 * What a Transcription Connector's call adds to a listen-only call: the publisher of `transcript`
 * events, and the language gate. A language it cannot transcribe pauses the stream (server `pause`)
 * until an `update` brings a supported one (then `resume`), as the reference server does; the
 * utterance in progress is finished first (the client's `paused` ends the recognizer streams gracefully).
 */
export interface TranscriptionControl {
  readonly publisher: TranscriptPublisher;
  /** The language to start in; the bot's own when the open asked for an unsupported one. */
  readonly initialLanguage: string;
  /** The call is open: pause now if the open asked for an unsupported language. */
  opened(): void;
  /** An `update` asked for `requested`: the language to switch to, or undefined (unsupported: paused). */
  languageRequested(requested: string): string | undefined;
}

export interface TranscriptionControlDeps {
  readonly recognizer: SpeechRecognizer | undefined;
  readonly controls: CallControls;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `open.language` (or the `language` input variable), when the open names one. */
  readonly requested: string | undefined;
  /** The bot's default language. */
  readonly fallbackLanguage: string;
  readonly newId?: () => string;
}

export function createTranscriptionControl(settings: TranscriptionSettings, deps: TranscriptionControlDeps): TranscriptionControl {
  const { controls, logger } = deps;
  const gate = createLanguageGate(settings.languages, deps.recognizer?.languages);
  const accepted = deps.requested === undefined ? deps.fallbackLanguage : gate.accept(deps.requested);
  let held = accepted === undefined;
  const hold = (requested: string): void => {
    logger.warn({ requested }, 'language not supported for transcription: stream paused until a supported one arrives');
    held = true;
    controls.pause();
  };
  return {
    publisher: createTranscriptPublisher(settings, {
      now: () => deps.clock.now(),
      newId: deps.newId ?? (() => crypto.randomUUID()),
      send: (entities) => controls.sendEvent(entities),
    }),
    initialLanguage: accepted ?? deps.fallbackLanguage,
    opened() {
      if (held && deps.requested !== undefined) hold(deps.requested);
    },
    languageRequested(requested) {
      const language = gate.accept(requested);
      if (language === undefined) {
        if (!held) hold(requested);
        return undefined;
      }
      if (held) {
        held = false;
        controls.resume();
      }
      return language;
    },
  };
}
