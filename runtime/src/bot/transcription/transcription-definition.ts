import { z } from 'zod';
import { commonDefinitionFields, languageTagSchema } from '../definition-common.js';
import { LISTEN_MAX_TRANSCRIPT_CHARS, LISTEN_MAX_UTTERANCES, listenOnlyDefinitionFields } from '../listen/listen-definition.js';

/**
 * Default least time between two partial transcripts of one channel: 1 s. Genesys allows a session
 * 5 text messages/s (burst 25); a stereo call with partials then sends at most 2 partials/s plus its
 * finals (about one per utterance and channel) and the pongs (one per 5 s), well within it.
 */
export const TRANSCRIPTION_PARTIAL_INTERVAL_MS = 1_000;

/**
 * The definition of a Transcription Connector (`"type": "transcription"`): Genesys Cloud streams the
 * call's audio and this server sends back `transcript` events per utterance and channel; it never
 * sends audio. Transcripts are also kept as a listen-only bot keeps them.
 */
export const transcriptionDefinitionSchema = z.strictObject({
  type: z.literal('transcription'),
  ...commonDefinitionFields,
  ...listenOnlyDefinitionFields,
  /** Send partial results as `transcript` events with `isFinal: false` (throttled by `partialIntervalMs`). */
  partials: z.boolean().default(false),
  /** Least time between two partials of one channel, ms; see {@link TRANSCRIPTION_PARTIAL_INTERVAL_MS}. */
  partialIntervalMs: z.number().int().min(250).max(10_000).default(TRANSCRIPTION_PARTIAL_INTERVAL_MS),
  /**
   * The languages offered to Genesys (`opened.supportedLanguages`) and accepted in `open`/`update`;
   * absent = every language the recognizer supports. Another language pauses the stream until a
   * supported one arrives.
   */
  languages: z.array(languageTagSchema).min(1).max(200).optional(),
  /** Safety bounds of the stored transcript, as for `listen` bots. */
  maxUtterances: z.number().int().min(1).max(1_000_000).default(LISTEN_MAX_UTTERANCES),
  maxTranscriptChars: z.number().int().min(100).max(50_000_000).default(LISTEN_MAX_TRANSCRIPT_CHARS),
});

/** A parsed, defaulted transcription connector definition. */
export type TranscriptionDefinition = z.infer<typeof transcriptionDefinitionSchema>;
