import { describe, expect, it } from 'vitest';
import { pcm16ToMulaw } from '../../../runtime/src/audio/codec.js';
import { loadVadEngine } from '../../../runtime/src/audio/vad.js';
import { createBot } from '../../../runtime/src/bot/create-bot.js';
import { parseBotDefinition } from '../../../runtime/src/bot/definition-schema.js';
import type { Bot, BotConversation, BotState, TranscriptLine } from '../../../runtime/src/bot/ports.js';
import { noCallMetrics } from '../../../runtime/src/session/call-metrics.js';
import type { CallRecorder } from '../../../runtime/src/session/call-recorder.js';
import type { MediaFormat } from '../../../runtime/src/protocol/index.js';
import type { CallContext } from '../../../runtime/src/session/ports.js';
import { createVoiceCallFactory } from '../../../runtime/src/session/voice-call.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import { DEFAULT_CALL_OPTIONS, RecordingControls, ScriptedRecognizer, settle, transcriptEvent } from '../../support/call-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

const STEREO: MediaFormat = { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 };

/**
 * A listen-only call on a stereo Monitor stream, with the conversation exposed for inspection, the
 * transcript lines its recorder was given, and the utterances metered as dropped.
 */
async function listenCall(
  media: MediaFormat,
  definition: Record<string, unknown> = {},
  recognizer = new ScriptedRecognizer(),
  persisted?: BotState,
): Promise<{
  recognizer: ScriptedRecognizer;
  conversation: () => BotConversation;
  recorded: TranscriptLine[];
  /** Checkpoints the recorder was given (one per turn that changed what is stored). */
  checkpoints: () => number;
  /** Turns the checkpoints so far cover, the unrecorded ones (the start) included. */
  turnsRecorded: () => number;
  /** Times the call read its stored conversation. */
  resumes: () => number;
  dropped: number[];
  controls: RecordingControls;
  audio: (frame: Uint8Array) => void;
  vadDetectors: () => number;
}> {
  const clock = new FakeClock();
  const parsed = parseBotDefinition({ type: 'listen', ...definition });
  if (!parsed.ok) throw new Error('listen definition rejected');
  const real = createBot('listen', parsed.value, { clock, fetch });
  let conversation: BotConversation | undefined;
  const bot: Bot = {
    ...real,
    startConversation: (context, state) => (conversation = real.startConversation(context, state)),
  };
  const controls = new RecordingControls(clock);
  const engine = await loadVadEngine();
  let vadDetectors = 0;
  const recorded: TranscriptLine[] = [];
  const dropped: number[] = [];
  let checkpoints = 0;
  let turnsRecorded = 0;
  let resumes = 0;
  const recorder: CallRecorder = {
    resume: () => {
      resumes += 1;
      return Promise.resolve(persisted);
    },
    turnTaken: (turn) => {
      checkpoints += 1;
      turnsRecorded += turn.turns ?? 1;
      recorded.push(...(turn.transcript ?? []));
    },
    ended: () => undefined,
  };
  const factory = createVoiceCallFactory({
    recorders: () => recorder,
    metrics: { ...noCallMetrics, transcriptDropped: (count) => void dropped.push(count) },
    bots: { get: () => bot },
    recognizer,
    synthesizer: new FakeSpeechSynthesizer({ clock }),
    vad: {
      createDetector: (options) => {
        vadDetectors += 1;
        return engine.createDetector(options);
      },
    },
    clock,
    options: DEFAULT_CALL_OPTIONS,
  });
  const context: CallContext = {
    sessionId: 's', connectorId: 'listen', organizationId: 'o', conversationId: 'c', correlationId: 'r',
    participant: { id: 'p', ani: '', aniName: '', dnis: '' }, media, language: 'en-US', inputVariables: {}, customConfig: {},
  };
  const handler = factory(context, controls, silentLogger);
  await settle();
  return {
    recognizer,
    controls,
    recorded,
    checkpoints: () => checkpoints,
    turnsRecorded: () => turnsRecorded,
    resumes: () => resumes,
    dropped,
    conversation: () => conversation!,
    audio: (frame) => handler.onEvent({ type: 'audio', samples: frame.length / 2, positionMs: 0 }, frame),
    vadDetectors: () => vadDetectors,
  };
}

describe('listen-only calls on a stereo stream', () => {
  it('transcribes the caller and the agent on separate streams and records both, labelled, as transcript lines', async () => {
    const call = await listenCall(STEREO);
    expect(call.recognizer.streams).toHaveLength(2);
    call.recognizer.streams[0]!.results.push(transcriptEvent('final', 'c1', 'my card was charged twice'));
    call.recognizer.streams[1]!.results.push(transcriptEvent('final', 'a1', 'let me look into that'));
    await settle(20);
    expect(call.recorded.map((u) => [u.seq, u.speaker, u.text])).toEqual([
      [0, 'caller', 'my card was charged twice'],
      [1, 'agent', 'let me look into that'],
    ]);
    expect(call.conversation().state()).toMatchObject({ lines: 2 });
    expect(call.controls.calls.some((c) => c.type === 'sendAudio')).toBe(false);
  });

  it('on a recognizer with channel identification, hears both channels on one stream and files each result under its channel', async () => {
    const recognizer = Object.assign(new ScriptedRecognizer(), { channelIdentification: true });
    const call = await listenCall(STEREO, {}, recognizer);
    expect(recognizer.streams).toHaveLength(1);
    expect(recognizer.streams[0]!.options.channels).toBe(2);
    call.audio(new Uint8Array(3200).fill(0xff));
    expect(recognizer.streams[0]!.samples).toBe(3200); // both channels, interleaved
    recognizer.emit({ ...transcriptEvent('final', 'a1', 'let me look into that'), channel: 1 });
    recognizer.emit({ ...transcriptEvent('final', 'c1', 'thank you'), channel: 0 });
    await settle(20);
    expect(call.recorded.map((u) => [u.speaker, u.text])).toEqual([
      ['agent', 'let me look into that'],
      ['caller', 'thank you'],
    ]);
  });

  it('writes no checkpoint for a turn that changes nothing stored (the start of the call), one per utterance after it', async () => {
    const call = await listenCall({ ...STEREO, channels: ['external'] });
    await settle(20);
    expect(call.checkpoints()).toBe(0);
    call.recognizer.streams[0]!.results.push(transcriptEvent('final', 'c1', 'hello'));
    await settle(20);
    expect(call.checkpoints()).toBe(1);
  });

  it('reads its stored conversation at the first utterance, not at the open (an open under a burst costs no store read), and continues its numbering', async () => {
    const stored = { version: 2, lines: 7, storedChars: 120, droppedUtterances: 0, truncated: false };
    const call = await listenCall({ ...STEREO, channels: ['external'] }, {}, new ScriptedRecognizer(), stored);
    await settle(20);
    const atOpen = call.resumes();

    call.recognizer.streams[0]!.results.push(transcriptEvent('final', 'c1', 'hello again'));
    await settle(20);

    expect({ atOpen, afterUtterance: call.resumes(), lines: call.recorded.map((u) => [u.seq, u.text]), turns: call.turnsRecorded() }).toEqual({
      atOpen: 0,
      afterUtterance: 1,
      lines: [[7, 'hello again']],
      turns: 2,
    });
  });

  it('feeds each stream only its own channel of the interleaved audio', async () => {
    const call = await listenCall(STEREO);
    call.audio(new Uint8Array(3200).fill(0xff));
    expect(call.recognizer.streams.map((s) => s.samples)).toEqual([1600, 1600]);
  });

  it('runs no VAD: a final result is the turn, even while the audio is loud speech', async () => {
    const call = await listenCall({ ...STEREO, channels: ['external'] });
    expect(call.vadDetectors()).toBe(0);
    const loud = pcm16ToMulaw(Int16Array.from({ length: 1600 }, (_, i) => Math.round(12_000 * Math.sin(i / 3))));
    call.audio(loud);
    call.recognizer.streams[0]!.results.push(transcriptEvent('partial', 'c1', 'i want to'));
    call.recognizer.streams[0]!.results.push(transcriptEvent('final', 'c1', 'i want to cancel'));
    call.audio(loud);
    await settle(20);
    expect(call.recorded.map((u) => u.text)).toEqual(['i want to cancel']);
  });

  it('meters the utterances past the transcript bound as dropped, and records none of them', async () => {
    const call = await listenCall({ ...STEREO, channels: ['external'] }, { maxUtterances: 1 });
    for (const [id, text] of [['c1', 'kept'], ['c2', 'over the bound'], ['c3', 'also over']] as const) {
      call.recognizer.streams[0]!.results.push(transcriptEvent('final', id, text));
      await settle(20);
    }
    expect(call.recorded.map((u) => u.text)).toEqual(['kept']);
    expect(call.dropped).toEqual([1, 1]);
    expect(call.conversation().state()).toMatchObject({ lines: 1, droppedUtterances: 2, truncated: true });
  });

  it('opens a single stream on a mono stream', async () => {
    const call = await listenCall({ ...STEREO, channels: ['external'] });
    expect(call.recognizer.streams).toHaveLength(1);
  });
});
