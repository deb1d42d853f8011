import { describe, expect, it } from 'vitest';
import { fingerprintApiKey } from '../../../runtime/src/auth/key-fingerprint.js';

describe('fingerprintApiKey', () => {
  it('is stable for the same key', () => {
    expect(fingerprintApiKey('SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh')).toBe(fingerprintApiKey('SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh'));
  });

  it('differs between keys', () => {
    expect(fingerprintApiKey('SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh')).not.toBe(fingerprintApiKey('SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXki'));
  });

  it('shows the first four characters and eight hex digits of the SHA-256 of a long key', () => {
    expect(fingerprintApiKey('SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh')).toMatch(/^SGVs-[0-9a-f]{8}$/);
  });

  it('shows only the hash of a short key', () => {
    expect(fingerprintApiKey('dev-api-key')).toMatch(/^[0-9a-f]{8}$/);
  });
});
