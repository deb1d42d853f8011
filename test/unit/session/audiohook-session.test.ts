import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../runtime/src/protocol/messages.js';
import type { SessionEvent, SessionOptions } from '../../../runtime/src/protocol/session-types.js';
import {
  createAudioHookSession,
  type AudioHookSession,
  type SessionSummary,
} from '../../../runtime/src/session/audiohook-session.js';
import type { OutboundWriter, OutboundWriterFactory } from '../../../runtime/src/session/outbound-writer.js';
import type { CallContext, CallControls, CallHandler, CallHandlerFactory, SessionSocket } from '../../../runtime/src/session/ports.js';
import { wireOutcome, type ErrorCode } from '../../../runtime/src/shared/error-codes.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { FakeClock } from '../../support/fake-clock.js';
import {
  clientMessage,
  CONVERSATION_ID,
  CORRELATION_ID,
  NULL_UUID,
  openParameters,
  ORGANIZATION_ID,
  participant,
  pcmuMono,
  SESSION_ID,
  sessionOptions,
  type EnvelopeOverrides,
} from '../../support/protocol-builders.js';

/** Records everything the session writes. */
class FakeSocket implements SessionSocket {
  readonly texts: string[] = [];
  readonly binaries: Uint8Array[] = [];
  readonly closes: { code: number; reason: string }[] = [];
  bufferedBytes = 0;

  sendText(text: string): void {
    this.texts.push(text);
  }

  sendBinary(bytes: Uint8Array): void {
    this.binaries.push(bytes);
  }

  close(code: number, reason: string): void {
    this.closes.push({ code, reason });
  }

  get messages(): ServerMessage[] {
    return this.texts.map((text) => JSON.parse(text) as ServerMessage);
  }

  get types(): string[] {
    return this.messages.map((m) => m.type);
  }
}

/** Writes straight through to the socket, no pacing; records back-off requests. */
class DirectWriter implements OutboundWriter {
  readonly backOffs: number[] = [];
  readonly audioAheadMs = 0;
  readonly queuedTexts = 0;
  closed = false;

  constructor(private readonly sink: Parameters<OutboundWriterFactory>[0]) {}

  sendText(text: string): void {
    if (!this.closed) this.sink.sendText(text);
  }

  enqueueAudio(pcmu: Uint8Array): void {
    if (!this.closed) this.sink.sendBinary(pcmu);
  }

  endOfPrompt(): void {}

  cancelAudio(): { droppedBytes: number } {
    return { droppedBytes: 0 };
  }

  backOff(retryAfterMs: number): void {
    this.backOffs.push(retryAfterMs);
  }

  onAudioDrained(_listener: () => void): () => void {
    return () => undefined;
  }

  close(): void {
    this.closed = true;
  }
}

interface CallBehaviour {
  onEvent?: (event: SessionEvent, controls: CallControls) => void;
  onClosing?: () => Promise<void>;
  onCreate?: (controls: CallControls) => void;
}

/** A call that records its context and every event it receives. */
function recordingCall(behaviour: CallBehaviour = {}) {
  const record = {
    contexts: [] as CallContext[],
    received: [] as { event: SessionEvent; audio: Uint8Array | undefined }[],
    controls: undefined as CallControls | undefined,
  };
  const factory: CallHandlerFactory = (context, controls) => {
    record.contexts.push(context);
    record.controls = controls;
    behaviour.onCreate?.(controls);
    const handler: CallHandler = {
      onEvent(event, audio) {
        record.received.push({ event, audio });
        behaviour.onEvent?.(event, controls);
      },
    };
    return behaviour.onClosing === undefined ? handler : { ...handler, onClosing: behaviour.onClosing };
  };
  return { factory, record };
}

interface Harness {
  clock: FakeClock;
  socket: FakeSocket;
  session: AudioHookSession;
  writer: DirectWriter;
  summaries: SessionSummary[];
  /** Sends a client message with the next seq and serverseq = the last seq the socket saw. */
  send(type: string, overrides?: EnvelopeOverrides): void;
  open(parameters?: Record<string, unknown>): void;
}

function setup(
  options: { createCall?: CallHandlerFactory; closingBudgetMs?: number; session?: Partial<SessionOptions>; clock?: FakeClock } = {},
): Harness {
  const clock = options.clock ?? new FakeClock();
  const socket = new FakeSocket();
  const summaries: SessionSummary[] = [];
  const writers: DirectWriter[] = [];
  const session = createAudioHookSession({
    socket,
    identity: { sessionId: SESSION_ID, organizationId: ORGANIZATION_ID, correlationId: CORRELATION_ID, connectorId: 'billing' },
    options: sessionOptions(options.session),
    closingBudgetMs: options.closingBudgetMs ?? 2_000,
    clock,
    logger: silentLogger,
    createWriter: (sink) => {
      const writer = new DirectWriter(sink);
      writers.push(writer);
      return writer;
    },
    ...(options.createCall === undefined ? {} : { createCall: options.createCall }),
    onEnded: (summary) => summaries.push(summary),
  });
  let seq = 0;
  const send = (type: string, overrides: EnvelopeOverrides = {}): void => {
    seq += 1;
    const serverseq = socket.messages.at(-1)?.seq ?? 0;
    session.onText(JSON.stringify(clientMessage(type, { seq, serverseq, ...overrides })));
  };
  expect(writers).toHaveLength(1);
  return {
    clock,
    socket,
    session,
    writer: writers[0]!,
    summaries,
    send,
    open: (parameters = {}) => send('open', { parameters: openParameters(parameters) }),
  };
}

/** Lets promise continuations (the bounded onClosing race) run; no time passes. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function disconnectFor(code: ErrorCode): { reason: string; info: string } {
  const wire = wireOutcome(code);
  if (wire.kind !== 'disconnect') throw new Error(`${code} does not end in a disconnect`);
  return { reason: wire.reason, info: wire.info };
}

const expectGapless = (socket: FakeSocket): void => {
  expect(socket.messages.map((m) => m.seq)).toEqual(socket.messages.map((_m, i) => i + 1));
};

describe('AudioHookSession: open', () => {
  it('sends opened synchronously when open arrives', () => {
    const h = setup();
    h.open();
    expect(h.socket.messages).toEqual([expect.objectContaining({ type: 'opened', seq: 1, clientseq: 1 })]);
  });

  it('creates the call once for an opened session, with the call context', () => {
    const { factory, record } = recordingCall();
    const h = setup({ createCall: factory });
    h.open({ inputVariables: { tier: 'gold' } });
    h.send('ping');
    h.send('dtmf');
    expect(record.contexts).toEqual([
      {
        sessionId: SESSION_ID,
        connectorId: 'billing',
        organizationId: ORGANIZATION_ID,
        correlationId: CORRELATION_ID,
        conversationId: CONVERSATION_ID,
        participant: participant(),
        media: pcmuMono,
        language: 'en-US',
        inputVariables: { tier: 'gold' },
        customConfig: {},
      },
    ]);
  });

  it('creates no call for a connection probe', () => {
    const { factory, record } = recordingCall();
    const h = setup({ createCall: factory });
    h.open({ conversationId: NULL_UUID, participant: participant({ id: NULL_UUID }) });
    expect(h.socket.types).toEqual(['opened']);
    expect(record.contexts).toEqual([]);
  });

  it('fires the open timeout through the clock', () => {
    const h = setup({ session: { openTimeoutMs: 5_000 } });
    h.clock.advance(4_999);
    expect(h.socket.messages).toEqual([]);
    h.clock.advance(1);
    expect(h.socket.messages).toEqual([
      expect.objectContaining({ type: 'disconnect', seq: 1, clientseq: 0, parameters: disconnectFor('ERR_PROTOCOL_OPEN_TIMEOUT') }),
    ]);
  });
});

describe('AudioHookSession: the call', () => {
  it('hands the call each audio frame with its bytes', () => {
    const { factory, record } = recordingCall();
    const h = setup({ createCall: factory });
    h.open();
    const frame = new Uint8Array(160).fill(0x7f);
    h.session.onBinary(frame);
    expect(record.received).toEqual([{ event: { type: 'audio', samples: 160, positionMs: 20 }, audio: frame }]);
    expect(record.received[0]?.audio).toBe(frame);
  });

  it('ends the session of a call that throws with disconnect error ERR_SESSION_INTERNAL', () => {
    const { factory } = recordingCall({
      onEvent: (event) => {
        if (event.type === 'dtmf') throw new Error('bot bug');
      },
    });
    const h = setup({ createCall: factory });
    h.open();
    h.send('dtmf');
    expect(h.socket.messages).toEqual([
      expect.objectContaining({ type: 'opened', seq: 1 }),
      expect.objectContaining({ type: 'disconnect', seq: 2, clientseq: 2, parameters: disconnectFor('ERR_SESSION_INTERNAL') }),
    ]);
  });

  it('leaves other sessions untouched when one call throws', () => {
    const clock = new FakeClock();
    const throwing = recordingCall({
      onEvent: () => {
        throw new Error('bot bug');
      },
    });
    const healthy = recordingCall();
    const a = setup({ createCall: throwing.factory, clock });
    const b = setup({ createCall: healthy.factory, clock });
    a.open();
    b.open();
    a.send('dtmf');
    b.send('dtmf');
    b.send('ping');
    expect(a.session.phase).toBe('disconnecting');
    expect(b.socket.types).toEqual(['opened', 'pong']);
    expect(b.session.phase).toBe('active');
    expect(healthy.record.received.map((r) => r.event.type)).toEqual(['dtmf']);
  });

  it('ends the session when creating the call throws', () => {
    const h = setup({
      createCall: () => {
        throw new Error('no such bot');
      },
    });
    h.open();
    expect(h.socket.messages).toEqual([
      expect.objectContaining({ type: 'opened', seq: 1 }),
      expect.objectContaining({ type: 'disconnect', seq: 2, parameters: disconnectFor('ERR_SESSION_INTERNAL') }),
    ]);
  });

  it('keeps seq order when the call sends an event and disconnects from inside onEvent', () => {
    const { factory } = recordingCall({
      onEvent: (event, controls) => {
        if (event.type !== 'dtmf') return;
        controls.sendEvent([{ type: 'bot_turn_response', data: { disposition: 'match' } }]);
        controls.disconnect('completed', { intent: 'billing' });
      },
    });
    const h = setup({ createCall: factory });
    h.open();
    h.send('dtmf');
    h.send('ping');
    expect(h.socket.messages.map((m) => [m.type, m.seq, m.clientseq])).toEqual([
      ['opened', 1, 1],
      ['event', 2, 2],
      ['disconnect', 3, 2],
      ['pong', 4, 3],
    ]);
    expect(h.socket.messages[2]?.parameters).toEqual({ reason: 'completed', outputVariables: { intent: 'billing' } });
  });

  it('sends an event the call raises while being created after opened', () => {
    const { factory } = recordingCall({ onCreate: (controls) => controls.sendEvent([{ type: 'greeting', data: {} }]) });
    const h = setup({ createCall: factory });
    h.open();
    expect(h.socket.types).toEqual(['opened', 'event']);
    expectGapless(h.socket);
  });

  it('sends bot audio only while the session is active', () => {
    const { factory, record } = recordingCall();
    const h = setup({ createCall: factory });
    h.open();
    record.controls?.sendAudio(new Uint8Array(1_600));
    record.controls?.disconnect('completed');
    record.controls?.sendAudio(new Uint8Array(1_600));
    expect(h.socket.binaries).toHaveLength(1);
  });

  it('backs the writer off by retryAfter when the client reports 429', () => {
    const h = setup();
    h.open();
    h.send('error', { parameters: { code: 429, message: 'rate', retryAfter: 'PT1.5S' } });
    expect(h.writer.backOffs).toEqual([1_500]);
  });

  it('does not back off on a client error other than 429', () => {
    const h = setup();
    h.open();
    h.send('error', { parameters: { code: 500, message: 'x', retryAfter: 'PT1S' } });
    expect(h.writer.backOffs).toEqual([]);
  });

  it('ends a live session with disconnect error ERR_SESSION_SHUTDOWN on shutdown', () => {
    const h = setup();
    h.open();
    h.session.shutdown();
    expect(h.socket.messages.at(-1)).toMatchObject({ type: 'disconnect', seq: 2, parameters: disconnectFor('ERR_SESSION_SHUTDOWN') });
  });
});

describe('AudioHookSession: close transaction', () => {
  it('sends closed at once when the call has no final work', () => {
    const { factory } = recordingCall();
    const h = setup({ createCall: factory });
    h.open();
    h.send('close');
    expect(h.socket.messages.at(-1)).toMatchObject({ type: 'closed', seq: 2, clientseq: 2, parameters: {} });
  });

  it('waits for the call onClosing before sending closed', async () => {
    let finish: () => void = () => undefined;
    const { factory } = recordingCall({ onClosing: () => new Promise<void>((resolve) => (finish = resolve)) });
    const h = setup({ createCall: factory });
    h.open();
    h.send('close');
    await flushMicrotasks();
    expect(h.socket.types).toEqual(['opened']);
    finish();
    await flushMicrotasks();
    expect(h.socket.types).toEqual(['opened', 'closed']);
  });

  it('sends closed after closingBudgetMs when onClosing never settles', async () => {
    const { factory } = recordingCall({ onClosing: () => new Promise<void>(() => undefined) });
    const h = setup({ createCall: factory, closingBudgetMs: 3_000 });
    h.open();
    h.send('close');
    h.clock.advance(2_999);
    await flushMicrotasks();
    expect(h.socket.types).toEqual(['opened']);
    h.clock.advance(1);
    await flushMicrotasks();
    expect(h.socket.messages.at(-1)).toMatchObject({ type: 'closed', seq: 2, clientseq: 2 });
  });

  it('sends closed when onClosing rejects', async () => {
    const { factory } = recordingCall({ onClosing: () => Promise.reject(new Error('flush failed')) });
    const h = setup({ createCall: factory });
    h.open();
    h.send('close');
    await flushMicrotasks();
    expect(h.socket.types).toEqual(['opened', 'closed']);
  });

  it('closes the socket normally when the client lingers after closed', () => {
    const h = setup({ session: { lingerMs: 5_000 } });
    h.open();
    h.send('close');
    h.clock.advance(5_000);
    expect(h.socket.closes).toEqual([{ code: 1000, reason: expect.any(String) }]);
  });

  it('counts audio frames as input for the idle timeout, and keeps their positions running', () => {
    const { factory, record } = recordingCall();
    const h = setup({ createCall: factory, session: { idleTimeoutMs: 30_000 } });
    h.open();
    h.send('discarded', { parameters: { start: 'PT0S', discarded: 'PT1S' } });
    h.clock.advance(20_000);
    h.session.onBinary(new Uint8Array(1_600));
    h.clock.advance(20_000);
    h.session.onBinary(new Uint8Array(1_600));
    h.session.onBinary(new Uint8Array(800));
    h.clock.advance(29_999);
    expect(h.socket.closes).toEqual([]);
    expect(record.received.filter((r) => r.event.type === 'audio').map((r) => r.event)).toEqual([
      { type: 'audio', samples: 1_600, positionMs: 1_200 },
      { type: 'audio', samples: 1_600, positionMs: 1_400 },
      { type: 'audio', samples: 800, positionMs: 1_500 },
    ]);
    h.clock.advance(1);
    expect(h.socket.closes).toEqual([{ code: 1001, reason: expect.any(String) }]);
  });

  it('closes the socket after the idle timeout of silence', () => {
    const h = setup({ session: { idleTimeoutMs: 30_000 } });
    h.open();
    h.clock.advance(29_999);
    expect(h.socket.closes).toEqual([]);
    h.clock.advance(1);
    expect(h.socket.closes).toEqual([{ code: 1001, reason: expect.any(String) }]);
  });
});

describe('AudioHookSession: end', () => {
  it('reports one summary with the session counters when the socket closes', () => {
    const h = setup();
    h.open();
    h.session.onBinary(new Uint8Array(160));
    h.session.onBinary(new Uint8Array(320));
    h.send('paused');
    h.session.onBinary(new Uint8Array(160));
    h.session.onBinary(new Uint8Array(160));
    h.send('ping');
    h.send('close');
    h.clock.advance(1_234);
    h.session.onSocketClosed();
    h.session.onSocketClosed();
    expect(h.summaries).toEqual([
      {
        outcome: 'closed',
        lastPhase: 'closed',
        probe: false,
        durationMs: 1_234,
        textIn: 4,
        textOut: 3,
        audioFramesIn: 2,
        audioBytesIn: 480,
        audioFramesDroppedWhilePaused: 2,
        problems: 2,
        rateLimited: 0,
        inboundIgnored: 0,
      },
    ]);
  });

  it('reports socketLost when the socket goes before closed was sent', () => {
    const h = setup();
    h.open();
    h.session.onSocketClosed();
    expect(h.summaries).toEqual([expect.objectContaining({ outcome: 'socketLost', lastPhase: 'active' })]);
  });

  it('tells the call the session ended', () => {
    const { factory, record } = recordingCall();
    const h = setup({ createCall: factory });
    h.open();
    h.session.onSocketClosed();
    expect(record.received.map((r) => r.event)).toEqual([{ type: 'ended', outcome: 'socketLost', lastPhase: 'active' }]);
  });

  it('stops every timer and the writer when the socket closes', () => {
    const h = setup();
    h.open();
    h.session.onSocketClosed();
    expect(h.clock.pendingTimers).toBe(0);
    expect(h.writer.closed).toBe(true);
  });

  it('ignores what the call asks after the session ended', () => {
    const { factory, record } = recordingCall();
    const h = setup({ createCall: factory });
    h.open();
    h.session.onSocketClosed();
    record.controls?.sendEvent([{ type: 'barge_in', data: {} }]);
    record.controls?.disconnect('completed');
    expect(h.socket.types).toEqual(['opened']);
    expect(h.session.phase).toBe('ended');
  });
});
