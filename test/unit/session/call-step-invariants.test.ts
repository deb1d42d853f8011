import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callStep, createCallState } from '../../../runtime/src/session/call-step.js';
import type { CallEffect, CallInput, CallMachineOptions, CallState } from '../../../runtime/src/session/call-types.js';

/**
 * Invariants of the call state machine over any sequence of inputs, including ones the shell would
 * never send in that order: the call is handed back at most once, recorded at most once, never runs
 * two turns at a time, never queues beyond its limit, and is inert once ended.
 */

const input: fc.Arbitrary<CallInput> = fc.oneof(
  fc.constantFrom<CallInput>(
    { kind: 'callerInput', input: { type: 'text', text: 'billing' } },
    { kind: 'callerInput', input: { type: 'digits', digits: '1' } },
    { kind: 'callerInput', input: { type: 'noInput' } },
    { kind: 'turnDone' },
    { kind: 'turnFailed', dependency: 'bot', error: new Error('x') },
    { kind: 'turnFailed', dependency: 'synthesizer', error: new Error('x') },
    { kind: 'outputsSet', variables: { intent: 'billing' } },
    { kind: 'botEnded', outputVariables: { intent: 'sales' } },
    { kind: 'playback', playing: true, interruptible: true },
    { kind: 'playback', playing: true, interruptible: false },
    { kind: 'playback', playing: false, interruptible: true },
    { kind: 'speechStarted' },
    { kind: 'speechEnded' },
    { kind: 'callerTranscript' },
    { kind: 'dtmf', digit: '5' },
    { kind: 'maxDurationReached', maxCallDurationMs: 1_000 },
    { kind: 'dependencyFailed', dependency: 'recognizer', error: new Error('x') },
    { kind: 'fallbackDone' },
    { kind: 'paused' },
    { kind: 'resumed' },
    { kind: 'languageChanged', language: 'es-US' },
  ),
  fc.constant<CallInput>({ kind: 'hungUp' }),
);

const options: fc.Arbitrary<CallMachineOptions> = fc.record({
  listenOnly: fc.boolean(),
  maxPendingTurns: fc.integer({ min: 1, max: 4 }),
  synthesisFirstAudioTimeoutMs: fc.constant(2_000),
  fallbackFirstAudioMs: fc.constant(400),
});

function run(opts: CallMachineOptions, inputs: readonly CallInput[]): { states: CallState[]; effects: CallEffect[][] } {
  const opening = createCallState(opts, 'en-US', 0);
  const states = [opening.state];
  const effects: CallEffect[][] = [[...opening.effects]];
  let state = opening.state;
  inputs.forEach((next, i) => {
    const transition = callStep(state, next, i + 1);
    state = transition.state;
    states.push(state);
    effects.push([...transition.effects]);
  });
  return { states, effects };
}

describe('call state machine invariants', () => {
  it('hold for any sequence of inputs', () => {
    fc.assert(
      fc.property(options, fc.array(input, { maxLength: 60 }), (opts, inputs) => {
        const { states, effects } = run(opts, inputs);
        const all = effects.flat();
        expect(all.filter((e) => e.kind === 'disconnect').length).toBeLessThanOrEqual(1);
        expect(all.filter((e) => e.kind === 'record').length).toBeLessThanOrEqual(1);
        expect(all.filter((e) => e.kind === 'summarize').length).toBeLessThanOrEqual(1);

        let running = false;
        effects.forEach((stepEffects, i) => {
          const before = states[i - 1];
          const after = states[i]!;
          // One turn at a time: a new one starts only when none runs, or as the running one is done.
          const starts = stepEffects.filter((e) => e.kind === 'takeTurn').length;
          expect(starts).toBeLessThanOrEqual(1);
          if (i > 0 && starts === 1 && before?.turnRunning === true) expect(inputs[i - 1]?.kind).toBe('turnDone');
          running = after.turnRunning;
          expect(after.queue.length + (running ? 1 : 0)).toBeLessThanOrEqual(Math.max(1, opts.maxPendingTurns));
          if (after.phase === 'listening') expect(after.turnRunning).toBe(false);
          if (['greeting', 'thinking', 'speaking'].includes(after.phase)) expect(after.turnRunning).toBe(true);
          // A listen-only bot never arms the no-input timer; nobody interrupts an ending call.
          if (opts.listenOnly) expect(stepEffects.some((e) => e.kind === 'armNoInput')).toBe(false);
          if (before?.phase === 'ending') expect(stepEffects.some((e) => e.kind === 'bargeIn')).toBe(false);
          // Once ended, nothing changes and nothing happens.
          if (before?.phase === 'ended') {
            expect(after).toBe(before);
            expect(stepEffects).toEqual([]);
          }
        });
        // The disconnect always carries a botOutcome for the Architect flow.
        const disconnect = all.find((e) => e.kind === 'disconnect');
        if (disconnect?.kind === 'disconnect') expect(disconnect.outputVariables.botOutcome).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });
});
