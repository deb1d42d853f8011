import { describe, expect, it } from 'vitest';
import { AsyncQueue } from '../../../runtime/src/shared/async-queue.js';
import type { RecognizerOptions, RecognizerStream, SpeechRecognizer, TranscriptEvent } from '../../../runtime/src/speech/ports.js';
import { RenewingRecognizer } from '../../../runtime/src/speech/renewing-recognizer.js';
import { settle, transcriptEvent } from '../../support/call-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

/** Like Transcribe at end of input: the final of an utterance in progress arrives after `end()`. */
class ServiceLikeRecognizer implements SpeechRecognizer {
  readonly streams: { samples: number; ended: boolean; results: AsyncQueue<TranscriptEvent>; inProgress?: string }[] = [];

  start(_options: RecognizerOptions, signal: AbortSignal): RecognizerStream {
    const stream: (typeof this.streams)[number] = { samples: 0, ended: false, results: new AsyncQueue<TranscriptEvent>() };
    this.streams.push(stream);
    signal.addEventListener('abort', () => stream.results.close(), { once: true });
    return {
      write: (pcm16) => {
        if (!stream.ended) stream.samples += pcm16.length;
      },
      end: () => {
        stream.ended = true;
        void Promise.resolve().then(() => {
          if (stream.inProgress !== undefined) stream.results.push(transcriptEvent('final', 'r', stream.inProgress));
          stream.results.close();
        });
      },
      results: stream.results,
    };
  }

  partial(text: string): void {
    const stream = this.streams.at(-1)!;
    stream.inProgress = text;
    stream.results.push(transcriptEvent('partial', 'r', text));
  }

  final(text: string): void {
    const stream = this.streams.at(-1)!;
    stream.inProgress = undefined;
    stream.results.push(transcriptEvent('final', 'r', text));
  }
}

function setUp() {
  const clock = new FakeClock();
  const service = new ServiceLikeRecognizer();
  const recognizer = new RenewingRecognizer(service, { renewAfterMs: 10_000, quietWaitMs: 2_000 }, clock);
  const stream = recognizer.start({ languageCode: 'en-US', sampleRateHz: 8000 }, new AbortController().signal);
  const received: TranscriptEvent[] = [];
  void (async () => {
    for await (const event of stream.results) received.push(event);
  })();
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 100) {
      clock.advance(100);
      await settle();
    }
  };
  return { clock, service, stream, received, advance };
}

describe('RenewingRecognizer', () => {
  it('renews the service stream at the first pause after renewAfterMs, without losing the utterance in progress', async () => {
    const { service, stream, received, advance } = setUp();
    await advance(9_900);
    service.partial('I am still');
    await settle();
    await advance(500);
    expect(service.streams).toHaveLength(1);

    service.final('I am still talking');
    await settle();
    stream.write(new Int16Array(160));
    await advance(100);

    expect(service.streams).toHaveLength(2);
    expect(service.streams[0]!.ended).toBe(true);
    expect(service.streams[1]!.samples).toBe(160);
    expect(received.filter((e) => e.kind === 'final').map((e) => e.text)).toEqual(['I am still talking']);
  });

  it('on a two-channel stream waits until neither channel is mid-utterance', async () => {
    const { service, received, advance } = setUp();
    await advance(9_900);
    const stream = service.streams[0]!;
    stream.results.push({ ...transcriptEvent('partial', 'a', 'the caller'), channel: 0 });
    stream.results.push({ ...transcriptEvent('partial', 'b', 'the agent'), channel: 1 });
    await settle();
    await advance(500);
    stream.results.push({ ...transcriptEvent('final', 'b', 'the agent speaks'), channel: 1 });
    await settle();
    await advance(200);
    // The caller is still speaking on channel 0: no renewal yet.
    expect(service.streams).toHaveLength(1);
    stream.results.push({ ...transcriptEvent('final', 'a', 'the caller speaks'), channel: 0 });
    await settle();
    await advance(100);
    expect(service.streams).toHaveLength(2);
    expect(received.filter((e) => e.kind === 'final').map((e) => e.text)).toEqual(['the agent speaks', 'the caller speaks']);
  });

  it('renews by quietWaitMs at the latest, and the final of the cut utterance still arrives', async () => {
    const { service, received, advance } = setUp();
    await advance(9_000);
    service.partial('a very long monologue');

    await advance(3_100);

    expect(service.streams).toHaveLength(2);
    expect(received.filter((e) => e.kind === 'final').map((e) => e.text)).toEqual(['a very long monologue']);
  });

  it('gives results of a renewed stream offsets from the start of the logical stream', async () => {
    const { service, received, advance } = setUp();
    await advance(10_100);
    expect(service.streams).toHaveLength(2);

    service.final('second stream');
    await settle();

    expect(received.at(-1)).toMatchObject({ text: 'second stream', startMs: 10_000 });
  });

  it('ends with the service stream when the caller ends it', async () => {
    const { service, stream, advance } = setUp();
    stream.end();
    await advance(20_000);
    expect(service.streams).toHaveLength(1);
  });
});
