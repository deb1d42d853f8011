import { describe, expect, it } from 'vitest';
import { parseOpenFilesLimit } from '../../../runtime/tools/bench/file-limit.js';
import { foreignLoad, parseProcStat } from '../../../runtime/tools/bench/host-load.js';

const STAT = `cpu  300 0 60 900 5 0 7 2 0 0
cpu0 100 10 20 400 3 1 2 1 0 0
cpu1 200 0 40 500 2 0 5 1 0 0
intr 1 2 3`;

describe('host load from /proc/stat', () => {
  it('counts busy ticks per core (user, nice, system, irq, softirq, steal) in ms', () => {
    expect(parseProcStat(STAT)).toEqual([(100 + 10 + 20 + 1 + 2 + 1) * 10, (200 + 40 + 5 + 1) * 10]);
  });

  it('reports what others used on a core, in cores', () => {
    // 2000 ms busy on core 0 over a 4 s window, 1200 ms of it ours: 0.2 of a core was someone else.
    expect(foreignLoad([1000, 0], [3000, 0], 0, 1200, 4000)).toBe(0.2);
    expect(foreignLoad(undefined, [3000], 0, 0, 4000)).toBeUndefined();
    expect(foreignLoad([0], [10], 1, 0, 4000)).toBeUndefined();
  });
});

describe('open-files limit', () => {
  it('reads soft and hard limits from /proc/self/limits', () => {
    const text = 'Max processes             63448                63448                processes\nMax open files            1024                 524288               files\n';
    expect(parseOpenFilesLimit(text)).toEqual({ soft: 1024, hard: 524288 });
    expect(parseOpenFilesLimit('Max open files            unlimited            unlimited            files')).toBeUndefined();
  });
});
