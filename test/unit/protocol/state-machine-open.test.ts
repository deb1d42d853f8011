import { describe, expect, it } from 'vitest';
import { createSession } from '../../../runtime/src/protocol/state-machine.js';
import {
  CONVERSATION_ID,
  mediaOffer,
  NULL_UUID,
  ORGANIZATION_ID,
  participant,
  pcmuMono,
  pcmuStereo,
  sessionIds,
  sessionOptions,
} from '../../support/protocol-builders.js';
import { disconnectParametersFor, disconnects, events, reported, SessionDriver, sends, sentTypes } from './session-driver.js';

describe('createSession', () => {
  it('starts awaiting open with the open and idle timers running', () => {
    const { state, effects } = createSession(sessionIds, sessionOptions({ openTimeoutMs: 4_000, idleTimeoutMs: 20_000 }), 0);
    expect(state).toMatchObject({ phase: 'awaitingOpen', lastClientSeq: 0, lastServerSeq: 0, opened: false, errorSignaled: false });
    expect(effects).toEqual([
      { kind: 'startTimer', timer: 'open', ms: 4_000 },
      { kind: 'startTimer', timer: 'idle', ms: 20_000 },
    ]);
  });
});

describe('open', () => {
  it('answers open with opened, seq 1 and clientseq 1', () => {
    const driver = new SessionDriver();
    const [opened, ...rest] = sends(driver.open());
    expect(rest).toEqual([]);
    expect(opened).toMatchObject({ type: 'opened', seq: 1, clientseq: 1 });
  });

  it('sends exactly startPaused false and the selected media in opened', () => {
    const driver = new SessionDriver();
    const [opened] = sends(driver.open({ media: [mediaOffer({ rate: 16_000 }), pcmuStereo] }));
    expect(opened?.parameters).toEqual({ startPaused: false, media: [pcmuStereo] });
  });

  it('moves to active and stops the open timer', () => {
    const driver = new SessionDriver();
    const effects = driver.open();
    expect(driver.phase).toBe('active');
    expect(effects).toContainEqual({ kind: 'cancelTimer', timer: 'open' });
  });

  it('offers no media in opened when no offer fits', () => {
    const driver = new SessionDriver();
    const [opened] = sends(driver.open({ media: [mediaOffer({ format: 'opus' })] }));
    expect(opened?.parameters).toEqual({ startPaused: false, media: [] });
    expect(driver.state.media).toBeNull();
  });

  it('returns the configured supported languages when the client asks for them', () => {
    const driver = new SessionDriver({ supportedLanguages: ['en-US', 'fr-FR'] });
    const [opened] = sends(driver.open({ supportedLanguages: true }));
    expect(opened?.parameters).toEqual({ startPaused: false, media: [pcmuMono], supportedLanguages: ['en-US', 'fr-FR'] });
  });

  it.each([false, undefined])('leaves supportedLanguages out when the client asks %s', (asked) => {
    const driver = new SessionDriver();
    const [opened] = sends(driver.open({ supportedLanguages: asked }));
    expect(opened?.parameters).not.toHaveProperty('supportedLanguages');
  });

  it('reports the opened call with its conversation, participant, language and defaults for absent maps', () => {
    const driver = new SessionDriver();
    expect(events(driver.open())).toEqual([
      {
        type: 'opened',
        probe: false,
        media: pcmuMono,
        conversationId: CONVERSATION_ID,
        participant: participant(),
        language: 'en-US',
        inputVariables: {},
        customConfig: {},
      },
    ]);
  });

  it('passes input variables and custom config on to the call', () => {
    const driver = new SessionDriver();
    const [opened] = events(driver.open({ inputVariables: { tier: 'gold' }, customConfig: { a: 1 } }));
    expect(opened).toMatchObject({ inputVariables: { tier: 'gold' }, customConfig: { a: 1 } });
  });

  it('rejects an open whose organization differs from the header with disconnect unauthorized, seq 1', () => {
    const driver = new SessionDriver();
    const effects = driver.open({ organizationId: 'a7934305-0972-4844-938e-9060eef73d05' });
    expect(sends(effects)).toEqual([
      expect.objectContaining({
        type: 'disconnect',
        seq: 1,
        clientseq: 1,
        parameters: disconnectParametersFor('ERR_AUTH_ORGANIZATION_MISMATCH'),
      }),
    ]);
    expect(sends(effects)[0]?.parameters).toMatchObject({ reason: 'unauthorized' });
    expect(reported(effects)).toEqual(['ERR_AUTH_ORGANIZATION_MISMATCH']);
    expect(events(effects)).toEqual([]);
    expect(driver.phase).toBe('disconnecting');
  });

  it('compares organization ids without regard to case', () => {
    const driver = new SessionDriver({}, { organizationId: ORGANIZATION_ID.toUpperCase() });
    expect(sentTypes(driver.open())).toEqual(['opened']);
  });

  it('answers the close after an unauthorized disconnect with closed, seq 2', () => {
    const driver = new SessionDriver();
    driver.open({ organizationId: 'a7934305-0972-4844-938e-9060eef73d05' });
    driver.client('close', { parameters: { reason: 'disconnect' } });
    expect(sends(driver.command({ type: 'finishClose' }))).toEqual([
      expect.objectContaining({ type: 'closed', seq: 2, clientseq: 2, parameters: {} }),
    ]);
  });

  it('rejects a second open in active as an unexpected message', () => {
    const driver = new SessionDriver();
    driver.open();
    const effects = driver.client('open');
    expect(reported(effects)).toEqual(['ERR_PROTOCOL_UNEXPECTED_MESSAGE']);
    expect(disconnects(effects).map((m) => m.parameters)).toEqual([disconnectParametersFor('ERR_PROTOCOL_UNEXPECTED_MESSAGE')]);
  });
});

describe('connection probe', () => {
  const probe = { conversationId: NULL_UUID, participant: participant({ id: NULL_UUID, ani: '', aniName: '', dnis: '' }) };

  it('opens a probe with no media even when a usable format is offered', () => {
    const driver = new SessionDriver();
    const [opened] = sends(driver.open(probe));
    expect(opened).toMatchObject({ type: 'opened', seq: 1, parameters: { startPaused: false, media: [] } });
  });

  it('reports the opened probe as a probe', () => {
    const driver = new SessionDriver();
    expect(events(driver.open(probe))).toEqual([expect.objectContaining({ type: 'opened', probe: true, media: null })]);
    expect(driver.state.probe).toBe(true);
  });

  it('ends a probe that sends audio with disconnect error', () => {
    const driver = new SessionDriver();
    driver.open(probe);
    const effects = driver.binary(160);
    expect(reported(effects)).toEqual(['ERR_PROTOCOL_UNEXPECTED_AUDIO']);
    expect(disconnects(effects).map((m) => m.parameters)).toEqual([disconnectParametersFor('ERR_PROTOCOL_UNEXPECTED_AUDIO')]);
  });

  it('completes the close transaction of a probe', () => {
    const driver = new SessionDriver();
    driver.open(probe);
    driver.client('close');
    expect(sentTypes(driver.command({ type: 'finishClose' }))).toEqual(['closed']);
  });
});

describe('open tolerance', () => {
  it('turns non-string input variables into their JSON text and reports their names', () => {
    const driver = new SessionDriver();
    const effects = driver.open({ inputVariables: { name: 'Ada', tier: 3, vip: true, none: null, nested: { a: 1 } } });
    expect(sentTypes(effects)).toEqual(['opened']);
    expect(events(effects)).toContainEqual(
      expect.objectContaining({ type: 'opened', inputVariables: { name: 'Ada', tier: '3', vip: 'true', none: 'null', nested: '{"a":1}' } }),
    );
    expect(reported(effects)).toEqual(['ERR_PROTOCOL_INPUT_VARIABLE_NOT_STRING']);
    const report = effects.find((e) => e.kind === 'report');
    expect(report?.kind === 'report' ? report.problem.detail : undefined).toBe('tier, vip, none, nested');
  });

  it('normalizes the open language to BCP 47 casing', () => {
    const driver = new SessionDriver();
    expect(events(driver.open({ language: 'en-us' }))).toContainEqual(expect.objectContaining({ type: 'opened', language: 'en-US' }));
    expect(driver.state.language).toBe('en-US');
  });

  it('selects only media the connector can use', () => {
    const driver = new SessionDriver({ media: { formats: ['PCMU'], maxChannels: 1 } });
    const [opened] = sends(driver.open({ media: [mediaOffer({ format: 'L16' }), pcmuStereo, pcmuMono] }));
    expect(opened?.parameters).toEqual({ startPaused: false, media: [pcmuMono] });
  });
});

describe('dtmf and update tolerance', () => {
  it('accepts lower-case a-d and reports the key upper-cased', () => {
    const driver = new SessionDriver();
    driver.open();
    expect(events(driver.client('dtmf', { parameters: { digit: 'b' } }))).toEqual([{ type: 'dtmf', digit: 'B' }]);
  });

  it('normalizes an update language to BCP 47 casing', () => {
    const driver = new SessionDriver();
    driver.open();
    expect(events(driver.client('update', { parameters: { language: 'ES-us' } }))).toEqual([{ type: 'languageChanged', language: 'es-US' }]);
  });
});
