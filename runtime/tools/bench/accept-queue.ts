import { execFile } from 'node:child_process';

/**
 * Connections waiting to be accepted, from `ss -ltnH` output: a listening socket's Recv-Q is its
 * accept queue. The largest over the rows (a port can listen on IPv4 and IPv6), or NaN without one.
 */
export function listenQueueFromSs(output: string): number {
  let deepest = Number.NaN;
  for (const line of output.split('\n')) {
    const [state, recvQ] = line.trim().split(/\s+/);
    if (state !== 'LISTEN' || recvQ === undefined || !/^\d+$/.test(recvQ)) continue;
    deepest = Number.isNaN(deepest) ? Number(recvQ) : Math.max(deepest, Number(recvQ));
  }
  return deepest;
}

/** A running {@link watchAcceptQueue}. */
export interface AcceptQueueWatch {
  /** Stops sampling and, after the look under way, returns the most connections seen waiting; NaN if no look succeeded (no `ss`). */
  stop(): Promise<number>;
}

/**
 * Looks at the accept queue of the socket listening on `port` every `intervalMs`, one look at a
 * time, and keeps the deepest seen. Each look is `ss` in a child process at the lowest CPU priority,
 * so the generator's event loop never waits for it. Not /proc/net/tcp read in this process: that file
 * lists every socket on the machine (8,000 at 4,000 sessions, 1.2 MB), and reading it every 100 ms
 * of a ramp took a third of the generator's busy CPU over a run, in 14–38 ms blocks that delayed
 * the `opened` and pongs it was timing.
 */
export function watchAcceptQueue(port: number, intervalMs: number): AcceptQueueWatch {
  let deepest = Number.NaN;
  let looking: Promise<void> | undefined;
  const look = (): void => {
    looking ??= new Promise<void>((resolve) => {
      execFile('nice', ['-n', '19', 'ss', '-ltnH', `sport = :${port}`], { timeout: 5_000 }, (error, stdout) => {
        looking = undefined;
        const queued = error === null ? listenQueueFromSs(stdout) : Number.NaN;
        if (!Number.isNaN(queued)) deepest = Number.isNaN(deepest) ? queued : Math.max(deepest, queued);
        resolve();
      });
    });
  };
  look();
  const timer = setInterval(look, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await looking;
      return deepest;
    },
  };
}
