import type { Logger } from '../shared/logger.js';
import type { Cancel, Clock } from '../shared/clock.js';
import {
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
import { createCallControls, createHostedCall, type OpenedEvent } from './hosted-call.js';
import { DEFAULT_INBOUND_LIMITS, type InboundLimits } from './inbound-guard.js';
import type { OutboundWriterFactory } from './outbound-writer.js';
import type { CallHandlerFactory, SessionSocket } from './ports.js';
import type { CallRecordings, SessionRecording } from './call-recording.js';
import { createSessionInbound } from './session-inbound.js';
import { createSessionOutbound } from './session-outbound.js';
import { newCounters, reportProblem, toSummary, unthrottled, type SessionSummary, type SummaryLogger } from './session-summary.js';

export type { InboundLimits } from './inbound-guard.js';
export type { SessionSummary } from './session-summary.js';

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
  /** Where the one `session ended` line goes when `logger` is rate-limited. Default `logger`. */
  readonly summaryLogger?: SummaryLogger;
  readonly createWriter: OutboundWriterFactory;
  /** Creates the call for an opened, non-probe session; absent = listen and stay silent. */
  readonly createCall?: CallHandlerFactory;
  /** Starts the recording of calls whose connector (or the server) asks for one; absent = nothing recorded. */
  readonly recordings?: CallRecordings;
  /** Called once when the socket is gone. */
  readonly onEnded?: (summary: SessionSummary) => void;
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
  const { socket, identity, clock, logger, createCall } = deps;
  const startedAtMs = clock.now();
  const timers = createNamedTimers(clock, (timer) => run({ kind: 'timer', timer }));
  const counters = newCounters();
  // Set at `opened` when the call is recorded; every hook below is one optional call when it is not.
  let recording: SessionRecording | undefined;
  const outbound = createSessionOutbound({
    socket,
    createWriter: deps.createWriter,
    canSendAudio: () => canSendAudio(state),
    counters,
    logger,
    onAudioSent: (bytes) => recording?.capture.botAudio(bytes),
  });
  const { writer } = outbound;
  const inbound = createSessionInbound({
    socket,
    limits: deps.inboundLimits ?? DEFAULT_INBOUND_LIMITS,
    clock,
    counters,
    media: () => state.media,
    run: (input, audio) => {
      if (input.kind === 'text') recording?.clientText(input.text);
      run(input, audio);
    },
    command,
    unthrottledLogger: () => unthrottled(logger, deps.summaryLogger),
  });
  const controls = createCallControls(writer, command, () => state, (speaker, text) => recording?.capture.line(speaker, text));
  const call = createHostedCall({
    createCall: createCall === undefined ? undefined : (opened) => createCall(toCallContext(identity, opened), controls, logger),
    closingBudgetMs: deps.closingBudgetMs,
    clock,
    logger,
    command,
  });

  const run = createInOrderRunner(handle);
  const initial = createSession(identity, deps.options, startedAtMs);
  let state: SessionState = initial.state;
  initial.effects.forEach((effect) => apply(effect, undefined));

  function handle(input: SessionInput, audio: Uint8Array | undefined): void {
    const transition = step(state, input, clock.now());
    const leftActive = state.phase === 'active' && transition.state.phase !== 'active';
    state = transition.state;
    // Bot audio still queued when the session stops being active would never be sent (§5.4): drop it now.
    if (leftActive) writer.cancelAudio();
    for (const effect of transition.effects) apply(effect, audio);
  }

  function apply(effect: Effect, audio: Uint8Array | undefined): void {
    switch (effect.kind) {
      case 'send':
        recording?.serverMessage(effect.message);
        return outbound.send(effect.message);
      case 'emit':
        return onEvent(effect.event, audio);
      case 'startTimer':
        return timers.start(effect.timer, effect.ms);
      case 'cancelTimer':
        return timers.cancel(effect.timer);
      case 'closeSocket':
        socket.close(effect.code, effect.reason);
        return;
      case 'report':
        return reportProblem(counters, logger, effect.problem);
    }
  }

  function onEvent(event: SessionEvent, audio: Uint8Array | undefined): void {
    if (event.type === 'opened') {
      logger.info({ probe: event.probe, media: event.media?.format ?? 'none', channels: event.media?.channels.length ?? 0 }, 'session opened');
      if (!event.probe) recording = deps.recordings?.open(recordedCall(identity, event), event.media, logger);
    }
    if (event.type === 'audio') {
      counters.audioFramesIn += 1;
      counters.audioBytesIn += audio?.byteLength ?? 0;
      if (audio !== undefined) recording?.capture.callerAudio(audio, event.positionMs);
    }
    if (event.type === 'clientError' && event.code === 429) outbound.rateLimited(event.retryAfterMs);
    call.onEvent(event, audio);
    if (event.type === 'ended') onEndedEvent(event.outcome, event.lastPhase);
  }

  function onEndedEvent(outcome: 'closed' | 'socketLost', lastPhase: Phase): void {
    recording?.end();
    writer.close();
    timers.cancelAll();
    inbound.cancelFloodClose();
    const summary = toSummary(counters, { outcome, lastPhase, probe: state.probe, durationMs: Math.round(clock.now() - startedAtMs) });
    unthrottled(logger, deps.summaryLogger).info(summary, 'session ended');
    deps.onEnded?.(summary);
  }

  function command(c: SessionCommand): void {
    run({ kind: 'command', command: c });
  }

  return {
    onText: (text) => inbound.onText(text),
    onBinary: (bytes) => inbound.onBinary(bytes),
    onSocketClosed: () => run({ kind: 'socketClosed' }),
    shutdown: () => command({ type: 'shutdown' }),
    get phase() {
      return state.phase;
    },
  };
}

/**
 * Inputs raised while effects are being carried out (a call reacting to an event) wait their turn,
 * so messages always leave in seq order.
 */
function createInOrderRunner(handle: (input: SessionInput, audio: Uint8Array | undefined) => void) {
  const queue: { input: SessionInput; audio?: Uint8Array }[] = [];
  let running = false;
  return (input: SessionInput, audio?: Uint8Array): void => {
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
  };
}

/** What a recording's sidecar names the call by. */
function recordedCall(identity: SessionIdentity, event: OpenedEvent) {
  const { sessionId, connectorId, organizationId } = identity;
  return { sessionId, connectorId, organizationId, conversationId: event.conversationId, participant: event.participant, inputVariables: event.inputVariables };
}

/** The state machine's named timers on the injected clock; starting a running one restarts it. */
function createNamedTimers(clock: Clock, onExpired: (timer: TimerName) => void) {
  const timers = new Map<TimerName, Cancel>();
  return {
    start(timer: TimerName, ms: number): void {
      timers.get(timer)?.();
      timers.set(timer, clock.setTimer(ms, () => onExpired(timer)));
    },
    cancel(timer: TimerName): void {
      timers.get(timer)?.();
      timers.delete(timer);
    },
    cancelAll(): void {
      for (const cancel of timers.values()) cancel();
      timers.clear();
    },
  };
}

function toCallContext(identity: SessionIdentity, event: OpenedEvent): Parameters<CallHandlerFactory>[0] {
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
