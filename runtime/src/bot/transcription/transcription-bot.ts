import type { Clock } from '../../shared/clock.js';
import { normalizeLanguageTag } from '../../shared/language-tag.js';
import { createListenBot } from '../listen/listen-bot.js';
import { listenDefinitionSchema } from '../listen/listen-definition.js';
import type { Bot } from '../ports.js';
import type { TranscriptionDefinition } from './transcription-definition.js';

/**
 * A Transcription Connector: a listen-only bot (its turns store each final transcript line by line,
 * exactly as `listen` does) that also asks the call to send every result back to Genesys as a
 * `transcript` event (`Bot.transcription`). The call decides what is sent; the bot only says how.
 */
export function createTranscriptionBot(connectorId: string, definition: TranscriptionDefinition, clock: Clock): Bot {
  const keeper = createListenBot(
    connectorId,
    listenDefinitionSchema.parse({
      type: 'listen',
      language: definition.language,
      maxCallDurationMs: definition.maxCallDurationMs,
      maxUtterances: definition.maxUtterances,
      maxTranscriptChars: definition.maxTranscriptChars,
    }),
    clock,
  );
  return {
    ...keeper,
    kind: 'transcription',
    transcription: Object.freeze({
      partials: definition.partials,
      partialIntervalMs: definition.partialIntervalMs,
      ...(definition.languages === undefined ? {} : { languages: Object.freeze(definition.languages.map(normalizeLanguageTag)) }),
    }),
  };
}
