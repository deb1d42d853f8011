import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNonceReplayCache } from '../../../runtime/src/auth/nonce-replay-cache.js';
import { FakeClock } from '../../support/fake-clock.js';

const setup = (maxEntries = 3) => {
  const clock = new FakeClock();
  return { clock, cache: createNonceReplayCache({ clock, maxEntries }), now: () => clock.epochMs() };
};

describe('createNonceReplayCache', () => {
  it('accepts a nonce the first time', () => {
    const { cache, now } = setup();
    expect(cache.remember('nonce-1', now() + 7_000)).toBe(true);
  });

  it('refuses the same nonce within its lifetime', () => {
    const { cache, now } = setup();
    cache.remember('nonce-1', now() + 7_000);
    expect(cache.remember('nonce-1', now() + 7_000)).toBe(false);
  });

  it('still refuses the nonce at the last millisecond of its lifetime', () => {
    const { cache, clock, now } = setup();
    cache.remember('nonce-1', now() + 7_000);
    clock.advance(7_000);
    expect(cache.remember('nonce-1', now() + 7_000)).toBe(false);
  });

  it('accepts the nonce again once its lifetime has passed', () => {
    const { cache, clock, now } = setup();
    cache.remember('nonce-1', now() + 7_000);
    clock.advance(7_001);
    expect(cache.remember('nonce-1', now() + 7_000)).toBe(true);
  });

  it('does not store a nonce whose lifetime is already over', () => {
    const { cache, now } = setup();
    cache.remember('nonce-1', now() - 1);
    expect(cache.size).toBe(0);
  });

  it('refuses a new nonce when every slot holds a live nonce', () => {
    const { cache, now } = setup(3);
    for (const n of ['a', 'b', 'c']) cache.remember(n, now() + 7_000);
    expect(cache.remember('d', now() + 7_000)).toBe(false);
  });

  it('keeps the live nonces when it refuses for lack of room', () => {
    const { cache, now } = setup(3);
    for (const n of ['a', 'b', 'c']) cache.remember(n, now() + 7_000);
    cache.remember('d', now() + 7_000);
    expect(cache.remember('a', now() + 7_000)).toBe(false);
  });

  it('evicts expired nonces to make room, even behind a live one', () => {
    const { cache, clock, now } = setup(3);
    cache.remember('long', now() + 60_000);
    cache.remember('b', now() + 1_000);
    cache.remember('c', now() + 1_000);
    clock.advance(2_000);
    expect(cache.remember('d', now() + 7_000)).toBe(true);
  });

  it('drops expired nonces so its size shrinks over time', () => {
    const { cache, clock, now } = setup(3);
    cache.remember('a', now() + 1_000);
    cache.remember('b', now() + 1_000);
    clock.advance(1_001);
    cache.remember('c', now() + 1_000);
    expect(cache.size).toBe(1);
  });

  it('never holds more than maxEntries nonces', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            nonce: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
            lifetimeMs: fc.integer({ min: -10, max: 50 }),
            stepMs: fc.nat(20),
          }),
        ),
        (operations) => {
          const { cache, clock, now } = setup(4);
          for (const { nonce, lifetimeMs, stepMs } of operations) {
            cache.remember(nonce, now() + lifetimeMs);
            clock.advance(stepMs);
            expect(cache.size).toBeLessThanOrEqual(4);
          }
        },
      ),
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxEntries %s', (maxEntries) => {
    expect(() => createNonceReplayCache({ clock: new FakeClock(), maxEntries })).toThrow(TypeError);
  });
});
