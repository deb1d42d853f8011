import { describe, expect, it } from 'vitest';
import { loadVadEngine } from '../../../runtime/src/audio/vad.js';
import { createBot } from '../../../runtime/src/bot/create-bot.js';
import { parseBotDefinition } from '../../../runtime/src/bot/definition-schema.js';
import type { Bot, TranscriptLine } from '../../../runtime/src/bot/ports.js';
import type { CallContext } from '../../../runtime/src/session/ports.js';
import { createVoiceCallFactory } from '../../../runtime/src/session/voice-call.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { AsyncQueue } from '../../../runtime/src/shared/async-queue.js';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import type { RecognizerOptions, RecognizerStream, SpeechRecognizer, TranscriptEvent } from '../../../runtime/src/speech/ports.js';
import { DEFAULT_CALL_OPTIONS, PCMU_MONO, RecordingControls, settle, transcriptEvent } from '../../support/call-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

/**
 * A recognizer that behaves like Transcribe at the end of input: when `end()` is called with an
 * utterance in progress, the final result of that utterance arrives afterwards, then the stream ends.
 * Aborting the signal ends the stream at once and loses that result.
 */
class ServiceLikeRecognizer implements SpeechRecognizer {
  readonly streams: { options: RecognizerOptions; samples: number; results: AsyncQueue<TranscriptEvent>; inProgress?: string }[] = [];

  start(options: RecognizerOptions, signal: AbortSignal): RecognizerStream {
    const stream: (typeof this.streams)[number] = { options, samples: 0, results: new AsyncQueue<TranscriptEvent>() };
    this.streams.push(stream);
    let ended = false;
    signal.addEventListener('abort', () => stream.results.close(), { once: true });
    return {
      write: (pcm16) => {
        if (!ended) stream.samples += pcm16.length;
      },
      end: () => {
        ended = true;
        void Promise.resolve().then(() => {
          if (stream.inProgress !== undefined) stream.results.push(transcriptEvent('final', 'r1', stream.inProgress));
          stream.results.close();
        });
      },
      results: stream.results,
    };
  }

  /** The caller is mid-utterance on the current stream: a partial result has arrived. */
  speakPartially(text: string): void {
    const stream = this.streams.at(-1)!;
    stream.inProgress = text;
    stream.results.push(transcriptEvent('partial', 'r1', text.split(' ').slice(0, -1).join(' ')));
  }
}

async function listenCall(definition: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const parsed = parseBotDefinition({ type: 'listen', ...definition });
  if (!parsed.ok) throw new Error('listen definition rejected');
  const real = createBot('listen', parsed.value, { clock, fetch });
  // The transcript lines the bot's turns append, as the call's recorder would store them.
  const recorded: TranscriptLine[] = [];
  const bot: Bot = {
    ...real,
    startConversation: (context, state) => {
      const conversation = real.startConversation(context, state);
      return {
        state: () => conversation.state(),
        turn: async (input, signal) => {
          const turn = await conversation.turn(input, signal);
          recorded.push(...(turn.transcript?.lines ?? []));
          return turn;
        },
      };
    },
  };
  const recognizer = new ServiceLikeRecognizer();
  const controls = new RecordingControls(clock);
  const factory = createVoiceCallFactory({
    bots: { get: () => bot },
    recognizer,
    synthesizer: new FakeSpeechSynthesizer({ clock }),
    vad: await loadVadEngine(),
    clock,
    options: DEFAULT_CALL_OPTIONS,
  });
  const context: CallContext = {
    sessionId: 's', connectorId: 'listen', organizationId: 'o', conversationId: 'c', correlationId: 'r',
    participant: { id: 'p', ani: '', aniName: '', dnis: '' }, media: PCMU_MONO, language: 'en-US', inputVariables: {}, customConfig: {},
  };
  const handler = factory(context, controls, silentLogger);
  await settle();
  const run = async (ms: number, stepMs: number): Promise<void> => {
    for (let t = 0; t < ms; t += stepMs) {
      clock.advance(stepMs);
      await settle();
    }
  };
  const utterances = (): unknown => recorded;
  return { clock, recognizer, controls, handler, run, utterances };
}

describe('long listen-only calls', () => {
  it('keeps a listen-only call past ten minutes and ends it only at the 8-hour safety limit', async () => {
    const call = await listenCall();

    await call.run(11 * 60_000, 60_000);
    expect(call.controls.disconnects).toEqual([]);

    await call.run(8 * 60 * 60_000 - 11 * 60_000, 60_000);
    expect(call.controls.disconnects).toEqual([
      expect.objectContaining({ outputVariables: expect.objectContaining({ fallbackReason: 'maxCallDuration' }) }),
    ]);
  });
});

describe('recognizer restarts finish the utterance in progress', () => {
  it('keeps the final result of an utterance cut by a language update, and carries the audio over', async () => {
    const call = await listenCall();
    call.recognizer.speakPartially('I would like to check my balance');
    await settle();

    call.handler.onEvent({ type: 'languageChanged', language: 'es-US' }, undefined);
    // Audio arriving while the old stream finishes goes to the next stream.
    call.handler.onEvent({ type: 'audio', samples: 160, positionMs: 0 }, new Uint8Array(160).fill(0xff));
    await call.run(500, 50);

    expect(call.utterances()).toEqual([expect.objectContaining({ text: 'I would like to check my balance' })]);
    expect(call.recognizer.streams.map((s) => s.options.languageCode)).toEqual(['en-US', 'es-US']);
    expect(call.recognizer.streams[1]!.samples).toBe(160);
  });

  it('keeps the final result of an utterance cut by a pause', async () => {
    const call = await listenCall();
    call.recognizer.speakPartially('please hold on a moment');
    await settle();

    call.handler.onEvent({ type: 'paused' }, undefined);
    await call.run(500, 50);

    expect(call.utterances()).toEqual([expect.objectContaining({ text: 'please hold on a moment' })]);
    expect(call.recognizer.streams).toHaveLength(1);
  });
});
