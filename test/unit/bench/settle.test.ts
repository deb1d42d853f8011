import { describe, expect, it } from 'vitest';
import { waitUntilQuiet, type Settled } from '../../../runtime/tools/bench/settle.js';
import { FakeClock } from '../../support/fake-clock.js';

/** A target that uses `busyShare` of a core until `busyUntilMs`, then nothing; CPU read in 10 ms steps as /proc gives it. */
function target(clock: FakeClock, busyShare: number, busyUntilMs: number): () => number {
  return () => Math.floor((busyShare * Math.min(clock.now(), busyUntilMs)) / 10) * 10;
}

/** Runs the wait, moving the fake clock one interval at a time until it settles. */
async function settle(clock: FakeClock, cpuMs: () => number, timeoutMs = 30_000): Promise<Settled> {
  let result: Settled | undefined;
  const waiting = waitUntilQuiet({ cpuMs, intervalMs: 500, maxShare: 0.05, timeoutMs, clock }).then((settled) => (result = settled));
  while (result === undefined) {
    await Promise.resolve();
    clock.advance(500);
    await Promise.resolve();
  }
  await waiting;
  return result;
}

describe('waitUntilQuiet', () => {
  it('returns after one look when the target is idle', async () => {
    const clock = new FakeClock({ startMs: 0 });
    expect(await settle(clock, target(clock, 0.9, 0))).toEqual({ quiet: true, waitedMs: 500 });
  });

  it('waits while the target is busy and returns at the end of its first quiet look', async () => {
    const clock = new FakeClock({ startMs: 0 });
    // Busy for 3.2 s: the looks ending at 500…3,500 ms each see work; the one ending at 4,000 ms sees none.
    expect(await settle(clock, target(clock, 0.9, 3_200))).toEqual({ quiet: true, waitedMs: 4_000 });
  });

  it('counts a look with a little work (below the share) as quiet', async () => {
    const clock = new FakeClock({ startMs: 0 });
    // 2 % of a core: 10 ms of CPU in a 500 ms look, under the 25 ms that 5 % allows.
    expect(await settle(clock, target(clock, 0.02, 60_000))).toEqual({ quiet: true, waitedMs: 500 });
  });

  it('gives up at the timeout and says the target was still busy', async () => {
    const clock = new FakeClock({ startMs: 0 });
    expect(await settle(clock, target(clock, 0.5, 60_000), 2_000)).toEqual({ quiet: false, waitedMs: 2_000 });
  });

  it('refuses limits that cannot work', async () => {
    const clock = new FakeClock();
    await expect(waitUntilQuiet({ cpuMs: () => 0, intervalMs: 0, maxShare: 0.05, timeoutMs: 1_000, clock })).rejects.toThrow(RangeError);
    await expect(waitUntilQuiet({ cpuMs: () => 0, intervalMs: 500, maxShare: 0.05, timeoutMs: 100, clock })).rejects.toThrow(RangeError);
  });
});
