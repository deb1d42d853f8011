import type { Cancel, Clock } from '../../runtime/src/shared/clock.js';

/**
 * A clock that moves only when told. `advance(ms)` runs due timers in deadline order (ties in the
 * order they were set), including timers set by those timers, and leaves `now()` at the target.
 */
export class FakeClock implements Clock {
  private monotonicMs: number;
  private readonly epochOffsetMs: number;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; id: number; fn: () => void }>();

  constructor(options: { startMs?: number; epochMs?: number } = {}) {
    this.monotonicMs = options.startMs ?? 1_000;
    this.epochOffsetMs = (options.epochMs ?? Date.UTC(2026, 10, 21, 12, 0, 0)) - this.monotonicMs;
  }

  now(): number {
    return this.monotonicMs;
  }

  epochMs(): number {
    return this.monotonicMs + this.epochOffsetMs;
  }

  setTimer(ms: number, fn: () => void): Cancel {
    const id = this.nextId++;
    this.timers.set(id, { at: this.monotonicMs + Math.max(0, ms), id, fn });
    return () => {
      this.timers.delete(id);
    };
  }

  /** Number of timers not yet run or cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const target = this.monotonicMs + ms;
    for (;;) {
      const due = [...this.timers.values()]
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers.delete(due.id);
      this.monotonicMs = Math.max(this.monotonicMs, due.at);
      due.fn();
    }
    this.monotonicMs = target;
  }

  /** Runs every timer due now without moving time. */
  flush(): void {
    this.advance(0);
  }
}
