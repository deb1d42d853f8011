import { assertNever } from '../shared/assert-never.js';
import { wireOutcome, type ErrorCode } from '../shared/error-codes.js';
import { problem, type Problem } from '../shared/errors.js';
import { NULL_UUID, PROTOCOL_VERSION, SAMPLE_RATE_HZ, WS_CLOSE } from './constants.js';
import { parseDuration } from './duration.js';
import { bytesPerSampleFrame, selectMedia } from './media.js';
import type { ClientMessage, ClientMessageOf, ServerMessage, ServerMessageType, ServerParameters } from './messages.js';
import { parseClientMessage } from './parse.js';
import type {
  Effect,
  Phase,
  SessionCommand,
  SessionInput,
  SessionOptions,
  SessionState,
  TimerName,
  Transition,
} from './session-types.js';

/**
 * The AudioHook v2 server session as a pure function: `step(state, input, nowMs)` returns the next
 * state and the effects to carry out (send, emit, timers, close). No I/O, no clock of its own, so
 * every transition is tested without a socket. The I/O shell is `session/audiohook-session.ts`.
 */

type Draft = { -readonly [K in keyof SessionState]: SessionState[K] };

/** Which client message types each phase accepts; anything else there is a protocol violation. */
export const ACCEPTED_MESSAGES: Readonly<Record<Phase, ReadonlySet<ClientMessage['type']>>> = {
  awaitingOpen: new Set(['open']),
  active: new Set([
    'ping', 'close', 'paused', 'resumed', 'discarded', 'update', 'error', 'dtmf', 'playback_started', 'playback_completed',
  ]),
  // After our disconnect the client may still send what it had in flight before its `close`.
  disconnecting: new Set([
    'open', 'ping', 'close', 'paused', 'resumed', 'discarded', 'update', 'error', 'dtmf', 'playback_started', 'playback_completed',
  ]),
  closing: new Set(['ping', 'error']),
  closed: new Set([]),
  ended: new Set([]),
};

/** The initial state after an authenticated upgrade, with the timers to start. */
export function createSession(
  ids: { readonly sessionId: string; readonly organizationId: string },
  options: SessionOptions,
  nowMs: number,
): Transition {
  const state: SessionState = {
    phase: 'awaitingOpen',
    sessionId: ids.sessionId,
    organizationId: ids.organizationId.toLowerCase(),
    options,
    lastClientSeq: 0,
    lastServerSeq: 0,
    opened: false,
    probe: false,
    media: null,
    pausedByClient: false,
    receivedSamples: 0,
    discardedMs: 0,
    language: undefined,
    errorSignaled: false,
    lastInboundAtMs: nowMs,
  };
  return {
    state,
    effects: [
      { kind: 'startTimer', timer: 'open', ms: options.openTimeoutMs },
      { kind: 'startTimer', timer: 'idle', ms: options.idleTimeoutMs },
    ],
  };
}

/**
 * Stream position in ms as the client counts it: received samples plus discarded audio (§5.3).
 * `countedSamples`: plain audio the shell counted and has not folded in yet ({@link withCountedAudio}).
 */
export function positionMs(state: SessionState, countedSamples = 0): number {
  return ((state.receivedSamples + countedSamples) / SAMPLE_RATE_HZ) * 1000 + state.discardedMs;
}

/**
 * The samples per channel an audio frame adds when it is plain audio in this state (active, with
 * media, not paused by the client, whole sample frames), or undefined when `step` must see it (a
 * violation, a report, or a phase that ignores audio). For plain audio `step` would only count the
 * samples, note the arrival and emit `audio`: the shell counts those frames itself and folds them in
 * with {@link withCountedAudio} before the next `step`. A new state per frame, for every session
 * five times a second, is what each young-generation GC would otherwise copy.
 */
export function plainAudioSamples(state: SessionState, byteLength: number): number | undefined {
  if (state.phase !== 'active' || state.media === null || state.pausedByClient) return undefined;
  const frameBytes = bytesPerSampleFrame(state.media);
  if (byteLength === 0 || byteLength % frameBytes !== 0) return undefined;
  return byteLength / frameBytes;
}

/** The state after plain audio frames the shell counted: their samples added, the last one's arrival time. */
export function withCountedAudio(state: SessionState, samples: number, lastAtMs: number): SessionState {
  return { ...state, receivedSamples: state.receivedSamples + samples, lastInboundAtMs: lastAtMs };
}

/**
 * Whether the server may send audio now: opened with media and not ending. A server `pause` stops the
 * client's stream to us (§3.2), not our prompts to the caller, so it does not matter here.
 */
export function canSendAudio(state: SessionState): boolean {
  return state.phase === 'active' && state.media !== null;
}

export function step(state: SessionState, input: SessionInput, nowMs: number): Transition {
  const s: Draft = { ...state };
  const fx: Effect[] = [];
  if (s.phase === 'ended') return { state, effects: [] };
  switch (input.kind) {
    case 'text':
      s.lastInboundAtMs = nowMs;
      onText(s, fx, input.text);
      break;
    case 'binary':
      s.lastInboundAtMs = nowMs;
      onBinary(s, fx, input.byteLength);
      break;
    case 'timer':
      onTimer(s, fx, input.timer, nowMs);
      break;
    case 'command':
      onCommand(s, fx, input.command);
      break;
    case 'socketClosed':
      fx.push(
        ...(['open', 'close', 'idle', 'linger'] as const).map((timer): Effect => ({ kind: 'cancelTimer', timer })),
        { kind: 'emit', event: { type: 'ended', outcome: s.phase === 'closed' ? 'closed' : 'socketLost', lastPhase: s.phase } },
      );
      s.phase = 'ended';
      break;
    default:
      assertNever(input);
  }
  return { state: s, effects: fx };
}

function onText(s: Draft, fx: Effect[], text: string): void {
  const parsed = parseClientMessage(text);
  if (!parsed.ok) return violate(s, fx, parsed.error);
  const msg = parsed.value;
  const envelopeProblem = checkEnvelope(s, msg);
  if (envelopeProblem !== undefined) {
    // Before we asked for the end, a broken envelope ends the session. After it (error or completed
    // disconnect), we only want to finish the close transaction, so we resynchronise and go on.
    if (!s.errorSignaled && s.phase !== 'disconnecting') return violate(s, fx, envelopeProblem);
    fx.push({ kind: 'report', problem: envelopeProblem });
  }
  s.lastClientSeq = msg.seq;
  // Genesys adds message types over time; an unknown one in a valid envelope is logged, not fatal.
  if ('unknown' in msg) return void fx.push(report('ERR_PROTOCOL_UNKNOWN_MESSAGE_TYPE', msg.type));
  if (!ACCEPTED_MESSAGES[s.phase].has(msg.type)) {
    return violate(s, fx, problem('ERR_PROTOCOL_UNEXPECTED_MESSAGE', `${msg.type} in ${s.phase}`));
  }
  if (s.phase === 'disconnecting' && msg.type !== 'close' && msg.type !== 'ping' && msg.type !== 'error') return;
  dispatch(s, fx, msg);
}

/** Session id, gapless seq and serverseq rules of §2.3. */
function checkEnvelope(s: Draft, msg: { readonly id: string; readonly seq: number; readonly serverseq: number }): Problem | undefined {
  if (msg.id.toLowerCase() !== s.sessionId.toLowerCase()) return problem('ERR_PROTOCOL_SESSION_ID_MISMATCH');
  if (msg.seq !== s.lastClientSeq + 1) {
    return problem('ERR_PROTOCOL_SEQ_GAP', `expected ${s.lastClientSeq + 1}, got ${msg.seq}`);
  }
  if (msg.serverseq > s.lastServerSeq) {
    return problem('ERR_PROTOCOL_SERVERSEQ_AHEAD', `last sent ${s.lastServerSeq}, got ${msg.serverseq}`);
  }
  return undefined;
}

function dispatch(s: Draft, fx: Effect[], msg: ClientMessage): void {
  switch (msg.type) {
    case 'open':
      return onOpen(s, fx, msg);
    case 'ping':
      return send(s, fx, 'pong', {});
    case 'close':
      fx.push({ kind: 'cancelTimer', timer: 'close' });
      s.phase = 'closing';
      return emit(fx, { type: 'closing', reason: msg.parameters.reason ?? 'end' });
    case 'paused':
      // Duplicates are legal (the reference client sends two); report each one once to the call.
      if (!s.pausedByClient) emit(fx, { type: 'paused' });
      s.pausedByClient = true;
      return;
    case 'resumed': {
      const gap = streamGap(msg);
      s.pausedByClient = false;
      s.discardedMs += gap.discardedMs;
      return emit(fx, { type: 'resumed', ...gap });
    }
    case 'discarded': {
      // The reference test sends a start beyond the position: accepted, the timeline moves forward.
      const gap = streamGap(msg);
      s.discardedMs += gap.discardedMs;
      return emit(fx, { type: 'discarded', ...gap });
    }
    case 'update':
      if (msg.parameters.language === undefined) return;
      s.language = msg.parameters.language;
      return emit(fx, { type: 'languageChanged', language: msg.parameters.language });
    case 'error': {
      const { code, message, retryAfter } = msg.parameters;
      const retry = retryAfter === undefined ? undefined : parseDuration(retryAfter);
      fx.push(report('ERR_PROTOCOL_CLIENT_ERROR', `code ${code}`));
      return emit(fx, { type: 'clientError', code, message, ...(retry?.ok ? { retryAfterMs: retry.value } : {}) });
    }
    case 'dtmf':
      return emit(fx, { type: 'dtmf', digit: msg.parameters.digit.toUpperCase() });
    case 'playback_started':
      return emit(fx, { type: 'playbackStarted' });
    case 'playback_completed':
      return emit(fx, { type: 'playbackCompleted' });
    default:
      return assertNever(msg);
  }
}

function onOpen(s: Draft, fx: Effect[], msg: ClientMessageOf<'open'>): void {
  // An open racing our disconnect (open timeout) is ignored, as the reference server does.
  if (s.phase === 'disconnecting') return;
  fx.push({ kind: 'cancelTimer', timer: 'open' });
  const p = msg.parameters;
  if (p.organizationId.toLowerCase() !== s.organizationId) {
    return violate(s, fx, problem('ERR_AUTH_ORGANIZATION_MISMATCH'));
  }
  s.probe = p.conversationId === NULL_UUID;
  s.media = s.probe ? null : selectMedia(p.media, s.options.media);
  s.language = p.language;
  send(s, fx, 'opened', {
    startPaused: false,
    media: s.media === null ? [] : [s.media],
    ...(p.supportedLanguages === true ? { supportedLanguages: s.options.supportedLanguages } : {}),
  });
  s.phase = 'active';
  s.opened = true;
  emit(fx, {
    type: 'opened',
    probe: s.probe,
    media: s.media,
    conversationId: p.conversationId,
    participant: p.participant,
    language: p.language,
    inputVariables: stringInputVariables(fx, p.inputVariables ?? {}),
    customConfig: p.customConfig ?? {},
  });
}

/**
 * Input variables are strings in Architect, but Genesys may add other JSON values: a non-string
 * value is turned into its JSON text (a string stays as it is) and reported, never a reason to fail
 * the open. The report names the variables, not their values (they may hold personal data).
 */
function stringInputVariables(fx: Effect[], variables: Readonly<Record<string, unknown>>): Record<string, string> {
  const result: Record<string, string> = {};
  const coerced: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') {
      result[name] = value;
      continue;
    }
    result[name] = value === undefined ? '' : JSON.stringify(value);
    coerced.push(name);
  }
  if (coerced.length > 0) fx.push(report('ERR_PROTOCOL_INPUT_VARIABLE_NOT_STRING', coerced.join(', ')));
  return result;
}

function onBinary(s: Draft, fx: Effect[], byteLength: number): void {
  const samples = plainAudioSamples(s, byteLength);
  if (samples !== undefined) {
    s.receivedSamples += samples;
    return emit(fx, { type: 'audio', samples, positionMs: positionMs(s) });
  }
  if (s.phase === 'disconnecting' || s.phase === 'closing' || s.phase === 'closed') return;
  if (s.phase !== 'active' || s.media === null) return violate(s, fx, problem('ERR_PROTOCOL_UNEXPECTED_AUDIO'));
  if (byteLength === 0 || byteLength % bytesPerSampleFrame(s.media) !== 0) {
    return violate(s, fx, problem('ERR_PROTOCOL_PARTIAL_SAMPLE', `${byteLength} bytes`));
  }
  // Whole sample frames in an active session are not plain only while the client has paused.
  fx.push(report('ERR_PROTOCOL_AUDIO_WHILE_PAUSED'));
}

function onTimer(s: Draft, fx: Effect[], timer: TimerName, nowMs: number): void {
  switch (timer) {
    case 'open':
      if (s.phase === 'awaitingOpen') violate(s, fx, problem('ERR_PROTOCOL_OPEN_TIMEOUT'));
      return;
    case 'close':
      if (s.phase === 'disconnecting') {
        fx.push(report('ERR_PROTOCOL_CLOSE_TIMEOUT'), closeSocket(WS_CLOSE.policyViolation, 'close timeout'));
      }
      return;
    case 'linger':
      if (s.phase === 'closed') fx.push(closeSocket(WS_CLOSE.normal, 'closed'));
      return;
    case 'idle': {
      const quietMs = nowMs - s.lastInboundAtMs;
      if (quietMs >= s.options.idleTimeoutMs) {
        fx.push(report('ERR_PROTOCOL_IDLE_TIMEOUT', `${Math.round(quietMs)} ms`), closeSocket(WS_CLOSE.goingAway, 'idle'));
      } else {
        fx.push({ kind: 'startTimer', timer: 'idle', ms: s.options.idleTimeoutMs - quietMs });
      }
      return;
    }
    default:
      return assertNever(timer);
  }
}

function onCommand(s: Draft, fx: Effect[], command: SessionCommand): void {
  switch (command.type) {
    case 'disconnect':
      if (s.phase !== 'active') return;
      return disconnect(s, fx, {
        reason: command.reason,
        ...(command.info === undefined ? {} : { info: command.info }),
        ...(command.outputVariables === undefined ? {} : { outputVariables: command.outputVariables }),
      });
    case 'event':
      if (s.phase === 'active' || s.phase === 'disconnecting' || s.phase === 'closing') {
        send(s, fx, 'event', { entities: command.entities });
      }
      return;
    case 'pause':
    case 'resume':
      if (s.phase === 'active') send(s, fx, command.type, {});
      return;
    case 'finishClose':
      if (s.phase !== 'closing') return;
      send(s, fx, 'closed', {});
      s.phase = 'closed';
      fx.push({ kind: 'startTimer', timer: 'linger', ms: s.options.lingerMs });
      return;
    case 'shutdown':
      return endWithError(s, fx, problem('ERR_SESSION_SHUTDOWN'));
    case 'fail':
      return endWithError(s, fx, problem('ERR_SESSION_INTERNAL'));
    default:
      return assertNever(command);
  }
}

/** A client broke the protocol: report it and, the first time, ask the client to end the session. */
function violate(s: Draft, fx: Effect[], cause: Problem): void {
  fx.push({ kind: 'report', problem: cause });
  endWithError(s, fx, cause);
}

function endWithError(s: Draft, fx: Effect[], cause: Problem): void {
  const wire = wireOutcome(cause.code);
  if (wire.kind !== 'disconnect' || s.errorSignaled) return;
  if (s.phase !== 'awaitingOpen' && s.phase !== 'active') return;
  s.errorSignaled = true;
  disconnect(s, fx, { reason: wire.reason, info: wire.info });
}

function disconnect(s: Draft, fx: Effect[], parameters: ServerParameters['disconnect']): void {
  fx.push({ kind: 'cancelTimer', timer: 'open' });
  send(s, fx, 'disconnect', parameters);
  s.phase = 'disconnecting';
  fx.push({ kind: 'startTimer', timer: 'close', ms: s.options.closeTimeoutMs });
}

function send<T extends ServerMessageType>(s: Draft, fx: Effect[], type: T, parameters: ServerParameters[T]): void {
  s.lastServerSeq += 1;
  const message = {
    version: PROTOCOL_VERSION,
    id: s.sessionId,
    type,
    seq: s.lastServerSeq,
    clientseq: s.lastClientSeq,
    parameters,
  } as ServerMessage;
  fx.push({ kind: 'send', message });
}

function emit(fx: Effect[], event: Extract<Effect, { kind: 'emit' }>['event']): void {
  fx.push({ kind: 'emit', event });
}

function report(code: ErrorCode, detail?: string): Effect {
  return { kind: 'report', problem: problem(code, detail) };
}

function closeSocket(code: number, reason: string): Effect {
  return { kind: 'closeSocket', code, reason };
}

function streamGap(msg: ClientMessageOf<'resumed'> | ClientMessageOf<'discarded'>): { startMs: number; discardedMs: number } {
  // Both fields were validated as durations by the parser.
  const start = parseDuration(msg.parameters.start);
  const discarded = parseDuration(msg.parameters.discarded);
  return { startMs: start.ok ? start.value : 0, discardedMs: discarded.ok ? discarded.value : 0 };
}
