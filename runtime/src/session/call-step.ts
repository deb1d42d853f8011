import { AppError } from '../shared/errors.js';
import { fallbackReasonFor } from '../bot/bot-outcome.js';
import type { BotInput } from '../bot/ports.js';
import { assertNever } from '../shared/assert-never.js';
import type {
  BargeInCause,
  CallDependency,
  CallEffect,
  CallInput,
  CallInputKind,
  CallMachineOptions,
  CallPhase,
  CallState,
  CallTransition,
} from './call-types.js';

/**
 * A voice call's lifecycle as a pure function, as protocol/state-machine.ts is for the protocol:
 * `callStep(state, input, nowMs)` returns the next state and the effects for the shell
 * (voice-call.ts) to carry out. Turn-taking, barge-in, no-input, the fallback and the ways a call
 * ends are decided here and nowhere else, so each is tested without audio, timers or a bot.
 */

type Draft = { -readonly [K in keyof CallState]: CallState[K] };

const TURN_INPUTS: readonly CallInputKind[] = ['turnDone', 'turnFailed', 'outputsSet', 'botEnded'];
const CALLER_INPUTS: readonly CallInputKind[] = ['callerInput', 'speechStarted', 'speechEnded', 'callerTranscript', 'dtmf'];
const STREAM_INPUTS: readonly CallInputKind[] = ['paused', 'resumed', 'languageChanged', 'recognized'];
const LIVE_INPUTS: readonly CallInputKind[] = [
  ...CALLER_INPUTS, ...STREAM_INPUTS, 'playback', 'maxDurationReached', 'dependencyFailed', 'hungUp',
];

/**
 * Which inputs each phase acts on; any other input is ignored there (no state change, no effect).
 * No bot turn runs while `listening`, so turn reports cannot come; once `ending`, the caller is no
 * longer heard and limits no longer apply; after the disconnect only the hang-up matters.
 */
export const ACCEPTED_INPUTS: Readonly<Record<CallPhase, ReadonlySet<CallInputKind>>> = {
  greeting: new Set([...LIVE_INPUTS, ...TURN_INPUTS]),
  listening: new Set(LIVE_INPUTS),
  thinking: new Set([...LIVE_INPUTS, ...TURN_INPUTS]),
  speaking: new Set([...LIVE_INPUTS, ...TURN_INPUTS]),
  ending: new Set([...TURN_INPUTS, ...STREAM_INPUTS, 'playback', 'speechStarted', 'speechEnded', 'fallbackDone', 'hungUp']),
  // A transcript may still go out after our disconnect: the close transaction carries events.
  disconnecting: new Set(['recognized', 'hungUp']),
  ended: new Set([]),
};

/** The phases in which the caller may interrupt a playing, interruptible prompt. */
const BARGE_IN_PHASES: ReadonlySet<CallPhase> = new Set(['greeting', 'speaking']);

/** The call as it opens: greeting, with the bot's `start` turn running. */
export function createCallState(options: CallMachineOptions, language: string, nowMs: number): CallTransition {
  const state: CallState = {
    phase: 'greeting',
    options,
    turnRunning: true,
    queue: [],
    endingAfter: undefined,
    prompt: { playing: false, interruptible: true },
    callerSpeaking: false,
    language,
    outputVariables: {},
    counts: { turnsTaken: 1, bargeIns: 0, digits: 0, droppedInputs: 0 },
  };
  return { state, effects: [{ kind: 'takeTurn', input: { type: 'start' }, receivedAt: nowMs }] };
}

export function callStep(state: CallState, input: CallInput, nowMs: number): CallTransition {
  if (!ACCEPTED_INPUTS[state.phase].has(input.kind)) return { state, effects: [] };
  const s: Draft = { ...state };
  const fx: CallEffect[] = [];
  switch (input.kind) {
    case 'callerInput':
      onCallerInput(s, fx, input.input, nowMs);
      break;
    case 'turnDone':
      s.turnRunning = false;
      if (s.phase === 'ending') {
        if (s.endingAfter === 'turn') finish(s, fx);
      } else {
        nextTurnOrListen(s, fx);
      }
      break;
    case 'turnFailed':
      s.turnRunning = false;
      // A turn that fails after the bot ended the conversation hands back what the bot decided.
      if (s.phase === 'ending') {
        if (s.endingAfter === 'turn') finish(s, fx);
      } else {
        fail(s, fx, input.dependency, input.error);
      }
      break;
    case 'outputsSet':
      if (s.endingAfter !== 'fallback') s.outputVariables = { ...s.outputVariables, ...input.variables };
      break;
    case 'botEnded':
      if (s.endingAfter === 'fallback') break;
      s.outputVariables = { ...s.outputVariables, ...input.outputVariables };
      s.phase = 'ending';
      s.endingAfter = 'turn';
      s.queue = [];
      fx.push({ kind: 'cancelNoInput' });
      break;
    case 'playback':
      s.prompt = { playing: input.playing, interruptible: input.interruptible };
      if (input.playing && s.phase === 'thinking') s.phase = 'speaking';
      if (!input.playing && s.phase === 'speaking') s.phase = 'thinking';
      break;
    case 'speechStarted':
      s.callerSpeaking = true;
      if (s.phase === 'ending') break;
      fx.push({ kind: 'cancelNoInput' });
      bargeInIfAllowed(s, fx, 'speech');
      break;
    case 'speechEnded':
      s.callerSpeaking = false;
      // Speech that made no turn (noise, or no recognizer) leaves the bot waiting: restart the clock.
      if (s.phase === 'listening' && !s.prompt.playing && !s.options.listenOnly) fx.push({ kind: 'armNoInput' });
      break;
    case 'callerTranscript':
      bargeInIfAllowed(s, fx, 'transcript');
      break;
    case 'dtmf':
      s.counts = { ...s.counts, digits: s.counts.digits + 1 };
      fx.push({ kind: 'cancelNoInput' });
      bargeInIfAllowed(s, fx, 'dtmf');
      fx.push({ kind: 'collectDigit', digit: input.digit });
      break;
    case 'maxDurationReached':
      fx.push({ kind: 'maxDurationReached', maxCallDurationMs: input.maxCallDurationMs }, { kind: 'silence' });
      s.outputVariables = { ...s.outputVariables, botOutcome: 'fallback', fallbackReason: 'maxCallDuration' };
      finish(s, fx);
      break;
    case 'dependencyFailed':
      fail(s, fx, input.dependency, input.error);
      break;
    case 'fallbackDone':
      if (s.endingAfter === 'fallback') finish(s, fx);
      break;
    case 'paused':
      fx.push({ kind: 'pauseRecognition' });
      break;
    case 'resumed':
      // The voice activity detector starts afresh, so the caller is not speaking as far as it knows.
      s.callerSpeaking = false;
      fx.push({ kind: 'resumeRecognition' });
      break;
    case 'languageChanged':
      s.language = input.language;
      fx.push({ kind: 'restartRecognition' });
      break;
    case 'recognized':
      fx.push({ kind: 'sendTranscript', result: input.result });
      break;
    case 'hungUp':
      fx.push({ kind: 'abortAll' }, { kind: 'stopListening' });
      // After our own disconnect the outcome is already recorded.
      if (s.phase !== 'disconnecting') {
        fx.push({ kind: 'record', outcome: 'callerHungUp', outputVariables: s.outputVariables, turnCount: s.counts.turnsTaken });
      }
      fx.push({ kind: 'summarize' });
      s.phase = 'ended';
      s.queue = [];
      break;
    default:
      assertNever(input);
  }
  return { state: s, effects: fx };
}

function onCallerInput(s: Draft, fx: CallEffect[], input: BotInput, nowMs: number): void {
  const pending = s.queue.length + (s.turnRunning ? 1 : 0);
  if (pending >= s.options.maxPendingTurns) {
    s.counts = { ...s.counts, droppedInputs: s.counts.droppedInputs + 1 };
    if (s.counts.droppedInputs === 1) fx.push({ kind: 'inputDropped', input: input.type, pending });
    return;
  }
  const queued = { input, receivedAt: nowMs };
  if (s.turnRunning) s.queue = [...s.queue, queued];
  else beginTurn(s, fx, queued);
}

function beginTurn(s: Draft, fx: CallEffect[], queued: { readonly input: BotInput; readonly receivedAt: number }): void {
  s.turnRunning = true;
  s.counts = { ...s.counts, turnsTaken: s.counts.turnsTaken + 1 };
  if (s.phase !== 'greeting') s.phase = 'thinking';
  fx.push({ kind: 'cancelNoInput' }, { kind: 'takeTurn', input: queued.input, receivedAt: queued.receivedAt });
}

/** After a turn: the next queued input, or the caller's turn (with the no-input clock unless they are talking). */
function nextTurnOrListen(s: Draft, fx: CallEffect[]): void {
  s.phase = 'listening';
  const [next, ...rest] = s.queue;
  if (next !== undefined) {
    s.queue = rest;
    return beginTurn(s, fx, next);
  }
  // A caller who barged in is still talking: their turn, not silence, comes next.
  if (!s.options.listenOnly && !s.callerSpeaking) fx.push({ kind: 'armNoInput' });
}

function bargeInIfAllowed(s: Draft, fx: CallEffect[], cause: BargeInCause): void {
  if (!BARGE_IN_PHASES.has(s.phase) || !s.prompt.playing || !s.prompt.interruptible) return;
  s.counts = { ...s.counts, bargeIns: s.counts.bargeIns + 1 };
  s.prompt = { ...s.prompt, playing: false };
  if (s.phase === 'speaking') s.phase = 'thinking';
  fx.push({ kind: 'bargeIn', cause });
}

/** A dependency failed: the fallback prompt (if speech still works), then back to Architect. */
function fail(s: Draft, fx: CallEffect[], dependency: CallDependency, error: unknown): void {
  s.phase = 'ending';
  s.endingAfter = 'fallback';
  s.queue = [];
  // A bot's own dependency (e.g. `bedrock` behind an llm bot) is named when the bot's error says which.
  const failedDependency = error instanceof AppError && error.dependency !== undefined ? error.dependency : dependency;
  s.outputVariables = { ...s.outputVariables, botOutcome: 'fallback', fallbackReason: fallbackReasonFor(error), failedDependency };
  // After a synthesis failure only a cached fallback prompt can start in time; others get the usual budget.
  const firstAudioWithinMs =
    dependency === 'synthesizer' ? s.options.fallbackFirstAudioMs : s.options.synthesisFirstAudioTimeoutMs;
  fx.push({ kind: 'degraded', dependency, error }, { kind: 'cancelNoInput' }, { kind: 'silence' }, { kind: 'playFallback', firstAudioWithinMs });
}

/** Hands the call back to Architect with the output variables (`botOutcome=completed` unless set). */
function finish(s: Draft, fx: CallEffect[]): void {
  const outputVariables: Readonly<Record<string, string>> = { botOutcome: 'completed', ...s.outputVariables };
  s.phase = 'disconnecting';
  s.endingAfter = undefined;
  s.queue = [];
  s.outputVariables = outputVariables;
  fx.push(
    { kind: 'stopListening' },
    {
      kind: 'record',
      outcome: outputVariables.fallbackReason === 'error' || outputVariables.fallbackReason === 'capacity' ? 'error' : 'completed',
      outputVariables,
      turnCount: s.counts.turnsTaken,
    },
    { kind: 'disconnect', outputVariables },
  );
}

/** The phases in which the call hears the caller (recognition runs, input becomes turns). */
const HEARING_PHASES: ReadonlySet<CallPhase> = new Set(['greeting', 'listening', 'thinking', 'speaking']);

export function hearsCaller(state: CallState): boolean {
  return HEARING_PHASES.has(state.phase);
}

/** The call is being handed back (after the bot's end, a failure or a limit), and the caller is still there. */
export function isEnding(state: CallState): boolean {
  return state.phase === 'ending' || state.phase === 'disconnecting';
}
