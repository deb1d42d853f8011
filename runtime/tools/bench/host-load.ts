import { readFileSync } from 'node:fs';

/**
 * Busy CPU time per core from /proc/stat, to see what else ran on the cores during a window. The
 * benchmark shares its machine with whatever else runs there; a window where other processes took a
 * real share of the server's core says more about them than about the server.
 */

/** Linux reports /proc/stat in USER_HZ ticks, 100 per second on every mainstream kernel. */
const MS_PER_TICK = 10;

/** Busy milliseconds per core (`cpu0`, `cpu1`, …): user, nice, system, irq, softirq and steal. */
export function parseProcStat(text: string): number[] {
  const busy: number[] = [];
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = match[2]!.trim().split(/\s+/).map(Number);
    busy[Number(match[1])] = (user + nice + system + irq + softirq + steal) * MS_PER_TICK;
  }
  return busy;
}

/** Busy ms per core now; undefined where /proc/stat does not exist. */
export function readCoreBusyMs(): number[] | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Cores' worth of CPU that something other than `ownMs` used on `core` between two readings over
 * `windowMs`; undefined without readings. Can be slightly negative: ticks are 10 ms coarse.
 */
export function foreignLoad(before: number[] | undefined, after: number[] | undefined, core: number, ownMs: number, windowMs: number): number | undefined {
  const start = before?.[core];
  const end = after?.[core];
  if (start === undefined || end === undefined || windowMs <= 0) return undefined;
  return Number(((end - start - ownMs) / windowMs).toFixed(3));
}
