import type { UpgradeRequest } from '../ports.js';

/** Header fields as `node:http` gives them: lower-case names, repeated fields as arrays. */
export type HeaderFields = UpgradeRequest['headers'];

/**
 * Canonical form of one field value for a signature base: trimmed, obs-fold line breaks collapsed to
 * one space (RFC 9421 §2.1).
 */
export function canonicalizeFieldValue(value: string): string {
  return value.trim().replace(/[ \t]*\r\n[ \t]+/g, ' ');
}

/**
 * The canonical value of a header, repeated fields joined with `", "`; `undefined` when absent.
 * `name` must be lower-case.
 */
export function readHeader(headers: HeaderFields, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === 'string'
    ? canonicalizeFieldValue(value)
    : value.map(canonicalizeFieldValue).join(', ');
}
