import { describe, expect, it } from 'vitest';
import { readCpuMs, statCpuMs } from '../../../runtime/tools/bench/proc-stat.js';

/** A /proc stat line: pid, comm, then fields 3… (utime is field 14, stime field 15). */
const statLine = (comm: string, utime: number, stime: number): string =>
  `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1219 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 123 456 789\n`;

describe('bench /proc CPU readings', () => {
  it('adds user and system time, in ms, at the given clock ticks per second', () => {
    expect(statCpuMs(statLine('node', 250, 50), 100)).toBe(3000);
    expect(statCpuMs(statLine('node', 7, 3), 1000)).toBe(10);
  });

  it('reads the fields after the last parenthesis, so a command name with spaces or parentheses cannot shift them', () => {
    expect(statCpuMs(statLine('V8 Worker (1) x', 11, 9), 100)).toBe(200);
  });

  it.runIf(process.platform === 'linux')("reads a live process and its main thread: the main thread's share of the process's CPU", () => {
    // By now this process's main thread has loaded the test runner: both readings are non-zero.
    const cpu = readCpuMs(process.pid);
    expect(cpu.mainThread).toBeGreaterThan(0);
    expect(cpu.mainThread).toBeLessThanOrEqual(cpu.process);
  });
});
