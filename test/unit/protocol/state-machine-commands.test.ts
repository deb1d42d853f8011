import { describe, expect, it } from 'vitest';
import type { SessionCommand } from '../../../runtime/src/protocol/session-types.js';
import { disconnectParametersFor, driverIn, reported, SessionDriver, sends, sentTypes } from './session-driver.js';

const entities = [{ type: 'barge_in', data: {} }];

describe('disconnect command', () => {
  it('sends disconnect completed with exactly the output variables given', () => {
    const driver = driverIn('active');
    const effects = driver.command({ type: 'disconnect', reason: 'completed', outputVariables: { intent: 'billing', resolved: 'true' } });
    expect(sends(effects)).toEqual([
      {
        version: '2',
        id: driver.state.sessionId,
        type: 'disconnect',
        seq: 2,
        clientseq: 1,
        parameters: { reason: 'completed', outputVariables: { intent: 'billing', resolved: 'true' } },
      },
    ]);
  });

  it('sends only the reason when neither info nor output variables are given', () => {
    const [message] = sends(driverIn('active').command({ type: 'disconnect', reason: 'completed' }));
    expect(message?.parameters).toEqual({ reason: 'completed' });
  });

  it('passes info through', () => {
    const [message] = sends(driverIn('active').command({ type: 'disconnect', reason: 'error', info: 'bot failed' }));
    expect(message?.parameters).toEqual({ reason: 'error', info: 'bot failed' });
  });

  it('moves to disconnecting and starts the close timer', () => {
    const driver = driverIn('active', { closeTimeoutMs: 7_000 });
    const effects = driver.command({ type: 'disconnect', reason: 'completed' });
    expect(driver.phase).toBe('disconnecting');
    expect(effects).toContainEqual({ kind: 'startTimer', timer: 'close', ms: 7_000 });
  });

  it.each(['awaitingOpen', 'disconnecting', 'closing', 'closed'] as const)('is ignored in %s', (phase) => {
    const driver = driverIn(phase);
    expect(driver.command({ type: 'disconnect', reason: 'completed' })).toEqual([]);
    expect(driver.phase).toBe(phase);
  });
});

describe('event command', () => {
  it.each(['active', 'disconnecting', 'closing'] as const)('sends the entities as an event in %s', (phase) => {
    const driver = driverIn(phase);
    expect(sends(driver.command({ type: 'event', entities }))).toEqual([
      expect.objectContaining({ type: 'event', seq: driver.state.lastServerSeq, parameters: { entities } }),
    ]);
  });

  it.each(['awaitingOpen', 'closed'] as const)('is ignored in %s', (phase) => {
    expect(driverIn(phase).command({ type: 'event', entities })).toEqual([]);
  });
});

describe('pause and resume commands', () => {
  it.each(['pause', 'resume'] as const)('sends %s with empty parameters in active', (type) => {
    expect(sends(driverIn('active').command({ type }))).toEqual([expect.objectContaining({ type, seq: 2, parameters: {} })]);
  });

  it.each(
    (['awaitingOpen', 'disconnecting', 'closing', 'closed'] as const).flatMap((phase) =>
      (['pause', 'resume'] as const).map((type) => [type, phase] as const),
    ),
  )('ignores %s in %s', (type, phase) => {
    expect(driverIn(phase).command({ type })).toEqual([]);
  });
});

describe('finishClose command', () => {
  it('sends closed in closing, moves to closed and starts the linger timer', () => {
    const driver = driverIn('closing', { lingerMs: 3_000 });
    const effects = driver.command({ type: 'finishClose' });
    expect(sends(effects)).toEqual([expect.objectContaining({ type: 'closed', seq: 2, clientseq: 2, parameters: {} })]);
    expect(effects).toContainEqual({ kind: 'startTimer', timer: 'linger', ms: 3_000 });
    expect(driver.phase).toBe('closed');
  });

  it.each(['awaitingOpen', 'active', 'disconnecting', 'closed'] as const)('is ignored in %s', (phase) => {
    expect(driverIn(phase).command({ type: 'finishClose' })).toEqual([]);
  });
});

describe('shutdown and fail commands', () => {
  it.each<[SessionCommand['type'], 'ERR_SESSION_SHUTDOWN' | 'ERR_SESSION_INTERNAL']>([
    ['shutdown', 'ERR_SESSION_SHUTDOWN'],
    ['fail', 'ERR_SESSION_INTERNAL'],
  ])('%s in active sends disconnect error for %s', (type, code) => {
    const driver = driverIn('active');
    const effects = driver.command({ type } as SessionCommand);
    expect(sends(effects)).toEqual([expect.objectContaining({ type: 'disconnect', seq: 2, parameters: disconnectParametersFor(code) })]);
    expect(reported(effects)).toEqual([]);
    expect(driver.state.errorSignaled).toBe(true);
  });

  it('shutdown before open sends disconnect error as seq 1 and stops the open timer', () => {
    const driver = driverIn('awaitingOpen');
    const effects = driver.command({ type: 'shutdown' });
    expect(sends(effects)).toEqual([expect.objectContaining({ type: 'disconnect', seq: 1, clientseq: 0 })]);
    expect(effects).toContainEqual({ kind: 'cancelTimer', timer: 'open' });
  });

  it.each(['disconnecting', 'closing', 'closed'] as const)('shutdown is ignored in %s', (phase) => {
    expect(driverIn(phase).command({ type: 'shutdown' })).toEqual([]);
  });

  it('fail after an error was signalled sends nothing more', () => {
    const driver = driverIn('active');
    driver.command({ type: 'fail' });
    expect(driver.command({ type: 'fail' })).toEqual([]);
    expect(sentTypes(driver.history.flat())).toEqual(['opened', 'disconnect']);
  });

  it('fail after the session ended does nothing', () => {
    const driver = new SessionDriver();
    driver.socketClosed();
    const before = driver.state;
    expect(driver.command({ type: 'fail' })).toEqual([]);
    expect(driver.state).toBe(before);
  });
});
