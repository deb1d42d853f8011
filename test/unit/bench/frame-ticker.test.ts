import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../runtime/src/shared/clock.js';
import { FrameTicker } from '../../../runtime/tools/bench/frame-ticker.js';
import { FakeClock } from '../../support/fake-clock.js';

/** A clock whose timers all fire `lateMs` after they were due, as on a busy event loop. */
const lateClock = (clock: FakeClock, lateMs: number): Clock => ({
  now: () => clock.now(),
  epochMs: () => clock.epochMs(),
  setTimer: (ms, fn) => clock.setTimer(ms + lateMs, fn),
});

function record(clock: Clock, slots: number, members: readonly string[]): { turns: [string, number][]; ticker: FrameTicker<string> } {
  const turns: [string, number][] = [];
  const ticker = new FrameTicker<string>(200, slots, (member, dueMs) => turns.push([member, dueMs]), clock);
  for (const member of members) ticker.add(member);
  return { turns, ticker };
}

describe('FrameTicker', () => {
  it('deals members round-robin into evenly spaced groups and gives each one turn per period', () => {
    const clock = new FakeClock({ startMs: 1_000 });
    const { turns, ticker } = record(clock, 4, ['a', 'b', 'c', 'd', 'e', 'f']);
    ticker.start();
    clock.advance(400);
    expect(turns).toEqual([
      ['a', 1_050], ['e', 1_050], ['b', 1_100], ['f', 1_100], ['c', 1_150], ['d', 1_200],
      ['a', 1_250], ['e', 1_250], ['b', 1_300], ['f', 1_300], ['c', 1_350], ['d', 1_400],
    ]);
  });

  it('serves every group that came due when it wakes late, each with the time it was due', () => {
    const onTime = new FakeClock({ startMs: 1_000 });
    const late = new FakeClock({ startMs: 1_000 });
    const expected = record(onTime, 10, ['a', 'b', 'c']);
    const actual = record(lateClock(late, 130), 10, ['a', 'b', 'c']);
    expected.ticker.start();
    actual.ticker.start();
    onTime.advance(2_000);
    late.advance(2_000);
    // The late ticker has served a prefix of the on-time one's turns: none skipped, none twice.
    expect(actual.turns.length).toBeGreaterThan(20);
    expect(actual.turns).toEqual(expected.turns.slice(0, actual.turns.length));
    // And it is behind by no more than its lateness plus one group.
    const lastDue = actual.turns.at(-1)![1];
    expect(late.now() - lastDue).toBeLessThanOrEqual(130 + 20);
  });

  it('stops from inside a turn and leaves no timer behind', () => {
    const clock = new FakeClock({ startMs: 0 });
    const turns: number[] = [];
    const ticker: FrameTicker<string> = new FrameTicker<string>(
      200,
      2,
      (_member, dueMs) => {
        turns.push(dueMs);
        if (turns.length === 3) ticker.stop();
      },
      lateClock(clock, 500),
    );
    ticker.add('a');
    ticker.add('b');
    ticker.start();
    clock.advance(5_000);
    expect(turns).toEqual([100, 200, 300]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses a ticker without whole slots or a positive period', () => {
    const make = (periodMs: number, slots: number) => () => new FrameTicker<string>(periodMs, slots, () => undefined);
    expect(make(200, 0)).toThrow(RangeError);
    expect(make(200, 2.5)).toThrow(RangeError);
    expect(make(0, 10)).toThrow(RangeError);
  });
});
