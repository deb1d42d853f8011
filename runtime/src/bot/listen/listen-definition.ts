import { z } from 'zod';
import { commonDefinitionFields } from '../definition-common.js';

/** The definition of a listen-only bot (`"type": "listen"`): it never speaks, it records. */
export const listenDefinitionSchema = z.strictObject({
  type: z.literal('listen'),
  ...commonDefinitionFields,
  /** Documents the behaviour in the file; a listen bot is always listen-only. */
  listenOnly: z.literal(true).default(true),
  /** Utterances kept in the conversation state; later ones are counted, not stored. */
  maxUtterances: z.number().int().min(1).max(10_000).default(500),
  /** Characters kept across all utterances; the session record must stay small (DynamoDB items ≤ 400 KB). */
  maxTranscriptChars: z.number().int().min(100).max(200_000).default(50_000),
});

/** A parsed, defaulted listen-only bot definition. */
export type ListenDefinition = z.infer<typeof listenDefinitionSchema>;
