import { createHmac } from 'node:crypto';
import { serializeInnerList, serializeItem } from 'structured-headers';
import type { InnerList, Item } from 'structured-headers';

/** One covered component: its identifier as a structured-field item and its canonical value. */
export interface CoveredComponent {
  readonly identifier: Item;
  readonly value: string;
}

/**
 * The signature base (RFC 9421 §2.5): one `"<identifier>": <value>` line per covered component, then
 * the `"@signature-params"` line, joined with LF and no trailing newline. Identifiers and parameters
 * are serialized from parsed structures, never copied from header text, so a lax signer fails.
 */
export function buildSignatureBase(components: readonly CoveredComponent[], signatureParams: InnerList): string {
  const lines = components.map(({ identifier, value }) => `${serializeItem(identifier)}: ${value}`);
  lines.push(`"@signature-params": ${serializeInnerList(signatureParams)}`);
  return lines.join('\n');
}

/** HMAC-SHA256 of the UTF-8 signature base; an empty key behaves as an all-zero key. */
export function hmacSha256(key: Uint8Array, signatureBase: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(signatureBase, 'utf8').digest());
}
