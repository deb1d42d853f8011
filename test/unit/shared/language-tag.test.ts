import { describe, expect, it } from 'vitest';
import { normalizeLanguageTag } from '../../../runtime/src/shared/language-tag.js';

describe('normalizeLanguageTag', () => {
  it.each([
    ['en-us', 'en-US'],
    ['EN-US', 'en-US'],
    ['en-US', 'en-US'],
    ['cmn-cn', 'cmn-CN'],
    ['zh-hans-cn', 'zh-Hans-CN'],
    ['es-419', 'es-419'],
  ])('writes %s as %s', (tag, expected) => {
    expect(normalizeLanguageTag(tag)).toBe(expected);
  });
});
