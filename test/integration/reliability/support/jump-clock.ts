import type { Cancel, Clock } from '../../../../runtime/src/shared/clock.js';

/** A real-time clock whose monotonic time can also jump ahead (wall-clock time stays real). */
export interface JumpClock extends Clock {
  /** Moves `now()` ahead by `ms` and runs every timer that is then due, in deadline order. */
  jump(ms: number): void;
}

interface Entry {
  readonly at: number;
  readonly fn: () => void;
  handle?: NodeJS.Timeout;
}

/**
 * For integration tests that need a long interval (a key refresh every 10 s or more) to pass at once
 * while sockets, sessions and pacing keep running in real time. `epochMs()` is not shifted, so HTTP
 * signatures made with the real time stay valid.
 */
export function createJumpClock(): JumpClock {
  let offsetMs = 0;
  const entries = new Set<Entry>();
  const now = (): number => performance.now() + offsetMs;

  const arm = (entry: Entry): void => {
    entry.handle = setTimeout(() => {
      entries.delete(entry);
      entry.fn();
    }, Math.max(0, entry.at - now()));
  };

  return {
    now,
    epochMs: () => Date.now(),
    setTimer(ms, fn): Cancel {
      const entry: Entry = { at: now() + Math.max(0, ms), fn };
      entries.add(entry);
      arm(entry);
      return () => {
        clearTimeout(entry.handle);
        entries.delete(entry);
      };
    },
    jump(ms) {
      offsetMs += ms;
      const due = [...entries].filter((e) => e.at <= now()).sort((a, b) => a.at - b.at);
      for (const entry of entries) clearTimeout(entry.handle);
      for (const entry of due) entries.delete(entry);
      for (const entry of entries) arm(entry);
      for (const entry of due) entry.fn();
    },
  };
}
