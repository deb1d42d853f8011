import { beforeEach, describe, expect, it } from 'vitest';
import { FakeSpeechRecognizer, type FakeRecognizerOptions } from '../../../../runtime/src/speech/fake/fake-speech-recognizer.js';
import type { RecognizerStream, TranscriptEvent } from '../../../../runtime/src/speech/ports.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { settle, tone } from '../speech-test-helpers.js';

const silence = (ms: number) => new Int16Array(ms * 8);

describe('FakeSpeechRecognizer', () => {
  let clock: FakeClock;
  let received: TranscriptEvent[];
  let finished: boolean;

  beforeEach(() => {
    clock = new FakeClock();
    received = [];
    finished = false;
  });

  function start(options: Partial<FakeRecognizerOptions> = {}, signal = new AbortController().signal): RecognizerStream {
    const recognizer = new FakeSpeechRecognizer({ clock, transcripts: ['hello', 'goodbye'], ...options });
    const stream = recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, signal);
    void (async () => {
      for await (const event of stream.results) received.push(event);
      finished = true;
    })();
    return stream;
  }

  it('emits the first scripted transcript latencyMs after the hangover closes the utterance', async () => {
    const stream = start({ latencyMs: 300, hangoverMs: 500 });
    stream.write(tone(600));
    stream.write(silence(600));
    clock.advance(299);
    await settle();
    expect(received).toEqual([]);
    clock.advance(1);
    await settle();
    expect(received).toEqual([
      { kind: 'final', resultId: 'fake-0', text: 'hello', stableText: 'hello', startMs: 0, endMs: 600, confidence: 1, languageCode: 'en-US' },
    ]);
  });

  it('gives each utterance the next transcript of the script', async () => {
    const stream = start();
    for (let i = 0; i < 2; i++) {
      stream.write(tone(400));
      stream.write(silence(600));
    }
    clock.advance(300);
    await settle();
    expect(received.map((e) => e.text)).toEqual(['hello', 'goodbye']);
  });

  it('asks a transcript function for the text of each utterance index', async () => {
    const stream = start({ transcripts: (index) => `utterance ${index}` });
    for (let i = 0; i < 3; i++) {
      stream.write(tone(400));
      stream.write(silence(600));
    }
    clock.advance(300);
    await settle();
    expect(received.map((e) => e.text)).toEqual(['utterance 0', 'utterance 1', 'utterance 2']);
  });

  it('emits nothing for utterances past the end of the script', async () => {
    const stream = start({ transcripts: ['only one'] });
    for (let i = 0; i < 2; i++) {
      stream.write(tone(400));
      stream.write(silence(600));
    }
    clock.advance(300);
    await settle();
    expect(received.map((e) => e.text)).toEqual(['only one']);
  });

  it('ignores a burst shorter than minSpeechMs', async () => {
    const stream = start({ minSpeechMs: 100 });
    stream.write(tone(60));
    stream.write(silence(600));
    clock.advance(1000);
    await settle();
    expect(received).toEqual([]);
  });

  it('treats audio below the energy threshold as silence', async () => {
    const stream = start({ energyThreshold: 500 });
    stream.write(tone(1000, 300));
    stream.write(silence(600));
    clock.advance(1000);
    await settle();
    expect(received).toEqual([]);
  });

  it('closes an utterance in progress on end and finishes results after its transcript', async () => {
    const stream = start();
    stream.write(tone(400));
    stream.end();
    await settle();
    expect(finished).toBe(false);
    clock.advance(300);
    await settle();
    expect(received.map((e) => e.text)).toEqual(['hello']);
    expect(finished).toBe(true);
  });

  it('finishes results at once and cancels pending transcripts when aborted', async () => {
    const controller = new AbortController();
    const stream = start({}, controller.signal);
    stream.write(tone(400));
    stream.write(silence(600));
    controller.abort();
    await settle();
    expect(finished).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });
});
