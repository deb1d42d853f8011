import { describe, expect, it } from 'vitest';
import { ACCEPTED_INPUTS, callStep, createCallState, hearsCaller, isEnding } from '../../../runtime/src/session/call-step.js';
import type {
  CallEffect,
  CallInput,
  CallInputKind,
  CallMachineOptions,
  CallPhase,
  CallState,
  CallTransition,
} from '../../../runtime/src/session/call-types.js';
import { FakeClock } from '../../support/fake-clock.js';

const OPTIONS: CallMachineOptions = { listenOnly: false, maxPendingTurns: 3, synthesisFirstAudioTimeoutMs: 2_000, fallbackFirstAudioMs: 400 };
const clock = new FakeClock();

/** One input of every kind (the Record makes the compiler insist on each). */
const SAMPLE_INPUTS: Readonly<Record<CallInputKind, CallInput>> = {
  callerInput: { kind: 'callerInput', input: { type: 'text', text: 'billing please' } },
  turnDone: { kind: 'turnDone' },
  turnFailed: { kind: 'turnFailed', dependency: 'bot', error: new Error('webhook down') },
  outputsSet: { kind: 'outputsSet', variables: { intent: 'billing' } },
  botEnded: { kind: 'botEnded', outputVariables: { intent: 'billing' } },
  playback: { kind: 'playback', playing: true, interruptible: true },
  speechStarted: { kind: 'speechStarted' },
  speechEnded: { kind: 'speechEnded' },
  callerTranscript: { kind: 'callerTranscript' },
  dtmf: { kind: 'dtmf', digit: '1' },
  maxDurationReached: { kind: 'maxDurationReached', maxCallDurationMs: 600_000 },
  dependencyFailed: { kind: 'dependencyFailed', dependency: 'recognizer', error: new Error('stream broke') },
  fallbackDone: { kind: 'fallbackDone' },
  paused: { kind: 'paused' },
  resumed: { kind: 'resumed' },
  languageChanged: { kind: 'languageChanged', language: 'es-US' },
  recognized: {
    kind: 'recognized',
    result: {
      channelId: 0,
      streamGeneration: 1,
      event: { kind: 'final', resultId: 'r', text: 'hello', stableText: 'hello', startMs: 0, endMs: 400, languageCode: 'en-US' },
      toTimeline: (ms) => ms,
    },
  },
  hungUp: { kind: 'hungUp' },
};
const INPUT_KINDS = Object.keys(SAMPLE_INPUTS) as CallInputKind[];
const PHASES: readonly CallPhase[] = ['greeting', 'listening', 'thinking', 'speaking', 'ending', 'disconnecting', 'ended'];

/** A typical state in each phase: a turn runs except when listening; the prompt plays while speaking. */
function stateIn(phase: CallPhase, overrides: Partial<CallState> = {}): CallState {
  const base = createCallState(OPTIONS, 'en-US', clock.now()).state;
  const typical: Record<CallPhase, Partial<CallState>> = {
    greeting: {},
    listening: { turnRunning: false },
    thinking: {},
    speaking: { prompt: { playing: true, interruptible: true } },
    ending: { endingAfter: 'turn' },
    disconnecting: { turnRunning: false },
    ended: { turnRunning: false },
  };
  return { ...base, phase, ...typical[phase], ...overrides };
}

const kinds = (effects: readonly CallEffect[]): string[] => effects.map((e) => e.kind);
const step = (state: CallState, input: CallInput): CallTransition => callStep(state, input, clock.now());

type Cell = 'ignored' | readonly [CallPhase, readonly CallEffect['kind'][]];
const FINISH = ['stopListening', 'record', 'disconnect'] as const;
const FAIL = ['degraded', 'cancelNoInput', 'silence', 'playFallback'] as const;
const HANG_UP = ['abortAll', 'stopListening', 'record', 'summarize'] as const;

/** Every phase × input from the typical state of the phase: the next phase and the effects, or ignored. */
const EXPECTED: Record<CallPhase, Record<CallInputKind, Cell>> = {
  greeting: {
    callerInput: ['greeting', []],
    turnDone: ['listening', ['armNoInput']],
    turnFailed: ['ending', FAIL],
    outputsSet: ['greeting', []],
    botEnded: ['ending', ['cancelNoInput']],
    playback: ['greeting', []],
    speechStarted: ['greeting', ['cancelNoInput']],
    speechEnded: ['greeting', []],
    callerTranscript: ['greeting', []],
    dtmf: ['greeting', ['cancelNoInput', 'collectDigit']],
    maxDurationReached: ['disconnecting', ['maxDurationReached', 'silence', ...FINISH]],
    dependencyFailed: ['ending', FAIL],
    fallbackDone: 'ignored',
    paused: ['greeting', ['pauseRecognition']],
    resumed: ['greeting', ['resumeRecognition']],
    languageChanged: ['greeting', ['restartRecognition']],
    recognized: ['greeting', ['sendTranscript']],
    hungUp: ['ended', HANG_UP],
  },
  listening: {
    callerInput: ['thinking', ['cancelNoInput', 'takeTurn']],
    turnDone: 'ignored',
    turnFailed: 'ignored',
    outputsSet: 'ignored',
    botEnded: 'ignored',
    playback: ['listening', []],
    speechStarted: ['listening', ['cancelNoInput']],
    speechEnded: ['listening', ['armNoInput']],
    callerTranscript: ['listening', []],
    dtmf: ['listening', ['cancelNoInput', 'collectDigit']],
    maxDurationReached: ['disconnecting', ['maxDurationReached', 'silence', ...FINISH]],
    dependencyFailed: ['ending', FAIL],
    fallbackDone: 'ignored',
    paused: ['listening', ['pauseRecognition']],
    resumed: ['listening', ['resumeRecognition']],
    languageChanged: ['listening', ['restartRecognition']],
    recognized: ['listening', ['sendTranscript']],
    hungUp: ['ended', HANG_UP],
  },
  thinking: {
    callerInput: ['thinking', []],
    turnDone: ['listening', ['armNoInput']],
    turnFailed: ['ending', FAIL],
    outputsSet: ['thinking', []],
    botEnded: ['ending', ['cancelNoInput']],
    playback: ['speaking', []],
    speechStarted: ['thinking', ['cancelNoInput']],
    speechEnded: ['thinking', []],
    callerTranscript: ['thinking', []],
    dtmf: ['thinking', ['cancelNoInput', 'collectDigit']],
    maxDurationReached: ['disconnecting', ['maxDurationReached', 'silence', ...FINISH]],
    dependencyFailed: ['ending', FAIL],
    fallbackDone: 'ignored',
    paused: ['thinking', ['pauseRecognition']],
    resumed: ['thinking', ['resumeRecognition']],
    languageChanged: ['thinking', ['restartRecognition']],
    recognized: ['thinking', ['sendTranscript']],
    hungUp: ['ended', HANG_UP],
  },
  speaking: {
    callerInput: ['speaking', []],
    turnDone: ['listening', ['armNoInput']],
    turnFailed: ['ending', FAIL],
    outputsSet: ['speaking', []],
    botEnded: ['ending', ['cancelNoInput']],
    playback: ['speaking', []],
    speechStarted: ['thinking', ['cancelNoInput', 'bargeIn']],
    speechEnded: ['speaking', []],
    callerTranscript: ['thinking', ['bargeIn']],
    dtmf: ['thinking', ['cancelNoInput', 'bargeIn', 'collectDigit']],
    maxDurationReached: ['disconnecting', ['maxDurationReached', 'silence', ...FINISH]],
    dependencyFailed: ['ending', FAIL],
    fallbackDone: 'ignored',
    paused: ['speaking', ['pauseRecognition']],
    resumed: ['speaking', ['resumeRecognition']],
    languageChanged: ['speaking', ['restartRecognition']],
    recognized: ['speaking', ['sendTranscript']],
    hungUp: ['ended', HANG_UP],
  },
  ending: {
    callerInput: 'ignored',
    turnDone: ['disconnecting', FINISH],
    turnFailed: ['disconnecting', FINISH],
    outputsSet: ['ending', []],
    botEnded: ['ending', ['cancelNoInput']],
    playback: ['ending', []],
    speechStarted: ['ending', []],
    speechEnded: ['ending', []],
    callerTranscript: 'ignored',
    dtmf: 'ignored',
    maxDurationReached: 'ignored',
    dependencyFailed: 'ignored',
    fallbackDone: ['ending', []],
    paused: ['ending', ['pauseRecognition']],
    resumed: ['ending', ['resumeRecognition']],
    languageChanged: ['ending', ['restartRecognition']],
    recognized: ['ending', ['sendTranscript']],
    hungUp: ['ended', HANG_UP],
  },
  disconnecting: {
    ...(Object.fromEntries(INPUT_KINDS.map((kind) => [kind, 'ignored'])) as Record<CallInputKind, Cell>),
    recognized: ['disconnecting', ['sendTranscript']],
    hungUp: ['ended', ['abortAll', 'stopListening', 'summarize']],
  },
  ended: Object.fromEntries(INPUT_KINDS.map((kind) => [kind, 'ignored'])) as Record<CallInputKind, Cell>,
};

describe('call state machine: every phase × every input', () => {
  for (const phase of PHASES) {
    for (const kind of INPUT_KINDS) {
      const cell = EXPECTED[phase][kind];
      if (cell === 'ignored') {
        it(`${phase} ignores ${kind}: same state, no effects`, () => {
          const state = stateIn(phase);
          const next = step(state, SAMPLE_INPUTS[kind]);
          expect(next.state).toBe(state);
          expect(next.effects).toEqual([]);
          expect(ACCEPTED_INPUTS[phase].has(kind)).toBe(false);
        });
      } else {
        it(`${phase} on ${kind} → ${cell[0]} [${cell[1].join(', ')}]`, () => {
          const next = step(stateIn(phase), SAMPLE_INPUTS[kind]);
          expect(next.state.phase).toBe(cell[0]);
          expect(kinds(next.effects)).toEqual(cell[1]);
          expect(ACCEPTED_INPUTS[phase].has(kind)).toBe(true);
        });
      }
    }
  }
});

describe('call state machine: turns', () => {
  it('opens greeting with the start turn running, received now', () => {
    const opening = createCallState(OPTIONS, 'en-US', clock.now());
    expect(opening.state.phase).toBe('greeting');
    expect(opening.effects).toEqual([{ kind: 'takeTurn', input: { type: 'start' }, receivedAt: clock.now() }]);
    expect(opening.state.counts.turnsTaken).toBe(1);
  });

  it('queues input while a turn runs and takes it, in order, when the turn is done (receivedAt kept)', () => {
    const fake = new FakeClock();
    let state = stateIn('thinking');
    state = callStep(state, { kind: 'callerInput', input: { type: 'digits', digits: '1' } }, fake.now()).state;
    const firstAt = fake.now();
    fake.advance(500);
    state = callStep(state, { kind: 'callerInput', input: { type: 'digits', digits: '2' } }, fake.now()).state;
    expect(state.queue.map((q) => q.input)).toEqual([{ type: 'digits', digits: '1' }, { type: 'digits', digits: '2' }]);

    fake.advance(1_000);
    const done = callStep(state, { kind: 'turnDone' }, fake.now());
    expect(done.state.phase).toBe('thinking');
    expect(done.effects).toEqual([{ kind: 'cancelNoInput' }, { kind: 'takeTurn', input: { type: 'digits', digits: '1' }, receivedAt: firstAt }]);
    expect(done.state.queue).toHaveLength(1);
    expect(done.state.counts.turnsTaken).toBe(2);
  });

  it('drops input beyond maxPendingTurns (running turn included), reporting only the first drop', () => {
    let state = stateIn('thinking');
    for (let i = 0; i < OPTIONS.maxPendingTurns - 1; i++) state = step(state, SAMPLE_INPUTS.callerInput).state;
    const first = step(state, SAMPLE_INPUTS.callerInput);
    expect(first.effects).toEqual([{ kind: 'inputDropped', input: 'text', pending: OPTIONS.maxPendingTurns }]);
    const second = step(first.state, SAMPLE_INPUTS.callerInput);
    expect(second.effects).toEqual([]);
    expect(second.state.counts.droppedInputs).toBe(2);
    expect(second.state.queue).toHaveLength(OPTIONS.maxPendingTurns - 1);
  });

  it('does not arm no-input after a turn while the caller is talking (they barged in), nor for a listen-only bot', () => {
    expect(kinds(step(stateIn('speaking', { callerSpeaking: true }), SAMPLE_INPUTS.turnDone).effects)).toEqual([]);
    const listenOnly = { ...OPTIONS, listenOnly: true };
    expect(kinds(step(stateIn('thinking', { options: listenOnly }), SAMPLE_INPUTS.turnDone).effects)).toEqual([]);
    expect(kinds(step(stateIn('listening', { options: listenOnly }), SAMPLE_INPUTS.speechEnded).effects)).toEqual([]);
  });

  it('does not arm no-input on speech end while a prompt still plays', () => {
    const state = stateIn('listening', { prompt: { playing: true, interruptible: true } });
    expect(step(state, SAMPLE_INPUTS.speechEnded).effects).toEqual([]);
  });

  it('tracks the prompt: speaking while it plays, thinking again when it stops mid-turn', () => {
    const speaking = step(stateIn('thinking'), { kind: 'playback', playing: true, interruptible: false }).state;
    expect(speaking.phase).toBe('speaking');
    expect(speaking.prompt).toEqual({ playing: true, interruptible: false });
    expect(step(speaking, { kind: 'playback', playing: false, interruptible: false }).state.phase).toBe('thinking');
  });
});

describe('call state machine: barge-in', () => {
  it('barges in once: counted, the prompt no longer playing', () => {
    const first = step(stateIn('speaking'), SAMPLE_INPUTS.speechStarted);
    expect(first.effects).toContainEqual({ kind: 'bargeIn', cause: 'speech' });
    expect(first.state.counts.bargeIns).toBe(1);
    expect(first.state.prompt.playing).toBe(false);
    expect(kinds(step(first.state, SAMPLE_INPUTS.callerTranscript).effects)).toEqual([]);
  });

  it('lets the caller interrupt the greeting, and names the cause', () => {
    const greeting = stateIn('greeting', { prompt: { playing: true, interruptible: true } });
    const next = step(greeting, SAMPLE_INPUTS.dtmf);
    expect(next.effects).toEqual([{ kind: 'cancelNoInput' }, { kind: 'bargeIn', cause: 'dtmf' }, { kind: 'collectDigit', digit: '1' }]);
    expect(next.state.phase).toBe('greeting');
    expect(next.state.counts.digits).toBe(1);
  });

  it('never interrupts a prompt marked not interruptible', () => {
    const state = stateIn('speaking', { prompt: { playing: true, interruptible: false } });
    for (const input of [SAMPLE_INPUTS.speechStarted, SAMPLE_INPUTS.callerTranscript, SAMPLE_INPUTS.dtmf]) {
      expect(kinds(step(state, input).effects)).not.toContain('bargeIn');
    }
  });

  it('never interrupts the last prompt of an ending call', () => {
    const state = stateIn('ending', { prompt: { playing: true, interruptible: true } });
    for (const input of [SAMPLE_INPUTS.speechStarted, SAMPLE_INPUTS.callerTranscript, SAMPLE_INPUTS.dtmf]) {
      expect(step(state, input).effects).toEqual([]);
    }
  });
});

describe('call state machine: ending', () => {
  it('hands back after the turn that ended the conversation, with botOutcome=completed and the bot outputs', () => {
    let state = step(stateIn('speaking'), SAMPLE_INPUTS.botEnded).state;
    expect(isEnding(state)).toBe(true);
    expect(hearsCaller(state)).toBe(false);
    const done = step(state, SAMPLE_INPUTS.turnDone);
    state = done.state;
    const outputs = { botOutcome: 'completed', intent: 'billing' };
    expect(done.effects).toEqual([
      { kind: 'stopListening' },
      { kind: 'record', outcome: 'completed', outputVariables: outputs, turnCount: 1 },
      { kind: 'disconnect', outputVariables: outputs },
    ]);
    expect(state.phase).toBe('disconnecting');
  });

  it('drops queued input once the bot ended the conversation', () => {
    const queued = step(stateIn('speaking'), SAMPLE_INPUTS.callerInput).state;
    expect(step(queued, SAMPLE_INPUTS.botEnded).state.queue).toEqual([]);
  });

  it('on a failed dependency plays the fallback (cached-only budget after synthesis failed), then hands back with the error outcome', () => {
    const failed = step(stateIn('thinking'), { kind: 'turnFailed', dependency: 'synthesizer', error: new Error('throttled') });
    expect(failed.effects).toContainEqual({ kind: 'playFallback', firstAudioWithinMs: OPTIONS.fallbackFirstAudioMs });
    const recognizer = step(stateIn('listening'), SAMPLE_INPUTS.dependencyFailed);
    expect(recognizer.effects).toContainEqual({ kind: 'playFallback', firstAudioWithinMs: OPTIONS.synthesisFirstAudioTimeoutMs });

    // A turn still running (the recognizer failed meanwhile) does not cut the fallback short.
    const turnDone = step(recognizer.state, SAMPLE_INPUTS.turnDone);
    expect(turnDone.state.phase).toBe('ending');
    expect(turnDone.effects).toEqual([]);
    // Nor can the bot overwrite the fallback outcome.
    const overwritten = step(step(turnDone.state, SAMPLE_INPUTS.botEnded).state, { kind: 'outputsSet', variables: { botOutcome: 'x' } });
    expect(overwritten.state.outputVariables.botOutcome).toBe('fallback');

    const done = step(overwritten.state, SAMPLE_INPUTS.fallbackDone);
    const outputs = { botOutcome: 'fallback', fallbackReason: 'error', failedDependency: 'recognizer' };
    expect(done.effects).toEqual([
      { kind: 'stopListening' },
      { kind: 'record', outcome: 'error', outputVariables: outputs, turnCount: 1 },
      { kind: 'disconnect', outputVariables: outputs },
    ]);
  });

  it('ends at the maximum duration with fallbackReason=maxCallDuration, keeping outputs set so far', () => {
    const withIntent = step(stateIn('thinking'), SAMPLE_INPUTS.outputsSet).state;
    const next = step(withIntent, SAMPLE_INPUTS.maxDurationReached);
    expect(next.effects.at(-1)).toEqual({
      kind: 'disconnect',
      outputVariables: { botOutcome: 'fallback', fallbackReason: 'maxCallDuration', intent: 'billing' },
    });
    expect(next.effects).toContainEqual(expect.objectContaining({ kind: 'record', outcome: 'completed' }));
  });

  it('records callerHungUp with the outputs so far when the caller hangs up first; nothing more after our disconnect', () => {
    const hungUp = step(step(stateIn('thinking'), SAMPLE_INPUTS.outputsSet).state, SAMPLE_INPUTS.hungUp);
    expect(hungUp.effects).toContainEqual({ kind: 'record', outcome: 'callerHungUp', outputVariables: { intent: 'billing' }, turnCount: 1 });
    expect(hungUp.state.queue).toEqual([]);
    const afterDisconnect = step(stateIn('disconnecting'), SAMPLE_INPUTS.hungUp);
    expect(kinds(afterDisconnect.effects)).not.toContain('record');
  });
});

describe('call state machine: stream events', () => {
  it('switches language for later streams and prompts', () => {
    expect(step(stateIn('listening'), SAMPLE_INPUTS.languageChanged).state.language).toBe('es-US');
  });

  it('forgets that the caller was speaking on resume (voice detection starts afresh)', () => {
    const next = step(stateIn('listening', { callerSpeaking: true }), SAMPLE_INPUTS.resumed);
    expect(next.state.callerSpeaking).toBe(false);
  });
});
