import { describe, expect, it } from 'vitest';
import { FakeSpeechSynthesizer } from '../../../runtime/src/speech/fake/fake-speech-synthesizer.js';
import type { RecognizerStream, SpeechRecognizer, TranscriptEvent } from '../../../runtime/src/speech/ports.js';
import {
  collectDigits,
  createCallHarness,
  DEFAULT_CALL_OPTIONS,
  end,
  FailingSynthesizer,
  pendingUntilAborted,
  rejectWith,
  say,
  ScriptedRecognizer,
  transcriptEvent,
  type BotScript,
  type CallHarness,
  type CallHarnessOptions,
} from '../../support/call-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

const GREETING = 'Welcome to the billing line. Press one for billing, or tell me what you need.';
const BARGE_IN = [{ type: 'barge_in', data: {} }];

/** The billing menu: greet, then `1` (or saying "billing") ends with intent billing. */
const billingMenu: BotScript = {
  start: [say(GREETING)],
  digits: { '1': [say('Billing'), end({ intent: 'billing' })] },
  text: { 'billing please': [say('Billing'), end({ intent: 'billing' })] },
};

const start = (options: Partial<CallHarnessOptions> = {}): Promise<CallHarness> => createCallHarness({ script: billingMenu, ...options });

/** Bytes of PCMU the fake synthesizer makes for `text`. */
const pcmuBytesFor = (text: string): number =>
  Math.round((new FakeSpeechSynthesizer({ clock: new FakeClock() }).durationMs({ text, ssml: false, languageCode: 'en-US' }) * 8000) / 1000);

describe('voice call: greeting and DTMF', () => {
  it('greets on start: the synthesized greeting reaches sendAudio, then the prompt is ended', async () => {
    const call = await start();

    await call.untilNextPromptQueued();

    expect(call.bot.inputs).toEqual([{ type: 'start' }]);
    expect(call.controls.audioBytes).toBe(pcmuBytesFor(GREETING));
    expect(call.controls.sequence.at(-1)).toBe('endOfPrompt');
    expect(call.controls.sequence.filter((t) => t !== 'sendAudio')).toEqual(['endOfPrompt']);
  });

  it('synthesizes in the call language', async () => {
    const call = await start({ language: 'es-US' });

    await call.untilNextPromptQueued();

    expect(call.synthesisRequests).toEqual([{ text: GREETING, ssml: false, languageCode: 'es-US' }]);
  });

  it('barges in on a DTMF key while the greeting plays: cancels the audio and sends barge_in', async () => {
    const call = await start();
    await call.untilNextPromptQueued();

    await call.dtmf('1');

    expect(call.controls.callsOf('cancelAudio')).toHaveLength(1);
    expect(call.controls.events).toEqual([BARGE_IN]);
  });

  it('turns a DTMF key that barged in into a digits turn', async () => {
    const call = await start();
    await call.untilNextPromptQueued();

    await call.dtmf('1');
    await call.run(50);

    expect(call.bot.inputs).toEqual([{ type: 'start' }, { type: 'digits', digits: '1' }]);
  });

  it('disconnects completed with the output variables only after the last prompt played', async () => {
    const call = await start({ options: { playbackGraceMs: 60_000 } });
    await call.untilNextPromptQueued();
    await call.dtmf('1');
    await call.untilNextPromptQueued();
    await call.run(2_000);
    expect(call.controls.disconnects).toEqual([]);

    await call.playbackCompleted();

    expect(call.controls.disconnects).toEqual([
      expect.objectContaining({ reason: 'completed', outputVariables: { botOutcome: 'completed', intent: 'billing' } }),
    ]);
  });

  it('disconnects after the audio play time plus grace when playback_completed never comes', async () => {
    const call = await start();
    await call.untilNextPromptQueued();
    await call.dtmf('1');
    await call.untilNextPromptQueued();
    const queuedAt = call.clock.now();
    const playMs = pcmuBytesFor('Billing') / 8;

    await call.run(playMs + DEFAULT_CALL_OPTIONS.playbackGraceMs - 20);
    expect(call.controls.disconnects).toEqual([]);
    await call.run(40);

    expect(call.controls.disconnects).toHaveLength(1);
    expect(call.controls.disconnects[0]!.atMs - queuedAt).toBeGreaterThanOrEqual(playMs + DEFAULT_CALL_OPTIONS.playbackGraceMs);
  });

  it('collects digits the bot asked for into one digits turn, ended by the terminator', async () => {
    const call = await createCallHarness({
      script: {
        start: [say('Enter your account number, then hash.'), collectDigits(8, { terminator: '#' })],
        digits: { '1234': [say('Thanks'), end({ account: '1234' })] },
      },
    });
    await call.untilNextPromptQueued();

    for (const key of '1234#') await call.dtmf(key);
    await call.run(50);

    expect(call.bot.inputs).toEqual([{ type: 'start' }, { type: 'digits', digits: '1234' }]);
  });

  it('stops handing over prompt audio after a DTMF barge-in while the prompt is still streaming', async () => {
    const call = await start({ synthesizerOptions: { chunkIntervalMs: 200 } });
    await call.runUntil(() => call.controls.audio.length >= 2);

    await call.dtmf('9'); // unscripted: the bot answers with no prompt
    const callsAfterBargeIn = call.controls.calls.length;
    await call.run(5_000, 50);

    expect(call.controls.events).toEqual([BARGE_IN]);
    expect(call.controls.calls.slice(callsAfterBargeIn).filter((c) => c.type === 'sendAudio')).toEqual([]);
  });

  // Regression: collectDigits applied only after the preceding prompt had streamed split a keyed-ahead entry.
  it('collects a key that barges into a still-streaming prompt as the first digit of the entry', async () => {
    const call = await createCallHarness({
      script: { start: [say('Enter your account number, then hash.'), collectDigits(8, { terminator: '#' })] },
      synthesizerOptions: { chunkIntervalMs: 200 },
    });
    await call.runUntil(() => call.controls.audio.length >= 2);

    for (const key of '1234#') await call.dtmf(key);
    await call.run(50);

    expect(call.bot.inputs).toEqual([{ type: 'start' }, { type: 'digits', digits: '1234' }]);
  });

  it('still takes DTMF without a recognizer', async () => {
    const call = await start({ recognizer: null });
    await call.untilNextPromptQueued();
    await call.playbackCompleted();

    await call.dtmf('1');
    await call.run(50);

    expect(call.bot.inputs).toEqual([{ type: 'start' }, { type: 'digits', digits: '1' }]);
  });
});

describe('voice call: caller speech', () => {
  it('barges in when the caller speaks during an interruptible prompt', async () => {
    const call = await start({ recognizer: ['billing please'] });
    await call.untilNextPromptQueued();

    await call.speak(600);

    expect(call.controls.callsOf('cancelAudio')).toHaveLength(1);
    expect(call.controls.events).toEqual([BARGE_IN]);
  });

  it('turns the recognized speech after a barge-in into a text turn', async () => {
    const call = await start({ recognizer: ['billing please'] });
    await call.untilNextPromptQueued();

    await call.speak(1_200);
    await call.silent(1_000);
    await call.runUntil(() => call.bot.inputs.length >= 2, 3_000);

    expect(call.bot.inputs).toEqual([{ type: 'start' }, { type: 'text', text: 'billing please', confidence: 1 }]);
  });

  it('does not barge in on caller speech during a non-interruptible prompt', async () => {
    const call = await createCallHarness({ script: { start: [say(GREETING, { interruptible: false })] }, recognizer: ['hello'] });
    await call.untilNextPromptQueued();

    await call.speak(1_200);

    expect(call.controls.callsOf('cancelAudio')).toEqual([]);
    expect(call.controls.events).toEqual([]);
  });

  it('does not barge in on a DTMF key during a non-interruptible prompt', async () => {
    const call = await createCallHarness({ script: { start: [say(GREETING, { interruptible: false })] } });
    await call.untilNextPromptQueued();

    await call.dtmf('5');

    expect(call.controls.callsOf('cancelAudio')).toEqual([]);
    expect(call.controls.events).toEqual([]);
  });

  it('does not barge in on line silence', async () => {
    const call = await start({ recognizer: ['billing please'] });
    await call.untilNextPromptQueued();

    await call.silent(2_000);

    expect(call.controls.events).toEqual([]);
  });

  // Regression: a barge-in ended the prompt and the no-input timer was armed while the caller kept talking.
  it('does not run a no-input turn while the caller who barged in is still speaking', async () => {
    const call = await start({ recognizer: ['billing please'], voice: { noInputTimeoutMs: 2_000 } });
    await call.untilNextPromptQueued();

    await call.speak(3_000);
    await call.silent(1_000);
    await call.runUntil(() => call.bot.inputs.some((i) => i.type === 'text'), 3_000);

    expect(call.bot.inputs).toEqual([{ type: 'start' }, { type: 'text', text: 'billing please', confidence: 1 }]);
  });
});

describe('voice call: recognizer results', () => {
  it('barges in on a non-empty partial transcript during an interruptible prompt', async () => {
    const recognizer = new ScriptedRecognizer();
    const call = await start({ recognizer });
    await call.untilNextPromptQueued();

    recognizer.emit(transcriptEvent('partial', 'r1', 'billing'));
    await call.run(10);

    expect(call.controls.events).toEqual([BARGE_IN]);
  });

  it('does not barge in on an empty partial transcript', async () => {
    const recognizer = new ScriptedRecognizer();
    const call = await start({ recognizer });
    await call.untilNextPromptQueued();

    recognizer.emit(transcriptEvent('partial', 'r1', ''));
    await call.run(10);

    expect(call.controls.events).toEqual([]);
  });

  it('turns a final transcript while the caller is silent into a text turn', async () => {
    const recognizer = new ScriptedRecognizer();
    const call = await start({ recognizer });
    await call.untilNextPromptQueued();
    await call.playbackCompleted();

    recognizer.emit(transcriptEvent('final', 'r1', 'billing please', { confidence: 0.8 }));
    await call.run(10);

    expect(call.bot.inputs).toEqual([{ type: 'start' }, { type: 'text', text: 'billing please', confidence: 0.8 }]);
  });

  it('feeds the caller audio to the recognizer as 8 kHz PCM16', async () => {
    const recognizer = new ScriptedRecognizer();
    const call = await start({ recognizer });

    await call.silent(1_000);

    expect(recognizer.streams.map((s) => [s.options, s.samples])).toEqual([[{ languageCode: 'en-US', sampleRateHz: 8000 }, 8000]]);
  });

  it('restarts the recognizer and speaks in the new language after a language change', async () => {
    const recognizer = new ScriptedRecognizer();
    const call = await start({ recognizer });
    await call.untilNextPromptQueued();
    await call.playbackCompleted();

    call.event({ type: 'languageChanged', language: 'es-US' });
    await call.dtmf('1');
    await call.untilNextPromptQueued();

    expect(recognizer.streams.map((s) => s.options.languageCode)).toEqual(['en-US', 'es-US']);
    expect(call.synthesisRequests.at(-1)).toMatchObject({ text: 'Billing', languageCode: 'es-US' });
  });
});

describe('voice call: timeouts', () => {
  it('gives the bot a noInput turn after the no-input timeout following the last prompt', async () => {
    const call = await start({ voice: { noInputTimeoutMs: 4_000 } });
    await call.untilNextPromptQueued();
    await call.playbackCompleted();

    await call.run(3_990);
    expect(call.bot.inputs).toEqual([{ type: 'start' }]);
    await call.run(20);

    expect(call.bot.inputs).toEqual([{ type: 'start' }, { type: 'noInput' }]);
  });

  it('ends the call with botOutcome timeout at the maximum call duration', async () => {
    const call = await start({ voice: { maxCallDurationMs: 20_000 } });
    await call.run(19_990, 50);
    expect(call.controls.disconnects).toEqual([]);

    await call.run(20, 10);

    expect(call.controls.disconnects).toEqual([
      expect.objectContaining({ reason: 'completed', outputVariables: { botOutcome: 'fallback', fallbackReason: 'maxCallDuration' } }),
    ]);
  });

  it('stops a prompt that is playing when the maximum call duration is reached', async () => {
    const call = await createCallHarness({ script: { start: [say(GREETING)] }, voice: { maxCallDurationMs: 1_000 } });
    await call.untilNextPromptQueued();

    await call.run(1_000);

    expect(call.controls.sequence.slice(-2)).toEqual(['cancelAudio', 'disconnect']);
  });
});

describe('voice call: failures', () => {
  it('says the fallback prompt and disconnects with botOutcome error when a bot turn rejects', async () => {
    const call = await start({ script: { ...billingMenu, digits: { '1': rejectWith(new Error('bot backend down')) } } });
    await call.untilNextPromptQueued();
    await call.playbackCompleted();
    await call.dtmf('1');
    await call.untilNextPromptQueued();
    expect(call.controls.disconnects).toEqual([]);

    await call.playbackCompleted();

    expect(call.synthesisRequests.map((r) => r.text)).toEqual([GREETING, DEFAULT_CALL_OPTIONS.fallbackPrompt]);
    expect(call.controls.disconnects).toEqual([
      expect.objectContaining({ reason: 'completed', outputVariables: { botOutcome: 'fallback', fallbackReason: 'error', failedDependency: 'bot' } }),
    ]);
  });

  it('disconnects with the fallback outcome when synthesis fails, after trying the (cached) fallback prompt', async () => {
    const synthesizer = new FailingSynthesizer();
    const call = await start({ synthesizer });

    await call.run(100);

    expect(synthesizer.requests).toEqual([GREETING, DEFAULT_CALL_OPTIONS.fallbackPrompt]);
    expect(call.controls.audio).toEqual([]);
    expect(call.controls.disconnects).toEqual([
      expect.objectContaining({ reason: 'completed', outputVariables: { botOutcome: 'fallback', fallbackReason: 'error', failedDependency: 'synthesizer' } }),
    ]);
  });

  it('hands the call back with botOutcome error when the recognizer keeps failing', async () => {
    const call = await start({ recognizer: new FailingRecognizer(), options: { maxRecognizerFailuresPerMinute: 2 } });

    await call.runUntil(() => call.controls.disconnects.length > 0, 20_000, 50);

    expect(call.controls.disconnects).toEqual([
      expect.objectContaining({ reason: 'completed', outputVariables: { botOutcome: 'fallback', fallbackReason: 'error', failedDependency: 'recognizer' } }),
    ]);
  });
});

describe('voice call: caller hangs up', () => {
  it('aborts the running bot turn on closing', async () => {
    const call = await start({ script: { ...billingMenu, digits: { '1': pendingUntilAborted } } });
    await call.untilNextPromptQueued();
    await call.dtmf('1');
    await call.run(50);

    await call.closing();

    expect(call.bot.turns.map((t) => t.signal.aborted)).toEqual([true, true]);
  });

  it('sends no disconnect and no audio after closing', async () => {
    const call = await start({ script: { ...billingMenu, digits: { '1': pendingUntilAborted } } });
    await call.untilNextPromptQueued();
    await call.dtmf('1');
    await call.run(50);
    const callsBefore = call.controls.calls.length;

    await call.closing();
    await call.run(30_000, 500);

    expect(call.controls.calls.slice(callsBefore).filter((c) => c.type === 'disconnect' || c.type === 'sendAudio')).toEqual([]);
  });

  it('runs no further bot turn after closing during a prompt', async () => {
    const call = await start();
    await call.untilNextPromptQueued();

    await call.closing();
    await call.run(30_000, 500);

    expect(call.bot.inputs).toEqual([{ type: 'start' }]);
    expect(call.controls.disconnects).toEqual([]);
  });

  // Regression: closing during a prompt left a no-input timer armed after cleanup.
  it('leaves no timer running after closing during a prompt', async () => {
    const call = await start();
    await call.untilNextPromptQueued();

    await call.closing();

    expect(call.clock.pendingTimers).toBe(0);
  });
});

/** A recognizer whose every stream fails at once. */
class FailingRecognizer implements SpeechRecognizer {
  started = 0;

  start(): RecognizerStream {
    this.started += 1;
    const failure = new Error('stream dropped');
    return {
      write: () => undefined,
      end: () => undefined,
      results: { [Symbol.asyncIterator]: () => ({ next: (): Promise<IteratorResult<TranscriptEvent>> => Promise.reject(failure) }) },
    };
  }
}
