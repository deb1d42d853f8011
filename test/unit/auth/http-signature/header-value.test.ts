import { describe, expect, it } from 'vitest';
import { canonicalizeFieldValue, readHeader } from '../../../../runtime/src/auth/http-signature/header-value.js';

describe('canonicalizeFieldValue', () => {
  it('trims leading and trailing whitespace', () => {
    expect(canonicalizeFieldValue(' \tabc \t')).toBe('abc');
  });

  it('collapses an obs-fold line break into one space', () => {
    expect(canonicalizeFieldValue('a  \r\n \tb')).toBe('a b');
  });
});

describe('readHeader', () => {
  it('joins a repeated header with a comma and a space', () => {
    expect(readHeader({ 'x-a': [' one ', 'two'] }, 'x-a')).toBe('one, two');
  });

  it('returns undefined for an absent header', () => {
    expect(readHeader({ 'x-a': 'one' }, 'x-b')).toBeUndefined();
  });

  it('returns the empty string for a header sent empty', () => {
    expect(readHeader({ 'x-a': '  ' }, 'x-a')).toBe('');
  });
});
