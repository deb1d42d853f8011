import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientParameterSchemas } from '../../../runtime/src/protocol/messages.js';
import { plainAudioSamples, positionMs, step, withCountedAudio } from '../../../runtime/src/protocol/state-machine.js';
import type { SessionCommand, TimerName } from '../../../runtime/src/protocol/session-types.js';
import { textInput } from '../../support/protocol-builders.js';
import { events, expectWireInvariants, SessionDriver } from './session-driver.js';

type Action = (driver: SessionDriver) => void;

const commands: SessionCommand[] = [
  { type: 'disconnect', reason: 'completed', outputVariables: { a: '1' } },
  { type: 'disconnect', reason: 'error', info: 'x' },
  { type: 'event', entities: [{ type: 'barge_in', data: {} }] },
  { type: 'pause' },
  { type: 'resume' },
  { type: 'finishClose' },
  { type: 'shutdown' },
  { type: 'fail' },
];

const clientTypes = [...Object.keys(clientParameterSchemas), 'transcript_request'];
const anyAction: fc.Arbitrary<Action> = fc.oneof(
  fc.constantFrom(...clientTypes).map((type): Action => (d) => d.client(type)),
  fc.integer({ min: 0, max: 5 }).map((seq): Action => (d) => d.client('ping', { seq })),
  fc.constant<Action>((d) => d.input(textInput('{'))),
  fc.constantFrom(0, 1, 3, 160, 1_600).map((bytes): Action => (d) => d.binary(bytes)),
  fc.constantFrom<TimerName>('open', 'close', 'idle', 'linger').map((timer): Action => (d) => d.timer(timer)),
  fc.constantFrom(...commands).map((command): Action => (d) => d.command(command)),
  fc.integer({ min: 0, max: 40_000 }).map((ms): Action => (d) => void d.advance(ms)),
  fc.constant<Action>((d) => d.socketClosed()),
);

const scenarios: [string, Action[]][] = [
  [
    'a bot call that ends with disconnect completed',
    [
      (d) => d.open(),
      (d) => d.binary(1_600),
      (d) => d.client('playback_started'),
      (d) => d.client('ping'),
      (d) => d.command({ type: 'event', entities: [{ type: 'barge_in', data: {} }] }),
      (d) => d.client('dtmf'),
      (d) => d.client('playback_completed'),
      (d) => d.command({ type: 'disconnect', reason: 'completed', outputVariables: { intent: 'billing' } }),
      (d) => d.client('ping'),
      (d) => d.client('close', { parameters: { reason: 'disconnect' } }),
      (d) => d.command({ type: 'event', entities: [] }),
      (d) => d.command({ type: 'finishClose' }),
      (d) => d.timer('linger'),
      (d) => d.socketClosed(),
    ],
  ],
  [
    'a caller who hangs up after a pause',
    [
      (d) => d.open(),
      (d) => d.command({ type: 'pause' }),
      (d) => d.client('paused'),
      (d) => d.command({ type: 'resume' }),
      (d) => d.client('resumed'),
      (d) => d.client('close'),
      (d) => d.client('ping'),
      (d) => d.command({ type: 'finishClose' }),
      (d) => d.socketClosed(),
    ],
  ],
  [
    'a protocol violation followed by more violations and a close',
    [
      (d) => d.open(),
      (d) => d.client('ping', { seq: 7 }),
      (d) => d.input(textInput('nope')),
      (d) => d.command({ type: 'fail' }),
      (d) => d.command({ type: 'event', entities: [] }),
      (d) => d.client('close', { seq: 12 }),
      (d) => d.command({ type: 'finishClose' }),
      (d) => d.socketClosed(),
    ],
  ],
  ['an open timeout', [(d) => d.timer('open'), (d) => d.open(), (d) => d.client('close'), (d) => d.command({ type: 'finishClose' })]],
];

describe('server message invariants', () => {
  it.each(scenarios)('keep server seq gapless and envelopes exact in %s', (_name, actions) => {
    const driver = new SessionDriver();
    actions.forEach((act) => act(driver));
    expect(driver.sent.length).toBeGreaterThan(1);
    expectWireInvariants(driver.history);
  });

  it('numbers the messages of a full bot call 1 to 7 in send order', () => {
    const driver = new SessionDriver();
    scenarios[0]?.[1].forEach((act) => act(driver));
    expect(driver.sent.map((m) => [m.type, m.seq])).toEqual([
      ['opened', 1],
      ['pong', 2],
      ['event', 3],
      ['disconnect', 4],
      ['pong', 5],
      ['event', 6],
      ['closed', 7],
    ]);
  });

  it('hold for any sequence of inputs', () => {
    fc.assert(
      fc.property(fc.array(anyAction, { maxLength: 40 }), (actions) => {
        const driver = new SessionDriver();
        actions.forEach((act) => act(driver));
        expectWireInvariants(driver.history);
        const sent = driver.sent.map((m) => m.type);
        expect(sent.filter((t) => t === 'disconnect').length).toBeLessThanOrEqual(1);
        expect(sent.filter((t) => t === 'opened').length).toBeLessThanOrEqual(1);
        if (sent.includes('opened')) expect(sent[0]).toBe('opened');
        // `closed` is always the last message; `ended` is reported once and nothing follows it.
        if (sent.includes('closed')) expect(sent.at(-1)).toBe('closed');
        const endedAt = driver.history.findIndex((fx) => events(fx).some((e) => e.type === 'ended'));
        if (endedAt >= 0) expect(driver.history.slice(endedAt + 1).flat()).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('plain audio counted by the shell', () => {
  it('is exactly what step does with the frame, in any reachable state', () => {
    fc.assert(
      fc.property(fc.array(anyAction, { maxLength: 30 }), fc.constantFrom(0, 1, 3, 160, 320, 1_600), fc.integer({ min: 0, max: 1_000 }), (actions, bytes, laterMs) => {
        // Opened first, so that most runs reach a state where frames are plain (the rest are below).
        const driver = new SessionDriver();
        driver.open();
        actions.forEach((act) => act(driver));
        const nowMs = driver.nowMs + laterMs;
        const samples = plainAudioSamples(driver.state, bytes);
        if (samples === undefined) return;
        const stepped = step(driver.state, { kind: 'binary', byteLength: bytes }, nowMs);
        expect(withCountedAudio(driver.state, samples, nowMs)).toEqual(stepped.state);
        expect(stepped.effects).toEqual([{ kind: 'emit', event: { type: 'audio', samples, positionMs: positionMs(driver.state, samples) } }]);
      }),
      { numRuns: 400 },
    );
  });

  it('leaves to step every frame step does more with than count', () => {
    const driver = new SessionDriver();
    expect(plainAudioSamples(driver.state, 1_600)).toBeUndefined(); // before open: a violation
    driver.open();
    expect(plainAudioSamples(driver.state, 1_600)).toBe(1_600);
    expect(plainAudioSamples(driver.state, 0)).toBeUndefined();
    driver.client('paused');
    expect(plainAudioSamples(driver.state, 1_600)).toBeUndefined(); // audio while paused is reported
  });
});
