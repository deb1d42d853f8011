import { describe, expect, it } from 'vitest';
import type { SessionInput } from '../../../runtime/src/protocol/session-types.js';
import { clientMessage, textInput } from '../../support/protocol-builders.js';
import { disconnectParametersFor, driverIn, events, reported, SessionDriver, sends, sentTypes } from './session-driver.js';

describe('open timer', () => {
  it('ends a session that never opened with disconnect error, seq 1 and clientseq 0', () => {
    const driver = new SessionDriver();
    const effects = driver.advance(5_000).timer('open');
    expect(reported(effects)).toEqual(['ERR_PROTOCOL_OPEN_TIMEOUT']);
    expect(sends(effects)).toEqual([
      expect.objectContaining({ type: 'disconnect', seq: 1, clientseq: 0, parameters: disconnectParametersFor('ERR_PROTOCOL_OPEN_TIMEOUT') }),
    ]);
    expect(driver.phase).toBe('disconnecting');
  });

  it('ignores an open that arrives after the open timeout', () => {
    const driver = new SessionDriver();
    driver.timer('open');
    expect(driver.open()).toEqual([]);
    expect(driver.state.opened).toBe(false);
  });

  it('still answers the close that follows an open timeout', () => {
    const driver = new SessionDriver();
    driver.timer('open');
    driver.open();
    driver.client('close', { parameters: { reason: 'disconnect' } });
    expect(sends(driver.command({ type: 'finishClose' }))).toEqual([expect.objectContaining({ type: 'closed', seq: 2, clientseq: 2 })]);
  });

  it('does nothing once the session is open', () => {
    expect(driverIn('active').timer('open')).toEqual([]);
  });
});

describe('close timer', () => {
  it('closes the socket when the client does not answer a disconnect in time', () => {
    const effects = driverIn('disconnecting').timer('close');
    expect(reported(effects)).toEqual(['ERR_PROTOCOL_CLOSE_TIMEOUT']);
    expect(effects).toContainEqual({ kind: 'closeSocket', code: 1008, reason: expect.any(String) });
    expect(sends(effects)).toEqual([]);
  });

  it('is stopped by the client close', () => {
    const driver = driverIn('disconnecting');
    expect(driver.client('close')).toContainEqual({ kind: 'cancelTimer', timer: 'close' });
  });

  it.each(['active', 'closing', 'closed'] as const)('does nothing in %s', (phase) => {
    expect(driverIn(phase).timer('close')).toEqual([]);
  });
});

describe('linger timer', () => {
  it('closes the socket normally when the client lingers after closed', () => {
    expect(driverIn('closed').timer('linger')).toEqual([{ kind: 'closeSocket', code: 1000, reason: expect.any(String) }]);
  });

  it.each(['active', 'closing'] as const)('does nothing in %s', (phase) => {
    expect(driverIn(phase).timer('linger')).toEqual([]);
  });
});

describe('idle timer', () => {
  it('restarts for the remaining time when input arrived since it was set', () => {
    const driver = driverIn('active', { idleTimeoutMs: 30_000 });
    driver.advance(10_000).client('ping');
    expect(driver.advance(20_000).timer('idle')).toEqual([{ kind: 'startTimer', timer: 'idle', ms: 10_000 }]);
  });

  it('counts binary frames as input', () => {
    const driver = driverIn('active', { idleTimeoutMs: 30_000 });
    driver.advance(25_000).binary(160);
    expect(driver.advance(5_000).timer('idle')).toEqual([{ kind: 'startTimer', timer: 'idle', ms: 25_000 }]);
  });

  it('closes the socket after the idle timeout of silence', () => {
    const driver = driverIn('active', { idleTimeoutMs: 30_000 });
    const effects = driver.advance(30_000).timer('idle');
    expect(reported(effects)).toEqual(['ERR_PROTOCOL_IDLE_TIMEOUT']);
    expect(effects).toContainEqual({ kind: 'closeSocket', code: 1001, reason: expect.any(String) });
    expect(sends(effects)).toEqual([]);
  });

  it('closes the socket when the restarted timer finds no new input', () => {
    const driver = new SessionDriver({ idleTimeoutMs: 30_000 });
    driver.advance(10_000).open();
    driver.advance(20_000).timer('idle');
    expect(driver.advance(10_000).timer('idle')).toContainEqual({ kind: 'closeSocket', code: 1001, reason: expect.any(String) });
  });
});

describe('socket closed', () => {
  it('ends with outcome closed after closed was sent', () => {
    const driver = driverIn('closed');
    expect(events(driver.socketClosed())).toEqual([{ type: 'ended', outcome: 'closed', lastPhase: 'closed' }]);
    expect(driver.phase).toBe('ended');
  });

  it.each(['awaitingOpen', 'active', 'disconnecting', 'closing'] as const)('ends with outcome socketLost in %s', (phase) => {
    expect(events(driverIn(phase).socketClosed())).toEqual([{ type: 'ended', outcome: 'socketLost', lastPhase: phase }]);
  });

  it('cancels every timer', () => {
    const cancelled = driverIn('active')
      .socketClosed()
      .flatMap((e) => (e.kind === 'cancelTimer' ? [e.timer] : []));
    expect(cancelled.sort()).toEqual(['close', 'idle', 'linger', 'open']);
  });

  it('sends nothing', () => {
    expect(sentTypes(driverIn('active').socketClosed())).toEqual([]);
  });
});

describe('after the session ended', () => {
  const inputs: [string, SessionInput][] = [
    ['a text message', textInput(clientMessage('ping', { seq: 2, serverseq: 1 }))],
    ['invalid JSON', textInput('{')],
    ['a binary frame', { kind: 'binary', byteLength: 160 }],
    ['the open timer', { kind: 'timer', timer: 'open' }],
    ['the idle timer', { kind: 'timer', timer: 'idle' }],
    ['the linger timer', { kind: 'timer', timer: 'linger' }],
    ['a disconnect command', { kind: 'command', command: { type: 'disconnect', reason: 'completed' } }],
    ['an event command', { kind: 'command', command: { type: 'event', entities: [] } }],
    ['a shutdown command', { kind: 'command', command: { type: 'shutdown' } }],
    ['another socket close', { kind: 'socketClosed' }],
  ];

  it.each(inputs)('treats %s as a no-op', (_name, input) => {
    const driver = driverIn('active');
    driver.socketClosed();
    const before = driver.state;
    expect(driver.input(input)).toEqual([]);
    expect(driver.state).toBe(before);
  });
});
