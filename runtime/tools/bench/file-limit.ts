import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Thousands of simulated sessions need thousands of sockets in this process. Node cannot raise its
 * own open-files limit, so when the soft limit is too low (1024 on many systems) and the hard limit
 * allows more, the benchmark runs itself again through a shell that raises it.
 */

/** Soft and hard `Max open files` from /proc/self/limits text; undefined when absent or unlimited. */
export function parseOpenFilesLimit(text: string): { soft: number; hard: number } | undefined {
  const match = /^Max open files\s+(\d+)\s+(\d+)/m.exec(text);
  return match === null ? undefined : { soft: Number(match[1]), hard: Number(match[2]) };
}

const RELAUNCHED = 'AUDIOHOOK_BENCH_RELAUNCHED';

/**
 * Resolves with an exit code when the benchmark was run again with a raised limit (the caller exits
 * with it), or undefined when this process can go on: the limit suffices, cannot be raised, cannot be
 * read (not Linux), or this already is the relaunched process.
 */
export async function relaunchWithFileLimit(needed: number): Promise<number | undefined> {
  let limit;
  try {
    limit = parseOpenFilesLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
  if (limit === undefined || limit.soft >= needed || limit.hard <= limit.soft || process.env[RELAUNCHED] === '1') return undefined;
  const command = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const child = spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$@"', 'sh', ...command], {
    stdio: 'inherit',
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
