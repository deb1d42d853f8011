import type { Logger } from '../shared/logger.js';
import type { Cancel, Clock } from '../shared/clock.js';
import {
  canSendAudio,
  createSession,
  plainAudioSamples,
  positionMs,
  step,
  withCountedAudio,
  type Effect,
  type Phase,
  type SessionCommand,
  type SessionEvent,
  type SessionInput,
  type SessionOptions,
  type SessionState,
  type TimerName,
} from '../protocol/index.js';
import { createCallControls, createHostedCall, type HostedCall, type OpenedEvent } from './hosted-call.js';
import { DEFAULT_INBOUND_LIMITS, type InboundLimits } from './inbound-guard.js';
import type { OutboundWriter, OutboundWriterFactory } from './outbound-writer.js';
import type { CallHandlerFactory, SessionSocket } from './ports.js';
import type { CallRecordings, SessionRecording } from './call-recording.js';
import { createSessionInbound, type SessionInbound } from './session-inbound.js';
import { createSessionOutbound, type SessionOutbound } from './session-outbound.js';
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
  return new AudioHookSessionShell(deps);
}

/** A session's input, queued while an earlier one is being handled. */
interface QueuedInput {
  readonly input: SessionInput;
  readonly audio?: Uint8Array;
}

/**
 * A class rather than a closure per handler: thousands of sessions live at once, and each closure
 * (and an object literal with a getter, a dictionary-mode object) is paid per session.
 */
class AudioHookSessionShell implements AudioHookSession {
  private state: SessionState;
  // Set at `opened` when the call is recorded; every hook below is one optional call when it is not.
  private recording: SessionRecording | undefined;
  private readonly startedAtMs: number;
  private readonly counters = newCounters();
  private readonly timers: NamedTimers;
  private readonly outbound: SessionOutbound;
  private readonly writer: OutboundWriter;
  private readonly inbound: SessionInbound;
  private readonly call: HostedCall;
  /**
   * Inputs raised while effects are being carried out (a call reacting to an event) wait their turn,
   * so messages always leave in seq order.
   */
  private readonly queue: QueuedInput[] = [];
  private running = false;
  /**
   * Plain audio frames (most input) only move the stream position: their samples are counted here
   * and folded into the state before the next `step` (see `plainAudioSamples`), so a frame makes no
   * new state for the young-generation GC to copy.
   */
  private countedSamples = 0;
  private countedAtMs = 0;

  constructor(private readonly deps: AudioHookSessionDeps) {
    const { socket, identity, clock, logger, createCall } = deps;
    this.startedAtMs = clock.now();
    this.timers = new NamedTimers(clock, this);
    this.outbound = createSessionOutbound({
      socket,
      createWriter: deps.createWriter,
      canSendAudio: () => canSendAudio(this.state),
      counters: this.counters,
      logger,
      onAudioSent: (bytes) => this.recording?.capture.botAudio(bytes),
    });
    this.writer = this.outbound.writer;
    const command = (c: SessionCommand): void => this.command(c);
    this.inbound = createSessionInbound({
      socket,
      limits: deps.inboundLimits ?? DEFAULT_INBOUND_LIMITS,
      clock,
      counters: this.counters,
      media: () => this.state.media,
      run: (input, audio) => {
        if (input.kind === 'text') this.recording?.clientText(input.text);
        this.run(input, audio);
      },
      command,
      unthrottledLogger: () => unthrottled(logger, deps.summaryLogger),
    });
    const controls = createCallControls(this.writer, command, () => this.state, (speaker, text) => this.recording?.capture.line(speaker, text));
    this.call = createHostedCall({
      createCall: createCall === undefined ? undefined : (opened) => createCall(toCallContext(identity, opened), controls, logger),
      closingBudgetMs: deps.closingBudgetMs,
      clock,
      logger,
      command,
    });
    const initial = createSession(identity, deps.options, this.startedAtMs);
    this.state = initial.state;
    for (const effect of initial.effects) this.apply(effect, undefined);
  }

  get phase(): Phase {
    return this.state.phase;
  }

  onText(text: string): void {
    this.inbound.onText(text);
  }

  onBinary(bytes: Uint8Array): void {
    this.inbound.onBinary(bytes);
  }

  onSocketClosed(): void {
    this.run({ kind: 'socketClosed' });
  }

  shutdown(): void {
    this.command({ type: 'shutdown' });
  }

  /** One of the state machine's timers ran out (called by {@link NamedTimers}). */
  timerExpired(timer: TimerName): void {
    this.run({ kind: 'timer', timer });
  }

  private command(c: SessionCommand): void {
    this.run({ kind: 'command', command: c });
  }

  private run(input: SessionInput, audio?: Uint8Array): void {
    const { queue } = this;
    if (this.running || queue.length > 0) queue.push(audio === undefined ? { input } : { input, audio });
    if (this.running) return;
    this.running = true;
    try {
      // Most inputs (every audio frame) find nothing queued and are handled without a queue entry.
      if (queue.length === 0) this.handle(input, audio);
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) this.handle(next.input, next.audio);
    } finally {
      this.running = false;
    }
  }

  private handle(input: SessionInput, audio: Uint8Array | undefined): void {
    const nowMs = this.deps.clock.now();
    if (input.kind === 'binary') {
      const samples = plainAudioSamples(this.state, input.byteLength);
      if (samples !== undefined) return this.countAudio(samples, nowMs, audio);
    }
    this.foldCountedAudio();
    const transition = step(this.state, input, nowMs);
    const leftActive = this.state.phase === 'active' && transition.state.phase !== 'active';
    this.state = transition.state;
    // Bot audio still queued when the session stops being active would never be sent (§5.4): drop it now.
    if (leftActive) this.writer.cancelAudio();
    for (const effect of transition.effects) this.apply(effect, audio);
  }

  /** What `step` does with a plain audio frame, without a new state: count it, emit `audio`. */
  private countAudio(samples: number, nowMs: number, audio: Uint8Array | undefined): void {
    this.countedSamples += samples;
    this.countedAtMs = nowMs;
    this.onEvent({ type: 'audio', samples, positionMs: positionMs(this.state, this.countedSamples) }, audio);
  }

  private foldCountedAudio(): void {
    if (this.countedSamples === 0) return;
    this.state = withCountedAudio(this.state, this.countedSamples, this.countedAtMs);
    this.countedSamples = 0;
  }

  private apply(effect: Effect, audio: Uint8Array | undefined): void {
    switch (effect.kind) {
      case 'send':
        this.recording?.serverMessage(effect.message);
        return this.outbound.send(effect.message);
      case 'emit':
        return this.onEvent(effect.event, audio);
      case 'startTimer':
        return this.timers.start(effect.timer, effect.ms);
      case 'cancelTimer':
        return this.timers.cancel(effect.timer);
      case 'closeSocket':
        this.deps.socket.close(effect.code, effect.reason);
        return;
      case 'report':
        return reportProblem(this.counters, this.deps.logger, effect.problem);
    }
  }

  private onEvent(event: SessionEvent, audio: Uint8Array | undefined): void {
    const { deps, counters } = this;
    if (event.type === 'opened') {
      deps.logger.info({ probe: event.probe, media: event.media?.format ?? 'none', channels: event.media?.channels.length ?? 0 }, 'session opened');
      if (!event.probe) this.recording = deps.recordings?.open(recordedCall(deps.identity, event), event.media, deps.logger);
    }
    if (event.type === 'audio') {
      counters.audioFramesIn += 1;
      counters.audioBytesIn += audio?.byteLength ?? 0;
      if (audio !== undefined) this.recording?.capture.callerAudio(audio, event.positionMs);
    }
    if (event.type === 'clientError' && event.code === 429) this.outbound.rateLimited(event.retryAfterMs);
    this.call.onEvent(event, audio);
    if (event.type === 'ended') this.onEnded(event.outcome, event.lastPhase);
  }

  private onEnded(outcome: 'closed' | 'socketLost', lastPhase: Phase): void {
    const { deps } = this;
    this.recording?.end();
    this.writer.close();
    this.timers.cancelAll();
    this.inbound.cancelFloodClose();
    const durationMs = Math.round(deps.clock.now() - this.startedAtMs);
    const summary = toSummary(this.counters, { outcome, lastPhase, probe: this.state.probe, durationMs });
    unthrottled(deps.logger, deps.summaryLogger).info(summary, 'session ended');
    deps.onEnded?.(summary);
  }
}

/** What a recording's sidecar names the call by. */
function recordedCall(identity: SessionIdentity, event: OpenedEvent) {
  const { sessionId, connectorId, organizationId } = identity;
  return { sessionId, connectorId, organizationId, conversationId: event.conversationId, participant: event.participant, inputVariables: event.inputVariables };
}

/** The state machine's named timers on the injected clock; starting a running one restarts it. */
class NamedTimers {
  private readonly running = new Map<TimerName, Cancel>();

  constructor(
    private readonly clock: Clock,
    private readonly session: { timerExpired(timer: TimerName): void },
  ) {}

  start(timer: TimerName, ms: number): void {
    this.running.get(timer)?.();
    this.running.set(timer, this.clock.setTimer(ms, () => this.session.timerExpired(timer)));
  }

  cancel(timer: TimerName): void {
    this.running.get(timer)?.();
    this.running.delete(timer);
  }

  cancelAll(): void {
    for (const cancel of this.running.values()) cancel();
    this.running.clear();
  }
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
