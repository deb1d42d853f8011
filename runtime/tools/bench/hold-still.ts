/**
 * Stops processes (SIGSTOP) until the returned function resumes them (SIGCONT); calling it again
 * does nothing. `bench:compare` holds the target it is not measuring still: both share the server
 * core, and a target that looks idle still has deferred work. With `perf sched` on core 0 during
 * this server's window, the reference process, freshly started, ran its four V8 threads in 4 ms
 * slices and put pings 35–40 ms late; with `--trace-gc` on both, the reference's full collections
 * (two of three its memory reducer's) fell inside this server's round, and this server's late
 * ones inside the reference's.
 *
 * A process that is already gone is skipped; the caller's `finally` must resume what it stopped.
 */
export function holdStill(pids: readonly number[]): () => void {
  const stopped = pids.filter((pid) => signal(pid, 'SIGSTOP'));
  let resumed = false;
  return () => {
    if (resumed) return;
    resumed = true;
    letGo(stopped);
  };
}

/** Resumes processes (SIGCONT), stopped or not; one that is gone is skipped. */
export function letGo(pids: readonly number[]): void {
  for (const pid of pids) signal(pid, 'SIGCONT');
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
