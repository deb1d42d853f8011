/** Bytes of a value's JSON text in UTF-8. */
export const utf8Bytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).byteLength;

/** DynamoDB's item size limit. */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;

/**
 * An item's size as DynamoDB counts it against the 400 KB limit: attribute names and string values
 * in UTF-8 bytes, binary values in bytes, numbers up to 21 bytes, 3 bytes per map or list. (dynalite
 * counts strings in UTF-16 code units, so on its own it accepts multibyte items DynamoDB refuses.)
 */
export function dynamoItemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'number') return 21;
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Map) return dynamoItemBytes(Object.fromEntries(value));
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + dynamoItemBytes(element), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value).reduce((sum, [name, element]) => sum + Buffer.byteLength(name, 'utf8') + dynamoItemBytes(element), 0);
  }
  return 0;
}
