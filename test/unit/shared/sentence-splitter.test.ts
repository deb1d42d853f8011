import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../../runtime/src/shared/sentence-splitter.js';

describe('splitSentences (plain text)', () => {
  it('splits at periods, question marks and exclamation marks followed by a space', () => {
    expect(splitSentences('Hello there. How are you? Great!')).toEqual(['Hello there.', 'How are you?', 'Great!']);
  });

  it('does not split after a title abbreviation such as Dr.', () => {
    expect(splitSentences('Dr. Smith will call. Bye.')).toEqual(['Dr. Smith will call.', 'Bye.']);
  });

  it('does not split inside a decimal number', () => {
    expect(splitSentences('The rate is 3.5 percent. Thanks.')).toEqual(['The rate is 3.5 percent.', 'Thanks.']);
  });

  it('does not split after dotted abbreviations such as e.g. or U.S.', () => {
    expect(splitSentences('Bring an ID, e.g. a passport. We serve the U.S. Army too.')).toEqual([
      'Bring an ID, e.g. a passport.',
      'We serve the U.S. Army too.',
    ]);
  });

  it('does not split after an initial', () => {
    expect(splitSentences('Ask for J. Smith. Done.')).toEqual(['Ask for J. Smith.', 'Done.']);
  });

  it('treats No. as an abbreviation before a number only', () => {
    expect(splitSentences('Press No. 5 now. No. Not that one.')).toEqual(['Press No. 5 now.', 'No.', 'Not that one.']);
  });

  it('keeps a sentence together when a period is followed by a lower-case word', () => {
    expect(splitSentences('Wait... what happened? OK.')).toEqual(['Wait... what happened?', 'OK.']);
  });

  it('keeps closing quotes with the sentence they end', () => {
    expect(splitSentences('He said "Stop." Then he left.')).toEqual(['He said "Stop."', 'Then he left.']);
  });

  it('splits at blank lines', () => {
    expect(splitSentences('First line\n\nSecond line')).toEqual(['First line', 'Second line']);
  });

  it('returns no segments for blank text', () => {
    expect(splitSentences('  ')).toEqual([]);
  });

  it('merges sentences until a segment reaches minChars', () => {
    expect(splitSentences('Hi. I am the bot. How can I help you today?', { minChars: 15 })).toEqual([
      'Hi. I am the bot.',
      'How can I help you today?',
    ]);
  });

  it('merges a short trailing sentence into the previous segment', () => {
    expect(splitSentences('How can I help you today? Ok.', { minChars: 15 })).toEqual(['How can I help you today? Ok.']);
  });

  it('cuts an over-long sentence at the last clause break before maxChars', () => {
    expect(splitSentences('one two three, four five six seven', { maxChars: 20 })).toEqual([
      'one two three,',
      'four five six seven',
    ]);
  });
});

describe('splitSentences (SSML)', () => {
  it('splits top-level sentences and wraps each in the original speak tag', () => {
    expect(splitSentences('<speak xml:lang="en-US">Hello there. How are you?</speak>', { ssml: true })).toEqual([
      '<speak xml:lang="en-US">Hello there.</speak>',
      '<speak xml:lang="en-US">How are you?</speak>',
    ]);
  });

  it('never splits inside an element', () => {
    const ssml = '<speak><prosody rate="slow">One. Two.</prosody> Three.</speak>';
    expect(splitSentences(ssml, { ssml: true })).toEqual([ssml]);
  });

  it('splits before an element that follows a sentence end', () => {
    expect(splitSentences('<speak>Hi there. <break time="1s"/> Bye now.</speak>', { ssml: true })).toEqual([
      '<speak>Hi there.</speak>',
      '<speak><break time="1s"/> Bye now.</speak>',
    ]);
  });

  it('returns SSML without a speak root whole', () => {
    expect(splitSentences('Hello. <break/> Bye.', { ssml: true })).toEqual(['Hello. <break/> Bye.']);
  });

  it('returns SSML with comments whole', () => {
    const ssml = '<speak>Hello. <!-- note. --> Bye.</speak>';
    expect(splitSentences(ssml, { ssml: true })).toEqual([ssml]);
  });

  it('ignores a greater-than sign inside a quoted attribute', () => {
    expect(splitSentences('<speak><mark name="a>b"/>Hi there. Bye now.</speak>', { ssml: true })).toEqual([
      '<speak><mark name="a>b"/>Hi there.</speak>',
      '<speak>Bye now.</speak>',
    ]);
  });
});
