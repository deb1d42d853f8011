import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
export const CLOCK_TICKS_PER_S = 100;

/**
 * utime + stime in ms from a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat line (fields 14 and
 * 15). The command name (field 2) may hold spaces and parentheses, so fields are counted from its
 * closing parenthesis, the line's last.
 */
export function statCpuMs(stat: string, ticksPerS = CLOCK_TICKS_PER_S): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerS;
}

/**
 * CPU used so far by a process and by its main thread (the thread whose id is the pid: Node's event
 * loop), in ms. The rest is its other threads: V8's workers (GC, compilation), libuv's pool. A CPU profile samples
 * the main thread only, so this is where the rest shows.
 */
export function readCpuMs(pid: number): { readonly process: number; readonly mainThread: number } {
  return {
    process: statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    mainThread: statCpuMs(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
  };
}
