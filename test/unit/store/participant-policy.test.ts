import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isParticipantPolicyMode, toStoredParticipant } from '../../../runtime/src/store/participant-policy.js';

const caller = { ani: 'tel:+13175551234', aniName: 'Ann Caller', dnis: 'tel:+18005550100' };
const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

describe('toStoredParticipant', () => {
  it('keeps the caller fields as sent under the store policy', () => {
    expect(toStoredParticipant(caller, { mode: 'store' })).toEqual(caller);
  });

  it('keeps nothing under the drop policy', () => {
    expect(toStoredParticipant(caller, { mode: 'drop' })).toEqual({});
  });

  it('stores prefixed SHA-256 digests under the hash policy without a salt', () => {
    expect(toStoredParticipant(caller, { mode: 'hash' })).toEqual({
      ani: `sha256:${sha256(caller.ani)}`,
      aniName: `sha256:${sha256(caller.aniName)}`,
      dnis: `sha256:${sha256(caller.dnis)}`,
    });
  });

  it('stores prefixed HMAC-SHA256 digests keyed with the salt under the hash policy', () => {
    const salt = new TextEncoder().encode('pepper');
    const stored = toStoredParticipant(caller, { mode: 'hash', salt });
    expect(stored.ani).toBe(`hmac-sha256:${createHmac('sha256', salt).update(caller.ani).digest('hex')}`);
  });

  it('gives the same caller the same digest, so records can still be matched', () => {
    const salt = new TextEncoder().encode('pepper');
    expect(toStoredParticipant(caller, { mode: 'hash', salt })).toEqual(toStoredParticipant({ ...caller }, { mode: 'hash', salt }));
  });

  it('leaves empty and missing fields out instead of hashing them', () => {
    expect(toStoredParticipant({ ani: '', dnis: 'x' }, { mode: 'hash' })).toEqual({ dnis: `sha256:${sha256('x')}` });
  });
});

describe('isParticipantPolicyMode', () => {
  it('accepts exactly store, hash and drop', () => {
    expect(['store', 'hash', 'drop', 'keep', ''].map(isParticipantPolicyMode)).toEqual([true, true, true, false, false]);
  });
});
