import { systemClock, type Cancel, type Clock } from '../../src/shared/clock.js';

/**
 * One timer that gives every member a turn once per period: the members are dealt round-robin into
 * `slots` groups, and one group is due every `periodMs / slots`. More slots mean smaller bursts of
 * work in the generator and at the server for the same traffic.
 *
 * Drift-free: each wake-up serves every group that came due since the last one, passing the time it
 * was due, so a late wake-up still serves each member once per period and the caller can tell how
 * late it was.
 */
export class FrameTicker<T> {
  private readonly groups: T[][];
  private readonly turnMs: number;
  private added = 0;
  private turn = 0;
  private nextDueMs = 0;
  private cancel: Cancel | undefined;
  private running = false;

  constructor(
    periodMs: number,
    slots: number,
    private readonly onDue: (member: T, dueMs: number) => void,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(Number.isInteger(slots) && slots >= 1 && periodMs > 0)) throw new RangeError(`bad ticker: ${slots} slots over ${periodMs} ms`);
    this.groups = Array.from({ length: slots }, () => []);
    this.turnMs = periodMs / slots;
  }

  /** Adds a member to the next group in turn; its first turn is that group's next. */
  add(member: T): void {
    this.groups[this.added++ % this.groups.length]!.push(member);
  }

  /** Starts the turns, the first one turn (periodMs / slots) from now. Calling it again restarts them. */
  start(): void {
    this.stop();
    this.running = true;
    this.nextDueMs = this.clock.now() + this.turnMs;
    this.schedule();
  }

  /** Stops the turns, also from inside a member's turn (the wake-up then serves no further group). */
  stop(): void {
    this.running = false;
    this.cancel?.();
    this.cancel = undefined;
  }

  private schedule(): void {
    this.cancel = this.clock.setTimer(this.nextDueMs - this.clock.now(), () => this.wake());
  }

  private wake(): void {
    const now = this.clock.now();
    while (this.running && this.nextDueMs <= now) {
      const group = this.groups[this.turn++ % this.groups.length]!;
      for (const member of group) this.onDue(member, this.nextDueMs);
      this.nextDueMs += this.turnMs;
    }
    if (this.running) this.schedule();
  }
}
