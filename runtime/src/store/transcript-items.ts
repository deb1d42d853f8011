import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { MAX_TRANSCRIPT_TEXT_BYTES, type TranscriptEntry } from './ports.js';
import { STORE_ERROR_CODES } from './store-errors.js';
import { TTL_ATTRIBUTE, conversationPartition, type ItemKey } from './session-items.js';

/**
 * Transcript lines of a conversation, one item each, beside its state and sessions:
 *
 * | Item | pk | sk |
 * |---|---|---|
 * | one transcript line | `CONV#<conversationId>` | `TRANSCRIPT#<seq, 10 digits>` |
 *
 * Append-only: a checkpoint writes only the lines since the previous one, so the conversation state
 * item stays small however long the call runs, and the bytes a checkpoint writes do not grow with the
 * transcript. The zero-padded `seq` makes sort-key order line order, so one Query on the prefix
 * (page by page) reads the transcript in order.
 */
export const TRANSCRIPT_SORT_PREFIX = 'TRANSCRIPT#';

/** Digits of the zero-padded sequence number: room for far more lines than any bound allows. */
const SEQ_DIGITS = 10;

/** Largest `seq` a key can hold. */
export const MAX_TRANSCRIPT_SEQ = 10 ** SEQ_DIGITS - 1;

/** Key of one transcript line's item. */
export function transcriptKey(conversationId: string, seq: number): ItemKey {
  return { pk: conversationPartition(conversationId), sk: `${TRANSCRIPT_SORT_PREFIX}${String(seq).padStart(SEQ_DIGITS, '0')}` };
}

/** Rejects lines no correct caller builds (programmer errors). */
export function assertWritableTranscript(conversationId: string, entries: readonly TranscriptEntry[]): void {
  if (conversationId === '') throw new RangeError('conversationId must not be empty');
  for (const entry of entries) {
    if (!Number.isInteger(entry.seq) || entry.seq < 0 || entry.seq > MAX_TRANSCRIPT_SEQ) {
      throw new RangeError(`transcript seq must be a whole number from 0 to ${MAX_TRANSCRIPT_SEQ}`);
    }
  }
}

/**
 * The line as one item holds it: a text over {@link MAX_TRANSCRIPT_TEXT_BYTES} of UTF-8 is cut at a
 * character boundary (never inside a surrogate pair) and marked `cut`, so even a pathological line
 * fits DynamoDB's 400 KB item limit instead of failing the write (and the lines queued behind it).
 */
export function fitTranscriptEntry(entry: TranscriptEntry): TranscriptEntry {
  const encoded = new TextEncoder().encode(entry.text);
  if (encoded.byteLength <= MAX_TRANSCRIPT_TEXT_BYTES) return entry;
  // Decoding a prefix cut inside a character yields U+FFFD at the end: drop it.
  let text = new TextDecoder().decode(encoded.subarray(0, MAX_TRANSCRIPT_TEXT_BYTES));
  if (text.endsWith('\uFFFD')) text = text.slice(0, -1);
  return { ...entry, text, cut: true };
}

/** The stored item of a transcript line (already fitted, see {@link fitTranscriptEntry}). */
export function toTranscriptItem(conversationId: string, entry: TranscriptEntry, expiresAt: number): Record<string, unknown> {
  const fitted = fitTranscriptEntry(entry);
  return {
    ...transcriptKey(conversationId, fitted.seq),
    entity: 'transcript',
    seq: fitted.seq,
    text: fitted.text,
    atEpochMs: fitted.atEpochMs,
    ...(fitted.speaker === undefined ? {} : { speaker: fitted.speaker }),
    ...(fitted.cut === true ? { cut: true } : {}),
    [TTL_ATTRIBUTE]: expiresAt,
  };
}

const transcriptItemSchema = z.object({
  entity: z.literal('transcript'),
  expiresAt: z.number(),
  seq: z.number().int().min(0),
  text: z.string(),
  atEpochMs: z.number(),
  speaker: z.enum(['caller', 'agent']).optional(),
  cut: z.boolean().optional(),
});

/** Reads a transcript item back; a malformed item is an internal store failure, never skipped silently. */
export function fromTranscriptItem(item: Record<string, unknown>): { entry: TranscriptEntry; expiresAt: number } {
  const parsed = transcriptItemSchema.safeParse(item);
  if (!parsed.success) {
    throw new AppError(STORE_ERROR_CODES.internal, 'stored transcript item does not match its schema', { category: 'internal', cause: parsed.error });
  }
  const { entity: _entity, expiresAt, speaker, cut, ...rest } = parsed.data;
  return { entry: { ...rest, ...(speaker === undefined ? {} : { speaker }), ...(cut === true ? { cut } : {}) }, expiresAt };
}
