import type { Clock } from '../shared/clock.js';
import { callStep } from './call-step.js';
import type { CallEffect, CallInput, CallState, CallTransition } from './call-types.js';

/**
 * Runs the call state machine: holds its state, feeds it inputs one at a time (an input reported
 * while effects run, such as a stopped playback, waits its turn) and hands each effect to `carryOut`.
 */
export interface CallDriver {
  readonly dispatch: (input: CallInput) => void;
  /** Carries out the opening effects (the `start` turn); call once, when every part is wired. */
  readonly begin: () => void;
  readonly state: CallState;
}

export function startCallDriver(opening: CallTransition, clock: Clock, carryOut: (effect: CallEffect) => void): CallDriver {
  return new SteppingCallDriver(opening, clock, carryOut);
}

/** A class: one per call, and an object literal with a getter would be a dictionary-mode object. */
class SteppingCallDriver implements CallDriver {
  private current: CallState;
  private readonly inbox: CallInput[] = [];
  private stepping = false;

  constructor(
    private readonly opening: CallTransition,
    private readonly clock: Clock,
    private readonly carryOut: (effect: CallEffect) => void,
  ) {
    this.current = opening.state;
  }

  get state(): CallState {
    return this.current;
  }

  // Arrow properties: the call's parts are handed `dispatch` and `begin` as plain functions.
  readonly dispatch = (input: CallInput): void => {
    if (this.stepping) this.inbox.push(input);
    else this.run(callStep(this.current, input, this.clock.now()));
  };

  readonly begin = (): void => this.run(this.opening);

  private run(first: CallTransition): void {
    this.stepping = true;
    try {
      for (let transition: CallTransition | undefined = first; transition !== undefined; ) {
        this.current = transition.state;
        for (const effect of transition.effects) this.carryOut(effect);
        const next = this.inbox.shift();
        transition = next === undefined ? undefined : callStep(this.current, next, this.clock.now());
      }
    } finally {
      this.stepping = false;
    }
  }
}
