import { describe, expect, it } from 'vitest';
import { createHeardText } from '../../../runtime/src/session/heard-text.js';
import { FakeClock } from '../../support/fake-clock.js';

/** 8 bytes of PCMU per ms. */
const bytesFor = (ms: number): number => ms * 8;

describe('heard text', () => {
  it('plays handed audio back to back: a sentence handed early is heard only when the one before it has played', () => {
    const clock = new FakeClock();
    const heard = createHeardText(clock);
    heard.sentence('One.').audio(bytesFor(1_000));
    clock.advance(100);
    heard.sentence('Two.').audio(bytesFor(1_000));

    clock.advance(800);
    expect(heard.heardNow()).toBe('One.');
    expect(heard.msUntilLastPlays()).toBe(100);
    clock.advance(100);
    expect(heard.heardNow()).toBe('One. Two.');
    expect(heard.msUntilLastPlays()).toBe(0);
  });

  it('leaves a gap when the next audio came after the last had played, and ignores a sentence with no audio yet', () => {
    const clock = new FakeClock();
    const heard = createHeardText(clock);
    heard.sentence('One.').audio(bytesFor(200));
    clock.advance(500);
    const two = heard.sentence('Two.');
    heard.sentence('Three.');
    expect(heard.heardNow()).toBe('One.');
    two.audio(bytesFor(300));
    two.audio(bytesFor(300));
    expect(heard.heardNow()).toBe('One. Two.');
  });
});
