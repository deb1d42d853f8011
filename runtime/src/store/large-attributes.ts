import { randomUUID } from 'node:crypto';
import type { ItemKey } from './session-items.js';

/**
 * Chunked storage of large item attributes. A DynamoDB item holds at most 400 KB (names and values
 * together, UTF-8), but a long call's conversation state (a listen-only transcript of hours, in a
 * script of 3 bytes per character) can be larger. An attribute past {@link INLINE_LIMIT_BYTES} is
 * stored as its JSON text in numbered chunk items under the same partition:
 *
 * | Item | pk | sk |
 * |---|---|---|
 * | one chunk | `CONV#<conversationId>` | `CHUNK#<attribute>#<writeId>#<0000 n>` |
 *
 * and the item itself keeps only a reference `{ writeId, count, bytes }` under `<attribute>Chunks`.
 * Every write gets a fresh `writeId`, so two writers racing for the same version never share chunk
 * keys: the conditional write of the item decides which chunks are current, and the others are
 * deleted (or expire with the TTL they carry).
 */

/** Attributes up to this many bytes of JSON stay inline; the rest of the item has room to spare. */
export const INLINE_LIMIT_BYTES = 64 * 1024;
/** Bytes of JSON per chunk item: well under 400 KB with the key and TTL. */
export const CHUNK_BYTES = 350 * 1024;
const CHUNK_SORT_PREFIX = 'CHUNK#';

/** Where an attribute's chunks are, as stored on the item. */
export interface ChunkReference {
  readonly writeId: string;
  readonly count: number;
  readonly bytes: number;
}

/** An item ready to write, plus the chunk items that must land before it. */
export interface SplitItem {
  readonly item: Record<string, unknown>;
  readonly chunks: readonly Record<string, unknown>[];
}

const referenceName = (attribute: string): string => `${attribute}Chunks`;

/**
 * JSON replacer: values arrive as safe documents (objects turned into Maps, store/safe-document.ts),
 * which JSON.stringify would write as `{}`. fromEntries defines own properties, so any key is data.
 */
const mapsAsObjects = (_key: string, value: unknown): unknown => (value instanceof Map ? Object.fromEntries(value) : value);

/** Sort-key prefix of one write's chunks of an attribute. */
export function chunkPrefix(attribute: string, writeId: string): string {
  return `${CHUNK_SORT_PREFIX}${attribute}#${writeId}#`;
}

/**
 * Moves each of `attributes` that is larger than {@link INLINE_LIMIT_BYTES} out of `item` into
 * chunk items (Binary values, so a multibyte character split across chunks is rejoined intact).
 * Chunks carry the item's TTL. Items with nothing large come back unchanged, with no chunks.
 */
export function splitLargeAttributes(item: Record<string, unknown>, attributes: readonly string[], ttlAttribute: string): SplitItem {
  const out: Record<string, unknown> = { ...item };
  const chunks: Record<string, unknown>[] = [];
  for (const attribute of attributes) {
    if (out[attribute] === undefined) continue;
    const bytes = new TextEncoder().encode(JSON.stringify(out[attribute], mapsAsObjects));
    if (bytes.byteLength <= INLINE_LIMIT_BYTES) continue;
    const writeId = randomUUID();
    const count = Math.ceil(bytes.byteLength / CHUNK_BYTES);
    for (let n = 0; n < count; n++) {
      chunks.push({
        pk: item.pk,
        sk: `${chunkPrefix(attribute, writeId)}${String(n).padStart(4, '0')}`,
        entity: 'chunk',
        data: bytes.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES),
        [ttlAttribute]: item[ttlAttribute],
      });
    }
    delete out[attribute];
    out[referenceName(attribute)] = { writeId, count, bytes: bytes.byteLength } satisfies ChunkReference;
  }
  return { item: out, chunks };
}

/** The chunk references `item` holds, by attribute. */
export function chunkReferences(item: Record<string, unknown> | undefined, attributes: readonly string[]): Map<string, ChunkReference> {
  const references = new Map<string, ChunkReference>();
  for (const attribute of attributes) {
    const reference = item?.[referenceName(attribute)];
    if (isChunkReference(reference)) references.set(attribute, reference);
  }
  return references;
}

/** Keys of the chunk items a reference names. */
export function chunkKeys(pk: string, attribute: string, reference: ChunkReference): ItemKey[] {
  return Array.from({ length: reference.count }, (_, n) => ({ pk, sk: `${chunkPrefix(attribute, reference.writeId)}${String(n).padStart(4, '0')}` }));
}

/**
 * Puts chunked attributes back into `item`. `readChunks` returns the chunk items of one write in
 * sort-key order. A missing or short chunk set is an error, never a silently truncated value.
 */
export async function joinLargeAttributes(
  item: Record<string, unknown>,
  attributes: readonly string[],
  readChunks: (sortKeyPrefix: string) => Promise<readonly Record<string, unknown>[]>,
): Promise<Record<string, unknown>> {
  const references = chunkReferences(item, attributes);
  if (references.size === 0) return item;
  const out: Record<string, unknown> = { ...item };
  for (const [attribute, reference] of references) {
    const chunks = await readChunks(chunkPrefix(attribute, reference.writeId));
    const parts = chunks.map((chunk) => chunk.data).filter((data): data is Uint8Array => data instanceof Uint8Array);
    const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
    if (parts.length !== reference.count || total !== reference.bytes) {
      throw new Error(`chunks of ${attribute} incomplete: ${parts.length}/${reference.count} items, ${total}/${reference.bytes} bytes`);
    }
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.byteLength;
    }
    out[attribute] = JSON.parse(new TextDecoder().decode(joined)) as unknown;
    delete out[referenceName(attribute)];
  }
  return out;
}

function isChunkReference(value: unknown): value is ChunkReference {
  if (value === null || typeof value !== 'object') return false;
  const reference = value as Record<string, unknown>;
  return typeof reference.writeId === 'string' && typeof reference.count === 'number' && typeof reference.bytes === 'number';
}
