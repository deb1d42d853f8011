import { z } from 'zod';
import { commonDefinitionFields } from '../definition-common.js';

/**
 * Longest listen-only call by default: 8 hours. AudioHook Monitor streams last as long as the
 * conversation, and contact-center calls run for hours, so a listener must not inherit the 10-minute
 * cap of a bot conversation. The cap stays only as a safety limit: a session whose peer never closes
 * must not hold a task (and its scale-in protection) forever. 8 hours outlasts a working shift; the
 * Transcribe stream is renewed before its own 4-hour limit, so that limit is not a ceiling.
 */
export const LISTEN_MAX_CALL_DURATION_MS = 8 * 60 * 60 * 1000;

/** The definition of a listen-only bot (`"type": "listen"`): it never speaks, it records. */
export const listenDefinitionSchema = z.strictObject({
  type: z.literal('listen'),
  ...commonDefinitionFields,
  /** Up to 24 hours; see {@link LISTEN_MAX_CALL_DURATION_MS}. */
  maxCallDurationMs: z.number().int().min(10_000).max(24 * 60 * 60 * 1000).default(LISTEN_MAX_CALL_DURATION_MS),
  /** Documents the behaviour in the file; a listen bot is always listen-only. */
  listenOnly: z.literal(true).default(true),
  /** Utterances kept in the conversation state; later ones are counted, not stored. */
  maxUtterances: z.number().int().min(1).max(10_000).default(500),
  /** Characters kept across all utterances; the session record must stay small (DynamoDB items ≤ 400 KB). */
  maxTranscriptChars: z.number().int().min(100).max(200_000).default(50_000),
});

/** A parsed, defaulted listen-only bot definition. */
export type ListenDefinition = z.infer<typeof listenDefinitionSchema>;
