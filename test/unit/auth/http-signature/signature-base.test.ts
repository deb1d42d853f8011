import { parseDictionary } from 'structured-headers';
import type { InnerList } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { buildSignatureBase, hmacSha256 } from '../../../../runtime/src/auth/http-signature/signature-base.js';
import { GENESYS_DOC_EXAMPLE, GENESYS_DOC_EXAMPLE_KEY } from '../../../fixtures/http-signature/genesys-doc-example.js';

const e = GENESYS_DOC_EXAMPLE;
const signatureParams = parseDictionary(e.signatureInput).get('sig1') as InnerList;
const values = [e.requestTarget, e.authority, e.organizationId, e.sessionId, e.correlationId, e.apiKey];
const components = signatureParams[0].map((identifier, i) => ({ identifier, value: values[i]! }));

describe('buildSignatureBase', () => {
  it('rebuilds the documented signature base from the parsed Signature-Input', () => {
    expect(buildSignatureBase(components, signatureParams)).toBe(e.signatureBase);
  });

  it('ends without a trailing newline', () => {
    expect(buildSignatureBase(components, signatureParams).endsWith('\n')).toBe(false);
  });

  it('serializes a lax Signature-Input (extra whitespace) back to canonical form', () => {
    const laxHeader = e.signatureInput.replace('sig1=(', 'sig1=(  ').replace(';alg', ';  alg');
    const lax = parseDictionary(laxHeader).get('sig1') as InnerList;
    expect(buildSignatureBase(components, lax)).toBe(e.signatureBase);
  });
});

describe('hmacSha256', () => {
  it('computes the documented signature from the documented base', () => {
    expect(Buffer.from(hmacSha256(GENESYS_DOC_EXAMPLE_KEY, e.signatureBase)).toString('base64')).toBe(
      'NZBwyBHRRyRoeLqy1IzOa9VYBuI8TgMFt2GRDkDuJh4=',
    );
  });

  it('treats an empty key like an all-zero key', () => {
    expect(hmacSha256(new Uint8Array(0), 'x')).toEqual(hmacSha256(new Uint8Array(32), 'x'));
  });
});
