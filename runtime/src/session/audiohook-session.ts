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
import type { OutboundWriterFactory } from './outbound-writer.js';
import type { CallControls, CallHandler, CallHandlerFactory, SessionSocket } from './ports.js';

/** Text messages allowed to wait for rate tokens; at 4/s this is 16 s of backlog. */
const MAX_QUEUED_TEXTS = 64;
/** Back-off on a 429 without retryAfter, and the most any retryAfter is honoured for. */
const DEFAULT_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 3_000;

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
  /** Longest time the call's final work may delay `closed` (Genesys waits 10 s for it). */
  readonly closingBudgetMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
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
  const counters = { textIn: 0, textOut: 0, audioFramesIn: 0, audioBytesIn: 0, droppedWhilePaused: 0, problems: 0, rateLimited: 0 };
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
        // A client that makes us answer faster than Genesys's text budget (a ping flood) would grow
        // this queue without bound and push `closed` past the close deadline: it is cut off instead.
        if (writer.queuedTexts >= MAX_QUEUED_TEXTS) {
          onProblem({ code: 'ERR_SESSION_OUTBOUND_OVERFLOW', detail: `${writer.queuedTexts} texts queued` });
          socket.close(WS_CLOSE.policyViolation, 'outbound queue overflow');
          return;
        }
        counters.textOut += 1;
        logger.debug({ type: effect.message.type, seq: effect.message.seq }, 'message sent');
        writer.sendText(
          JSON.stringify(effect.message),
          effect.message.type === 'pause' || effect.message.type === 'resume' ? effect.message.type : 'text',
        );
        return;
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
      logger.info(
        { probe: event.probe, media: event.media?.format ?? 'none', channels: event.media?.channels.length ?? 0 },
        'session opened',
      );
      if (!event.probe && deps.createCall !== undefined) {
        call = guard(() =>
          deps.createCall?.(
            {
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
            },
            controls,
            logger,
          ),
        );
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
    if (event.type === 'closing') void finishClose();
    if (event.type === 'ended') onEndedEvent(event.outcome, event.lastPhase);
  }

  async function finishClose(): Promise<void> {
    const target = call;
    if (target?.onClosing !== undefined) {
      try {
        await withTimeout(clock, deps.closingBudgetMs, target.onClosing(), () => undefined);
      } catch (error) {
        logger.error({ err: toError(error) }, 'call failed while closing');
      }
    }
    run({ kind: 'command', command: { type: 'finishClose' } });
  }

  function onEndedEvent(outcome: 'closed' | 'socketLost', lastPhase: Phase): void {
    writer.close();
    for (const cancel of timers.values()) cancel();
    timers.clear();
    const summary: SessionSummary = {
      outcome,
      lastPhase,
      probe: state.probe,
      durationMs: Math.round(clock.now() - startedAtMs),
      textIn: counters.textIn,
      textOut: counters.textOut,
      audioFramesIn: counters.audioFramesIn,
      audioBytesIn: counters.audioBytesIn,
      audioFramesDroppedWhilePaused: counters.droppedWhilePaused,
      problems: counters.problems,
      rateLimited: counters.rateLimited,
    };
    logger.info(summary, 'session ended');
    deps.onEnded?.(summary);
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

  const controls: CallControls = {
    sendAudio: (pcmu) => {
      if (canSendAudio(state)) writer.enqueueAudio(pcmu);
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

  return {
    onText(text) {
      counters.textIn += 1;
      run({ kind: 'text', text });
    },
    onBinary(bytes) {
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
