import type { Logger } from '../shared/logger.js';
import type { Cancel, Clock } from '../shared/clock.js';
import { withTimeout } from '../shared/clock.js';
import { ERROR_CODES } from '../shared/error-codes.js';
import { toError, type Problem } from '../shared/errors.js';
import {
  WS_CLOSE,
  canSendAudio,
  createSession,
  step,
  type Effect,
  type Phase,
  type SessionCommand,
  type SessionEvent,
  type SessionInput,
  type SessionOptions,
  type SessionState,
  type TimerName,
} from '../protocol/index.js';
import { DEFAULT_INBOUND_LIMITS, InboundGuard, type InboundLimits, type InboundVerdict } from './inbound-guard.js';
import type { OutboundWriterFactory } from './outbound-writer.js';
import type { CallControls, CallHandler, CallHandlerFactory, SessionSocket } from './ports.js';

/** Text messages allowed to wait for rate tokens; at 4/s this is 16 s of backlog. */
const MAX_QUEUED_TEXTS = 64;
/** Back-off on a 429 without retryAfter, and the most any retryAfter is honoured for. */
const DEFAULT_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 3_000;
/** After a peer exceeded its inbound limits: time for our `disconnect` to leave before the socket is cut. */
const FLOOD_CLOSE_GRACE_MS = 1_000;

export type { InboundLimits } from './inbound-guard.js';

/** Identity of an authenticated connection, from its upgrade headers. */
export interface SessionIdentity {
  readonly sessionId: string;
  readonly organizationId: string;
  readonly correlationId: string;
  readonly connectorId: string;
}

export interface AudioHookSessionDeps {
  readonly socket: SessionSocket;
  readonly identity: SessionIdentity;
  readonly options: SessionOptions;
  /** What the client may send before its session is ended. Default {@link DEFAULT_INBOUND_LIMITS}. */
  readonly inboundLimits?: InboundLimits;
  /** Longest time the call's final work may delay `closed` (Genesys waits 10 s for it). */
  readonly closingBudgetMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Where the one `session ended` line goes when `logger` is rate-limited: `flush` writes the count
   * of suppressed lines first, then the summary goes to the unthrottled `logger`. Default `logger`.
   */
  readonly summaryLogger?: { readonly flush: () => void; readonly logger: Logger };
  readonly createWriter: OutboundWriterFactory;
  /** Creates the call for an opened, non-probe session; absent = listen and stay silent. */
  readonly createCall?: CallHandlerFactory;
  /** Called once when the socket is gone. */
  readonly onEnded?: (summary: SessionSummary) => void;
}

/** The counters logged once per session and handed to the server when it ends. */
export interface SessionSummary {
  readonly outcome: 'closed' | 'socketLost';
  readonly lastPhase: Phase;
  readonly probe: boolean;
  readonly durationMs: number;
  readonly textIn: number;
  readonly textOut: number;
  readonly audioFramesIn: number;
  readonly audioBytesIn: number;
  readonly audioFramesDroppedWhilePaused: number;
  readonly problems: number;
  /** `error 429` reports from Genesys (our sending rate was too high). */
  readonly rateLimited: number;
  /** Client messages ignored after the session was ended for exceeding its inbound limits. */
  readonly inboundIgnored: number;
}

/** The I/O shell around the pure state machine: feeds it socket input and timers, carries out its effects. */
export interface AudioHookSession {
  onText(text: string): void;
  onBinary(bytes: Uint8Array): void;
  onSocketClosed(): void;
  /** Drain timeout: ends a live session with disconnect(error). */
  shutdown(): void;
  readonly phase: Phase;
}

export function createAudioHookSession(deps: AudioHookSessionDeps): AudioHookSession {
  const { socket, identity, clock, logger } = deps;
  const startedAtMs = clock.now();
  const timers = new Map<TimerName, Cancel>();
  // Bot audio may only reach Genesys while the session is active: never after our disconnect or the
  // client's close (§5.4), whatever is still queued when the session leaves that phase.
  const writer = deps.createWriter({
    sendText: (text) => socket.sendText(text),
    sendBinary: (bytes) => {
      if (canSendAudio(state)) socket.sendBinary(bytes);
    },
    get bufferedBytes() {
      return socket.bufferedBytes;
    },
  });
  const counters = newCounters();
  const inbound = new InboundGuard(deps.inboundLimits ?? DEFAULT_INBOUND_LIMITS, clock);
  /** Set once the peer exceeded its inbound limits: everything it sends after that is ignored. */
  let flooded = false;
  let cancelFloodClose: Cancel | undefined;
  let call: CallHandler | undefined;

  // Inputs raised while effects are being carried out (a call reacting to an event) wait their turn,
  // so messages always leave in seq order.
  const queue: { input: SessionInput; audio?: Uint8Array }[] = [];
  let running = false;

  const initial = createSession(identity, deps.options, startedAtMs);
  let state: SessionState = initial.state;
  initial.effects.forEach((effect) => apply(effect, undefined));

  function run(input: SessionInput, audio?: Uint8Array): void {
    if (running || queue.length > 0) queue.push(audio === undefined ? { input } : { input, audio });
    if (running) return;
    running = true;
    try {
      // Most inputs (every audio frame) find nothing queued and are handled without a queue entry.
      if (queue.length === 0) handle(input, audio);
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) handle(next.input, next.audio);
    } finally {
      running = false;
    }
  }

  function handle(input: SessionInput, audio: Uint8Array | undefined): void {
    const transition = step(state, input, clock.now());
    const leftActive = state.phase === 'active' && transition.state.phase !== 'active';
    state = transition.state;
    if (leftActive) writer.cancelAudio();
    for (const effect of transition.effects) apply(effect, audio);
  }

  function apply(effect: Effect, audio: Uint8Array | undefined): void {
    switch (effect.kind) {
      case 'send':
        return send(effect.message);
      case 'emit':
        return onEvent(effect.event, audio);
      case 'startTimer': {
        timers.get(effect.timer)?.();
        const timer = effect.timer;
        timers.set(timer, clock.setTimer(effect.ms, () => run({ kind: 'timer', timer })));
        return;
      }
      case 'cancelTimer':
        timers.get(effect.timer)?.();
        timers.delete(effect.timer);
        return;
      case 'closeSocket':
        socket.close(effect.code, effect.reason);
        return;
      case 'report':
        return onProblem(effect.problem);
    }
  }

  function send(message: Extract<Effect, { kind: 'send' }>['message']): void {
    // A client that makes us answer faster than Genesys's text budget (a ping flood) would grow
    // this queue without bound and push `closed` past the close deadline: it is cut off instead.
    if (writer.queuedTexts >= MAX_QUEUED_TEXTS) {
      onProblem({ code: 'ERR_SESSION_OUTBOUND_OVERFLOW', detail: `${writer.queuedTexts} texts queued` });
      socket.close(WS_CLOSE.policyViolation, 'outbound queue overflow');
      return;
    }
    counters.textOut += 1;
    logger.debug({ type: message.type, seq: message.seq }, 'message sent');
    writer.sendText(JSON.stringify(message), message.type === 'pause' || message.type === 'resume' ? message.type : 'text');
  }

  function onProblem(p: Problem): void {
    counters.problems += 1;
    if (p.code === 'ERR_PROTOCOL_AUDIO_WHILE_PAUSED') {
      counters.droppedWhilePaused += 1;
      // Frames can race a pause; one line per session is enough.
      if (counters.droppedWhilePaused > 1) return;
    }
    const wire = ERROR_CODES[p.code].wire;
    logger.warn({ code: p.code, detail: p.detail, path: p.path, wire: wire.kind }, 'protocol problem');
  }

  function onEvent(event: SessionEvent, audio: Uint8Array | undefined): void {
    if (event.type === 'opened') {
      logger.info({ probe: event.probe, media: event.media?.format ?? 'none', channels: event.media?.channels.length ?? 0 }, 'session opened');
      if (!event.probe && deps.createCall !== undefined) {
        call = guard(() => deps.createCall?.(toCallContext(identity, event), controls, logger));
      }
      return;
    }
    if (event.type === 'audio') {
      counters.audioFramesIn += 1;
      counters.audioBytesIn += audio?.byteLength ?? 0;
    }
    if (event.type === 'clientError' && event.code === 429) {
      counters.rateLimited += 1;
      // Honoured, but bounded: an absurd retryAfter must not hold `closed` past Genesys's close deadline.
      writer.backOff(Math.min(event.retryAfterMs ?? DEFAULT_BACKOFF_MS, MAX_BACKOFF_MS));
    }
    if (call !== undefined) {
      // guard()'s rule, without a closure per audio frame.
      try {
        call.onEvent(event, audio);
      } catch (error) {
        failCall(error);
      }
    }
    if (event.type === 'closing') void finishClose(call, deps, () => command({ type: 'finishClose' }));
    if (event.type === 'ended') onEndedEvent(event.outcome, event.lastPhase);
  }

  function onEndedEvent(outcome: 'closed' | 'socketLost', lastPhase: Phase): void {
    writer.close();
    for (const cancel of timers.values()) cancel();
    timers.clear();
    cancelFloodClose?.();
    const summary = toSummary(counters, { outcome, lastPhase, probe: state.probe, durationMs: Math.round(clock.now() - startedAtMs) });
    deps.summaryLogger?.flush();
    (deps.summaryLogger?.logger ?? logger).info(summary, 'session ended');
    deps.onEnded?.(summary);
  }

  /** Ends a session whose peer exceeded its inbound limits: one line, `disconnect(error)`, input paused, socket cut soon after. */
  function onFlood(verdict: Exclude<InboundVerdict, 'ok'>): void {
    flooded = true;
    const wire = ERROR_CODES[verdict].wire;
    // Always written (past the line budget): it is the one line that explains why the session ended.
    deps.summaryLogger?.flush();
    (deps.summaryLogger?.logger ?? logger).warn(
      { code: verdict, textIn: counters.textIn, audioBytesIn: counters.audioBytesIn },
      'inbound limit exceeded: ending session',
    );
    socket.pauseInput?.();
    command({ type: 'disconnect', reason: 'error', ...(wire.kind === 'disconnect' ? { info: wire.info } : {}) });
    cancelFloodClose = clock.setTimer(FLOOD_CLOSE_GRACE_MS, () => {
      if (socket.terminate !== undefined) socket.terminate();
      else socket.close(WS_CLOSE.policyViolation, 'inbound limit exceeded');
    });
  }

  /** A call's exception ends that call with disconnect(error); it never escapes into socket handlers. */
  function guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      failCall(error);
      return undefined;
    }
  }

  function failCall(error: unknown): void {
    logger.error({ err: toError(error) }, 'call failed');
    command({ type: 'fail' });
  }

  function command(c: SessionCommand): void {
    run({ kind: 'command', command: c });
  }

  const controls = createCallControls(writer, command, () => state);

  return {
    onText(text) {
      counters.textIn += 1;
      if (flooded) return void (counters.inboundIgnored += 1);
      const verdict = inbound.text();
      if (verdict !== 'ok') return onFlood(verdict);
      run({ kind: 'text', text });
    },
    onBinary(bytes) {
      if (flooded) return void (counters.inboundIgnored += 1);
      const verdict = inbound.binary(bytes.byteLength, state.media);
      if (verdict !== 'ok') return onFlood(verdict);
      run({ kind: 'binary', byteLength: bytes.byteLength }, bytes);
    },
    onSocketClosed() {
      run({ kind: 'socketClosed' });
    },
    shutdown() {
      command({ type: 'shutdown' });
    },
    get phase() {
      return state.phase;
    },
  };
}

type Counters = ReturnType<typeof newCounters>;

function newCounters() {
  return { textIn: 0, textOut: 0, audioFramesIn: 0, audioBytesIn: 0, droppedWhilePaused: 0, problems: 0, rateLimited: 0, inboundIgnored: 0 };
}

function toSummary(
  c: Counters,
  end: Pick<SessionSummary, 'outcome' | 'lastPhase' | 'probe' | 'durationMs'>,
): SessionSummary {
  return {
    ...end,
    textIn: c.textIn,
    textOut: c.textOut,
    audioFramesIn: c.audioFramesIn,
    audioBytesIn: c.audioBytesIn,
    audioFramesDroppedWhilePaused: c.droppedWhilePaused,
    problems: c.problems,
    rateLimited: c.rateLimited,
    inboundIgnored: c.inboundIgnored,
  };
}

function toCallContext(identity: SessionIdentity, event: Extract<SessionEvent, { type: 'opened' }>): Parameters<CallHandlerFactory>[0] {
  return {
    sessionId: identity.sessionId,
    connectorId: identity.connectorId,
    organizationId: identity.organizationId,
    correlationId: identity.correlationId,
    conversationId: event.conversationId,
    participant: event.participant,
    media: event.media,
    language: event.language,
    inputVariables: event.inputVariables,
    customConfig: event.customConfig,
  };
}

/** Lets the call finish its work (bounded by the closing budget), then completes the close transaction. */
async function finishClose(call: CallHandler | undefined, deps: AudioHookSessionDeps, done: () => void): Promise<void> {
  if (call?.onClosing !== undefined) {
    try {
      await withTimeout(deps.clock, deps.closingBudgetMs, call.onClosing(), () => undefined);
    } catch (error) {
      deps.logger.error({ err: toError(error) }, 'call failed while closing');
    }
  }
  done();
}

/** What the call may do to its session: send and cancel audio, events, pause/resume, disconnect. */
function createCallControls(
  writer: ReturnType<OutboundWriterFactory>,
  command: (c: SessionCommand) => void,
  currentState: () => SessionState,
): CallControls {
  return {
    sendAudio: (pcmu) => {
      if (canSendAudio(currentState())) writer.enqueueAudio(pcmu);
    },
    endOfPrompt: () => writer.endOfPrompt(),
    cancelAudio: () => writer.cancelAudio().droppedBytes,
    onAudioDrained: (listener) => writer.onAudioDrained(listener),
    get audioAheadMs() {
      return writer.audioAheadMs;
    },
    sendEvent: (entities) => command({ type: 'event', entities }),
    disconnect: (reason, outputVariables, info) =>
      command({
        type: 'disconnect',
        reason,
        ...(outputVariables === undefined ? {} : { outputVariables }),
        ...(info === undefined ? {} : { info }),
      }),
    pause: () => command({ type: 'pause' }),
    resume: () => command({ type: 'resume' }),
  };
}
