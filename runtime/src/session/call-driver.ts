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
  let state = opening.state;
  const inbox: CallInput[] = [];
  let stepping = false;
  const run = (first: CallTransition): void => {
    stepping = true;
    try {
      for (let transition: CallTransition | undefined = first; transition !== undefined; ) {
        state = transition.state;
        for (const effect of transition.effects) carryOut(effect);
        const next = inbox.shift();
        transition = next === undefined ? undefined : callStep(state, next, clock.now());
      }
    } finally {
      stepping = false;
    }
  };
  return {
    dispatch: (input) => {
      if (stepping) inbox.push(input);
      else run(callStep(state, input, clock.now()));
    },
    begin: () => run(opening),
    get state() {
      return state;
    },
  };
}
