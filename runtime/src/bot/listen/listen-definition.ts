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

/**
 * Default bound on transcript lines: 50,000. Eight hours of a stereo Monitor stream with both
 * parties talking without a pause, one final result per second between them, is 28,800 lines.
 */
export const LISTEN_MAX_UTTERANCES = 50_000;

/**
 * Default bound on transcript characters: 2,000,000. Continuous speech on both channels for eight
 * hours, at about 15 characters a second each, is about 864,000.
 */
export const LISTEN_MAX_TRANSCRIPT_CHARS = 2_000_000;

/** What every bot kind that never speaks (listen, transcription) has in its file. */
export const listenOnlyDefinitionFields = {
  /** Up to 24 hours; see {@link LISTEN_MAX_CALL_DURATION_MS}. */
  maxCallDurationMs: z.number().int().min(10_000).max(24 * 60 * 60 * 1000).default(LISTEN_MAX_CALL_DURATION_MS),
  /** Documents the behaviour in the file; such a bot is always listen-only. */
  listenOnly: z.literal(true).default(true),
};

/** The definition of a listen-only bot (`"type": "listen"`): it never speaks, it records. */
export const listenDefinitionSchema = z.strictObject({
  type: z.literal('listen'),
  ...commonDefinitionFields,
  ...listenOnlyDefinitionFields,
  /**
   * Safety bound on the transcript lines of one conversation; later utterances are counted (logged
   * and metered as dropped), not stored. Lines are stored append-only, one item each, so the bound
   * is about a runaway stream, not item size: see {@link LISTEN_MAX_UTTERANCES}.
   */
  maxUtterances: z.number().int().min(1).max(1_000_000).default(LISTEN_MAX_UTTERANCES),
  /** Safety bound on the characters of all lines together; see {@link LISTEN_MAX_TRANSCRIPT_CHARS}. */
  maxTranscriptChars: z.number().int().min(100).max(50_000_000).default(LISTEN_MAX_TRANSCRIPT_CHARS),
});

/** A parsed, defaulted listen-only bot definition. */
export type ListenDefinition = z.infer<typeof listenDefinitionSchema>;
