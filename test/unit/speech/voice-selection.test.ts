import { describe, expect, it } from 'vitest';
import { DEFAULT_ESPEAK_VOICES, espeakVoiceCandidates } from '../../../runtime/src/speech/offline/espeak-engine.js';
import { DEFAULT_POLLY_VOICES, pickVoice } from '../../../runtime/src/speech/polly/default-voices.js';

describe('pickVoice', () => {
  it('matches the language code without regard to case', () => {
    expect(pickVoice(DEFAULT_POLLY_VOICES, 'en-gb')).toBe('Amy');
  });

  it('falls back to the first voice of the same language', () => {
    expect(pickVoice(DEFAULT_POLLY_VOICES, 'es-AR')).toBe('Lupe');
  });

  it('returns undefined for a language with no voice', () => {
    expect(pickVoice(DEFAULT_POLLY_VOICES, 'xx-YY')).toBeUndefined();
  });
});

describe('espeakVoiceCandidates', () => {
  it('tries the table entry, then the code, then the language', () => {
    expect(espeakVoiceCandidates(DEFAULT_ESPEAK_VOICES, 'en-GB')).toEqual(['en-gb-x-rp', 'en-gb', 'en']);
  });

  it('tries the code and the language for a language missing from the table', () => {
    expect(espeakVoiceCandidates(DEFAULT_ESPEAK_VOICES, 'de-DE')).toEqual(['de-de', 'de']);
  });
});
