import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { holdStill, letGo } from '../../../runtime/tools/bench/hold-still.js';

/** The process state letter of /proc/<pid>/stat: T = stopped by a signal. */
function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0]!;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const children: ChildProcess[] = [];
function idleChild(): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

afterEach(() => {
  for (const child of children.splice(0)) {
    letGo([child.pid!]);
    child.kill('SIGKILL');
  }
});

describe.skipIf(process.platform !== 'linux')('holdStill', () => {
  it('stops the processes until resumed, and resumes them once', async () => {
    const [a, b] = [idleChild(), idleChild()];
    const resume = holdStill([a, b]);
    await until(() => state(a) === 'T' && state(b) === 'T');
    expect([state(a), state(b)]).toEqual(['T', 'T']);
    resume();
    await until(() => state(a) !== 'T' && state(b) !== 'T');
    expect([state(a), state(b)]).not.toContain('T');
    const again = holdStill([a]);
    resume(); // the first hold's resume does not let the second hold's process go
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state(a)).toBe('T');
    again();
  });

  it('skips a process that is gone', () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const gone = child.pid!;
    return new Promise<void>((resolve) => {
      child.on('exit', () => {
        expect(() => holdStill([gone])()).not.toThrow();
        resolve();
      });
    });
  });
});
