import { describe, expect, it } from 'vitest';
import { clientParameterSchemas, type KnownClientMessageType } from '../../../runtime/src/protocol/messages.js';
import type { SessionEvent } from '../../../runtime/src/protocol/session-types.js';
import { ACCEPTED_MESSAGES } from '../../../runtime/src/protocol/state-machine.js';
import type { ErrorCode } from '../../../runtime/src/shared/error-codes.js';
import { SESSION_ID, textInput } from '../../support/protocol-builders.js';
import {
  disconnectParametersFor,
  disconnects,
  driverIn,
  events,
  expectWireInvariants,
  reported,
  SessionDriver,
  sends,
  sentTypes,
} from './session-driver.js';

const KNOWN_TYPES = Object.keys(clientParameterSchemas) as KnownClientMessageType[];
const LIVE_PHASES = ['awaitingOpen', 'active', 'disconnecting', 'closing', 'closed'] as const;

const activeDriver = (): SessionDriver => {
  const driver = new SessionDriver();
  driver.open();
  return driver;
};

describe('ping', () => {
  it('answers ping with pong whose clientseq is the ping seq', () => {
    const driver = activeDriver();
    driver.client('ping');
    driver.client('ping');
    expect(sends(driver.client('ping'))).toEqual([
      { version: '2', id: SESSION_ID, type: 'pong', seq: 4, clientseq: 4, parameters: {} },
    ]);
  });
});

describe('messages accepted in active', () => {
  const expected: Record<Exclude<KnownClientMessageType, 'open'>, { sent: string[]; event: SessionEvent['type'] | null }> = {
    ping: { sent: ['pong'], event: null },
    close: { sent: [], event: 'closing' },
    paused: { sent: [], event: 'paused' },
    resumed: { sent: [], event: 'resumed' },
    discarded: { sent: [], event: 'discarded' },
    update: { sent: [], event: 'languageChanged' },
    error: { sent: [], event: 'clientError' },
    dtmf: { sent: [], event: 'dtmf' },
    playback_started: { sent: [], event: 'playbackStarted' },
    playback_completed: { sent: [], event: 'playbackCompleted' },
  };

  it.each(Object.entries(expected))('handles %s in active without a violation', (type, { sent, event }) => {
    const driver = activeDriver();
    const effects = driver.client(type);
    expect(sentTypes(effects)).toEqual(sent);
    expect(events(effects).map((e) => e.type)).toEqual(event === null ? [] : [event]);
    expect(reported(effects)).not.toContain('ERR_PROTOCOL_UNEXPECTED_MESSAGE');
    expect(driver.state.lastClientSeq).toBe(2);
  });
});

describe('ACCEPTED_MESSAGES', () => {
  const rejectedRows = LIVE_PHASES.flatMap((phase) =>
    KNOWN_TYPES.filter((type) => !ACCEPTED_MESSAGES[phase].has(type)).map((type) => [phase, type] as const),
  );
  const acceptedRows = LIVE_PHASES.flatMap((phase) =>
    [...ACCEPTED_MESSAGES[phase]].map((type) => [phase, type] as const),
  );

  it('names only known message types', () => {
    const named = LIVE_PHASES.flatMap((phase) => [...ACCEPTED_MESSAGES[phase]]);
    expect(named.filter((type) => !KNOWN_TYPES.includes(type))).toEqual([]);
  });

  it.each(rejectedRows)('in %s, reports %s as an unexpected message', (phase, type) => {
    const driver = driverIn(phase);
    expect(reported(driver.client(type))).toEqual(['ERR_PROTOCOL_UNEXPECTED_MESSAGE']);
  });

  it.each(rejectedRows.filter(([phase]) => phase === 'awaitingOpen' || phase === 'active'))(
    'in %s, ends the session with disconnect error on %s',
    (phase, type) => {
      const driver = driverIn(phase);
      const effects = driver.client(type);
      expect(disconnects(effects).map((m) => m.parameters)).toEqual([disconnectParametersFor('ERR_PROTOCOL_UNEXPECTED_MESSAGE')]);
      expect(driver.phase).toBe('disconnecting');
    },
  );

  it.each(rejectedRows.filter(([phase]) => phase === 'closing' || phase === 'closed'))(
    'in %s, only reports %s: the close transaction already runs',
    (phase, type) => {
      const driver = driverIn(phase);
      expect(sends(driver.client(type))).toEqual([]);
      expect(driver.phase).toBe(phase);
    },
  );

  it.each(acceptedRows)('in %s, accepts %s without a violation', (phase, type) => {
    const driver = driverIn(phase);
    const effects = driver.client(type);
    expect(reported(effects)).not.toContain('ERR_PROTOCOL_UNEXPECTED_MESSAGE');
    expect(disconnects(effects)).toEqual([]);
  });

  it.each(KNOWN_TYPES.filter((type) => !['close', 'ping', 'error'].includes(type)))(
    'in disconnecting, ignores %s that was in flight before the client saw the disconnect',
    (type) => {
      const driver = driverIn('disconnecting');
      expect(driver.client(type)).toEqual([]);
      expect(driver.state.lastClientSeq).toBe(2);
    },
  );

  it('in disconnecting, answers ping with pong', () => {
    expect(sentTypes(driverIn('disconnecting').client('ping'))).toEqual(['pong']);
  });

  it('in closing, answers ping with pong', () => {
    expect(sentTypes(driverIn('closing').client('ping'))).toEqual(['pong']);
  });

  it('in closing, still reports a client error to the call', () => {
    expect(events(driverIn('closing').client('error')).map((e) => e.type)).toEqual(['clientError']);
  });
});

describe('envelope checks', () => {
  it.each<[string, (d: SessionDriver) => void, ErrorCode]>([
    ['a seq that skips a number', (d) => d.client('ping', { seq: 3 }), 'ERR_PROTOCOL_SEQ_GAP'],
    ['a duplicate seq', (d) => d.client('ping', { seq: 1 }), 'ERR_PROTOCOL_SEQ_GAP'],
    ['a serverseq ahead of what was sent', (d) => d.client('ping', { serverseq: 2 }), 'ERR_PROTOCOL_SERVERSEQ_AHEAD'],
    ['another session id', (d) => d.client('ping', { id: 'a0b0e395-84d3-4570-ac13-9a62d8f514c0' }), 'ERR_PROTOCOL_SESSION_ID_MISMATCH'],
  ])('rejects a client message with %s', (_name, violate, code) => {
    const driver = activeDriver();
    violate(driver);
    const effects = driver.history.at(-1) ?? [];
    expect(reported(effects)).toEqual([code]);
    expect(sends(effects)).toEqual([
      expect.objectContaining({ type: 'disconnect', seq: 2, clientseq: 1, parameters: disconnectParametersFor(code) }),
    ]);
    expect(driver.state.errorSignaled).toBe(true);
  });

  it('rejects an open whose seq is not 1', () => {
    const driver = new SessionDriver();
    const effects = driver.client('open', { seq: 2 });
    expect(reported(effects)).toEqual(['ERR_PROTOCOL_SEQ_GAP']);
    expect(sentTypes(effects)).toEqual(['disconnect']);
  });

  it('compares session ids without regard to case', () => {
    const driver = activeDriver();
    expect(sentTypes(driver.client('ping', { id: SESSION_ID.toUpperCase() }))).toEqual(['pong']);
  });

  it.each([
    ['invalid JSON', '{', 'ERR_PROTOCOL_INVALID_JSON'],
    ['an invalid envelope', JSON.stringify({ version: 2 }), 'ERR_PROTOCOL_INVALID_MESSAGE'],
    ['an oversized message', ' '.repeat(70_000), 'ERR_PROTOCOL_MESSAGE_TOO_LARGE'],
  ] as const)('ends the session with disconnect error on %s', (_name, text, code) => {
    const driver = activeDriver();
    const effects = driver.input(textInput(text));
    expect(reported(effects)).toEqual([code]);
    expect(disconnects(effects).map((m) => m.parameters)).toEqual([disconnectParametersFor(code)]);
  });

  it('sends a single disconnect however many violations follow', () => {
    const driver = activeDriver();
    driver.client('ping', { seq: 5 });
    driver.input(textInput('{'));
    driver.client('ping', { seq: 9 });
    expect(driver.sent.filter((m) => m.type === 'disconnect')).toHaveLength(1);
    expect(reported(driver.history.flat())).toEqual(['ERR_PROTOCOL_SEQ_GAP', 'ERR_PROTOCOL_INVALID_JSON', 'ERR_PROTOCOL_SEQ_GAP']);
  });

  it('answers a close with closed after an error was signalled, resynchronising on the client seq', () => {
    const driver = activeDriver();
    driver.client('ping', { seq: 5 });
    driver.client('close', { seq: 9, parameters: { reason: 'disconnect' } });
    const effects = driver.command({ type: 'finishClose' });
    expect(sends(effects)).toEqual([expect.objectContaining({ type: 'closed', seq: 3, clientseq: 9 })]);
    expectWireInvariants(driver.history);
  });

  // Regression: resynchronising only after an error disconnect left a client that broke seq after a
  // completed disconnect without its `closed`.
  it('answers a close with closed after a seq violation that follows a completed disconnect', () => {
    const driver = driverIn('disconnecting');
    driver.client('dtmf', { seq: 4 });
    driver.client('close', { parameters: { reason: 'disconnect' } });
    expect(sentTypes(driver.command({ type: 'finishClose' }))).toEqual(['closed']);
  });

  it('reports an unknown message type and goes on', () => {
    const driver = activeDriver();
    const effects = driver.client('transcript_request');
    expect(effects).toEqual([{ kind: 'report', problem: expect.objectContaining({ code: 'ERR_PROTOCOL_UNKNOWN_MESSAGE_TYPE' }) }]);
    expect(driver.phase).toBe('active');
  });

  it('counts an unknown message type in clientseq', () => {
    const driver = activeDriver();
    driver.client('transcript_request');
    expect(sends(driver.client('ping'))).toEqual([expect.objectContaining({ type: 'pong', clientseq: 3 })]);
  });
});

describe('stream messages', () => {
  it('reports a duplicate paused once', () => {
    const driver = activeDriver();
    const first = driver.client('paused');
    const second = driver.client('paused');
    expect([...events(first), ...events(second)]).toEqual([{ type: 'paused' }]);
    expect(reported(second)).toEqual([]);
  });

  it('reports resumed with its start and discarded durations in ms', () => {
    const driver = activeDriver();
    driver.client('paused');
    const effects = driver.client('resumed', { parameters: { start: 'PT2.5S', discarded: 'PT1.2S' } });
    expect(events(effects)).toEqual([{ type: 'resumed', startMs: 2_500, discardedMs: 1_200 }]);
    expect(driver.state.pausedByClient).toBe(false);
  });

  it('reports discarded with its start and discarded durations in ms', () => {
    const driver = activeDriver();
    const effects = driver.client('discarded', { parameters: { start: 'PT0S', discarded: 'PT0.4S' } });
    expect(events(effects)).toEqual([{ type: 'discarded', startMs: 0, discardedMs: 400 }]);
  });

  it('accepts a discarded whose start lies beyond the position and moves the timeline forward', () => {
    const driver = activeDriver();
    const effects = driver.client('discarded', { parameters: { start: 'PT60S', discarded: 'PT3S' } });
    expect(reported(effects)).toEqual([]);
    expect(driver.state.discardedMs).toBe(3_000);
  });

  it('reports an update with a language as a language change', () => {
    const driver = activeDriver();
    expect(events(driver.client('update', { parameters: { language: 'fr-CA' } }))).toEqual([
      { type: 'languageChanged', language: 'fr-CA' },
    ]);
    expect(driver.state.language).toBe('fr-CA');
  });

  it('ignores an update without a language', () => {
    const driver = activeDriver();
    expect(driver.client('update', { parameters: {} })).toEqual([]);
    expect(driver.state.language).toBe('en-US');
  });

  it('reports a client error with the retryAfter of a 429 in ms, and goes on', () => {
    const driver = activeDriver();
    const effects = driver.client('error', { parameters: { code: 429, message: 'rate', retryAfter: 'PT1.5S' } });
    expect(events(effects)).toEqual([{ type: 'clientError', code: 429, message: 'rate', retryAfterMs: 1_500 }]);
    expect(reported(effects)).toEqual(['ERR_PROTOCOL_CLIENT_ERROR']);
    expect(sends(effects)).toEqual([]);
    expect(driver.phase).toBe('active');
  });

  it('leaves retryAfterMs out of a client error without retryAfter', () => {
    const driver = activeDriver();
    const [event] = events(driver.client('error', { parameters: { code: 500, message: 'x' } }));
    expect(event).toEqual({ type: 'clientError', code: 500, message: 'x' });
  });

  it('reports each dtmf digit', () => {
    const driver = activeDriver();
    const digits = ['1', '#'].flatMap((digit) => events(driver.client('dtmf', { parameters: { digit } })));
    expect(digits).toEqual([
      { type: 'dtmf', digit: '1' },
      { type: 'dtmf', digit: '#' },
    ]);
  });

  it('reports playback started and completed', () => {
    const driver = activeDriver();
    const reportedEvents = [...events(driver.client('playback_started')), ...events(driver.client('playback_completed'))];
    expect(reportedEvents).toEqual([{ type: 'playbackStarted' }, { type: 'playbackCompleted' }]);
  });

  it('reports close with its reason and moves to closing', () => {
    const driver = activeDriver();
    expect(events(driver.client('close', { parameters: { reason: 'disconnect' } }))).toEqual([
      { type: 'closing', reason: 'disconnect' },
    ]);
    expect(driver.phase).toBe('closing');
  });

  it('reports a close without a reason as reason end', () => {
    const driver = activeDriver();
    expect(events(driver.client('close', { parameters: {} }))).toEqual([{ type: 'closing', reason: 'end' }]);
  });
});
