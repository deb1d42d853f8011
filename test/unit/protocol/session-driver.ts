import { expect } from 'vitest';
import type { ServerMessage } from '../../../runtime/src/protocol/messages.js';
import type {
  Effect,
  Phase,
  SessionCommand,
  SessionEvent,
  SessionInput,
  SessionOptions,
  SessionState,
  TimerName,
} from '../../../runtime/src/protocol/session-types.js';
import { createSession, step } from '../../../runtime/src/protocol/state-machine.js';
import { wireOutcome, type ErrorCode } from '../../../runtime/src/shared/error-codes.js';
import {
  clientMessage,
  openParameters,
  SESSION_ID,
  sessionIds,
  sessionOptions,
  textInput,
  type EnvelopeOverrides,
} from '../../support/protocol-builders.js';

/**
 * Drives the pure state machine like a well-behaved Genesys client: numbers its messages, echoes the
 * last server seq, and keeps every transition so a test can check invariants across the whole run.
 */
export class SessionDriver {
  state: SessionState;
  nowMs: number;
  /** Effects of every step so far, createSession included, in order. */
  readonly history: Effect[][] = [];
  private clientSeq = 0;

  constructor(options: Partial<SessionOptions> = {}, ids: { sessionId?: string; organizationId?: string } = {}, nowMs = 0) {
    this.nowMs = nowMs;
    const initial = createSession({ ...sessionIds, ...ids }, sessionOptions(options), nowMs);
    this.state = initial.state;
    this.history.push([...initial.effects]);
  }

  get phase(): Phase {
    return this.state.phase;
  }

  input(input: SessionInput): Effect[] {
    const transition = step(this.state, input, this.nowMs);
    this.state = transition.state;
    const effects = [...transition.effects];
    this.history.push(effects);
    return effects;
  }

  /**
   * Sends a client message with the next seq (unless `seq` is given, which then becomes the
   * driver's count) and `serverseq` = the last server seq sent.
   */
  client(type: string, overrides: EnvelopeOverrides = {}): Effect[] {
    const seq = typeof overrides.seq === 'number' ? overrides.seq : this.clientSeq + 1;
    this.clientSeq = seq;
    return this.input(textInput(clientMessage(type, { serverseq: this.state.lastServerSeq, ...overrides, seq })));
  }

  open(parameters: Record<string, unknown> = {}): Effect[] {
    return this.client('open', { parameters: openParameters(parameters) });
  }

  binary(byteLength: number): Effect[] {
    return this.input({ kind: 'binary', byteLength });
  }

  timer(timer: TimerName): Effect[] {
    return this.input({ kind: 'timer', timer });
  }

  command(command: SessionCommand): Effect[] {
    return this.input({ kind: 'command', command });
  }

  socketClosed(): Effect[] {
    return this.input({ kind: 'socketClosed' });
  }

  advance(ms: number): this {
    this.nowMs += ms;
    return this;
  }

  /** Every message sent so far, in order. */
  get sent(): ServerMessage[] {
    return sends(this.history.flat());
  }
}

/** Brings a fresh driver to `phase` by the ordinary route (a completed disconnect for `disconnecting`). */
export function driverIn(phase: Exclude<Phase, 'ended'>, options: Partial<SessionOptions> = {}): SessionDriver {
  const driver = new SessionDriver(options);
  if (phase === 'awaitingOpen') return driver;
  driver.open();
  if (phase === 'disconnecting') driver.command({ type: 'disconnect', reason: 'completed' });
  if (phase === 'closing' || phase === 'closed') driver.client('close');
  if (phase === 'closed') driver.command({ type: 'finishClose' });
  expect(driver.phase).toBe(phase);
  return driver;
}

export const sends = (effects: readonly Effect[]): ServerMessage[] =>
  effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []));

export const events = (effects: readonly Effect[]): SessionEvent[] =>
  effects.flatMap((e) => (e.kind === 'emit' ? [e.event] : []));

export const reported = (effects: readonly Effect[]): ErrorCode[] =>
  effects.flatMap((e) => (e.kind === 'report' ? [e.problem.code] : []));

export const sentTypes = (effects: readonly Effect[]): string[] => sends(effects).map((m) => m.type);

export const disconnects = (effects: readonly Effect[]) => sends(effects).filter((m) => m.type === 'disconnect');

/** The `disconnect` parameters the error registry prescribes for `code`. */
export function disconnectParametersFor(code: ErrorCode): { reason: string; info: string } {
  const wire = wireOutcome(code);
  if (wire.kind !== 'disconnect') throw new Error(`${code} does not end in a disconnect`);
  return { reason: wire.reason, info: wire.info };
}

/**
 * The wire invariants of every server message across a whole run: seq is 1, 2, 3… with no gap or
 * repeat, the envelope is exactly version/id/type/seq/clientseq/parameters (never `position`),
 * `parameters` is always an object, and clientseq never goes past what the client sent.
 */
export function expectWireInvariants(history: readonly (readonly Effect[])[]): void {
  const messages = sends(history.flat());
  expect(messages.map((m) => m.seq)).toEqual(messages.map((_m, i) => i + 1));
  for (const message of messages) {
    expect(Object.keys(message).sort()).toEqual(['clientseq', 'id', 'parameters', 'seq', 'type', 'version']);
    expect(message).toMatchObject({ version: '2', id: SESSION_ID });
    expect(message.parameters).toBeTypeOf('object');
    expect(message.parameters).not.toBeNull();
    expect(message).not.toHaveProperty('position');
  }
}
