import { describe, expect, it } from 'vitest';
import { createCallRecorderFactory } from '../../../runtime/src/session/stored-call-recorder.js';
import type { CallRecorder } from '../../../runtime/src/session/call-recorder.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { createMemorySessionStore } from '../../../runtime/src/store/memory-session-store.js';
import type { ConversationState, SessionRecord, SessionStore, TranscriptEntry } from '../../../runtime/src/store/ports.js';
import type { SessionWriter } from '../../../runtime/src/store/session-writer.js';
import { FakeClock } from '../../support/fake-clock.js';
import { conversation } from '../store/store-builders.js';

type Write =
  | { readonly op: 'createSession' | 'finishSession'; readonly record: SessionRecord }
  | { readonly op: 'putConversation'; readonly state: ConversationState }
  | { readonly op: 'appendTranscript'; readonly conversationId: string; readonly entries: readonly TranscriptEntry[] };

/** A writer that records what the recorder queues, in order. */
function recordingWriter(): SessionWriter & { readonly writes: Write[]; conversations(): ConversationState[] } {
  const writes: Write[] = [];
  return {
    writes,
    conversations: () => writes.flatMap((w) => (w.op === 'putConversation' ? [w.state] : [])),
    createSession: (record) => writes.push({ op: 'createSession', record }),
    finishSession: (record) => writes.push({ op: 'finishSession', record }),
    putConversation: (state) => writes.push({ op: 'putConversation', state }),
    appendTranscript: (conversationId, entries) => writes.push({ op: 'appendTranscript', conversationId, entries }),
  };
}

const INTERVAL_MS = 5_000;

function startCall(intervalMs = INTERVAL_MS): {
  clock: FakeClock;
  store: SessionStore;
  writer: ReturnType<typeof recordingWriter>;
  recorder: CallRecorder;
} {
  const clock = new FakeClock();
  const store = createMemorySessionStore({ clock });
  const writer = recordingWriter();
  const factory = createCallRecorderFactory({
    store,
    writer,
    participantPolicy: { mode: 'drop' },
    clock,
    logger: silentLogger,
    resumeTimeoutMs: 300,
    conversationWriteIntervalMs: intervalMs,
  });
  const recorder = factory({
    conversationId: 'conv-1',
    sessionId: 'sess-1',
    connectorId: 'default',
    organizationId: 'org-1',
    participant: { ani: '+13175550100', aniName: 'Ada', dnis: '+18005550199' },
    inputVariables: { customerName: 'Ann' },
    language: 'en-US',
  });
  return { clock, store, writer, recorder };
}

/** Turn `n` of a listen-only call: its transcript so far, one output variable per turn. */
function turn(n: number, ended = false): Parameters<CallRecorder['turnTaken']>[0] {
  return { botState: { utterances: n }, outputVariables: { [`v${n}`]: String(n) }, ended, language: 'en-US' };
}

describe('call recorder conversation checkpoints', () => {
  it('appends the transcript lines of a checkpoint as their own write, ahead of the state that counts them', () => {
    const { writer, recorder, clock } = startCall();
    const line = (seq: number): TranscriptEntry => ({ seq, text: `line ${seq}`, atEpochMs: clock.epochMs(), speaker: 'caller' });
    recorder.turnTaken({ ...turn(1), transcript: [line(0)] });
    recorder.turnTaken({ ...turn(2), transcript: [line(1)] });
    clock.advance(INTERVAL_MS);
    recorder.turnTaken({ ...turn(3), transcript: [line(2)] });
    clock.advance(INTERVAL_MS);
    expect(writer.writes.map((w) => w.op)).toEqual(['createSession', 'appendTranscript', 'putConversation', 'appendTranscript', 'putConversation']);
    const appends = writer.writes.flatMap((w) => (w.op === 'appendTranscript' ? [w.entries.map((e) => e.seq)] : []));
    // Each checkpoint writes only the lines since the previous one.
    expect(appends).toEqual([[0, 1], [2]]);
  });

  it('appends no transcript when the turns added no lines', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken({ ...turn(1), transcript: [] });
    clock.advance(INTERVAL_MS);
    expect(writer.writes.map((w) => w.op)).toEqual(['createSession', 'putConversation']);
  });

  it('writes the first turn one interval after the call opened, not at once', () => {
    const { writer, recorder, clock } = startCall();
    clock.advance(1_000);
    recorder.turnTaken(turn(1));
    expect(writer.conversations()).toEqual([]);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(INTERVAL_MS - 1_001);
    expect(writer.conversations()).toEqual([]);
    clock.advance(1);
    expect(writer.conversations()).toMatchObject([{ version: 1, turnCount: 1, botState: { utterances: 1 }, outputVariables: { v1: '1' } }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('writes a first turn that comes an interval or more after the open at once', () => {
    const { writer, recorder, clock } = startCall();
    clock.advance(INTERVAL_MS);
    recorder.turnTaken(turn(1));
    expect(writer.conversations()).toMatchObject([{ version: 1, turnCount: 1 }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('folds the turns of one interval into one write when the interval is up', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken(turn(1));
    clock.advance(INTERVAL_MS); // the first write; the next interval starts here
    clock.advance(1_000);
    recorder.turnTaken(turn(2));
    clock.advance(1_000);
    recorder.turnTaken(turn(3));
    clock.advance(1_000);
    recorder.turnTaken(turn(4));
    expect(writer.conversations()).toHaveLength(1);
    expect(clock.pendingTimers).toBe(1);

    clock.advance(INTERVAL_MS - 3_001);
    expect(writer.conversations()).toHaveLength(1);
    clock.advance(1);
    const [first, second] = writer.conversations();
    expect(second).toEqual({
      ...first,
      botState: { utterances: 4 },
      outputVariables: { v1: '1', v2: '2', v3: '3', v4: '4' },
      turnCount: 4,
      version: 2,
      updatedAtMs: clock.epochMs(),
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it('writes at once again once an interval has passed without a write', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken(turn(1));
    clock.advance(INTERVAL_MS * 3);
    recorder.turnTaken(turn(2));
    expect(writer.conversations().map((c) => [c.version, c.turnCount])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('counts the turns a checkpoint covers, unrecorded ones before it included', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken({ ...turn(1), turns: 3 });
    recorder.turnTaken(turn(2));
    clock.advance(INTERVAL_MS);
    expect(writer.conversations().map((c) => c.turnCount)).toEqual([4]);
  });

  it('writes nothing at the interval when no turn came', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken(turn(1));
    clock.advance(INTERVAL_MS * 2);
    expect(writer.conversations()).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('writes a turn that ends the conversation at once, with the turns before it', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken(turn(1));
    clock.advance(100);
    recorder.turnTaken(turn(2));
    clock.advance(100);
    recorder.turnTaken(turn(3, true));
    expect(writer.conversations().map((c) => ({ version: c.version, turnCount: c.turnCount, ended: c.ended }))).toEqual([
      { version: 1, turnCount: 3, ended: true },
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps `ended` when a later turn of the same write does not end', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken(turn(1));
    recorder.turnTaken(turn(2, true));
    clock.advance(10);
    recorder.turnTaken(turn(3));
    clock.advance(INTERVAL_MS);
    expect(writer.conversations().map((c) => c.ended)).toEqual([true, true]);
  });

  it('flushes pending turns when the call ends, before the session update, and leaves no timer', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken(turn(1));
    clock.advance(500);
    recorder.turnTaken(turn(2));
    recorder.ended({ outcome: 'callerHungUp', outputVariables: { v1: '1', v2: '2' }, turnCount: 2 });
    // A call shorter than the interval writes its conversation once.
    expect(writer.writes.map((w) => w.op)).toEqual(['createSession', 'putConversation', 'finishSession']);
    expect(writer.conversations()[0]).toMatchObject({ version: 1, turnCount: 2, ended: false, botState: { utterances: 2 } });
    expect(clock.pendingTimers).toBe(0);
    clock.advance(INTERVAL_MS * 2);
    expect(writer.writes).toHaveLength(3);
  });

  it('writes only the session update when the call ends with nothing pending', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken(turn(1));
    clock.advance(INTERVAL_MS);
    recorder.ended({ outcome: 'completed', outputVariables: { v1: '1' }, turnCount: 1 });
    expect(writer.writes.map((w) => w.op)).toEqual(['createSession', 'putConversation', 'finishSession']);
  });

  it('writes a turn that finishes after the call ended at once, with no timer left', () => {
    const { writer, recorder, clock } = startCall();
    recorder.turnTaken(turn(1));
    recorder.ended({ outcome: 'callerHungUp', outputVariables: { v1: '1' }, turnCount: 2 });
    recorder.turnTaken(turn(2));
    expect(writer.conversations().map((c) => c.turnCount)).toEqual([1, 2]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('continues a resumed conversation: one version per write, counting on from the stored one', async () => {
    const { writer, recorder, clock, store } = startCall();
    await store.putConversation(conversation({ version: 1, turnCount: 9 }));
    expect(await recorder.resume()).toEqual(conversation().botState);
    recorder.turnTaken(turn(1));
    recorder.turnTaken(turn(2));
    recorder.turnTaken(turn(3));
    clock.advance(INTERVAL_MS);
    expect(writer.conversations().map((c) => [c.version, c.turnCount])).toEqual([[2, 12]]);
    recorder.turnTaken(turn(4));
    clock.advance(INTERVAL_MS);
    expect(writer.conversations().map((c) => [c.version, c.turnCount])).toEqual([
      [2, 12],
      [3, 13],
    ]);
  });

  it('writes every turn at once with an interval of 0', () => {
    const { writer, recorder, clock } = startCall(0);
    for (let n = 1; n <= 3; n += 1) recorder.turnTaken(turn(n));
    expect(writer.conversations().map((c) => ({ version: c.version, turnCount: c.turnCount, botState: c.botState }))).toEqual([
      { version: 1, turnCount: 1, botState: { utterances: 1 } },
      { version: 2, turnCount: 2, botState: { utterances: 2 } },
      { version: 3, turnCount: 3, botState: { utterances: 3 } },
    ]);
    expect(writer.conversations()[2]?.outputVariables).toEqual({ v1: '1', v2: '2', v3: '3' });
    expect(clock.pendingTimers).toBe(0);
  });
});
