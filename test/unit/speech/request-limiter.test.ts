import { describe, expect, it } from 'vitest';
import { AppError } from '../../../runtime/src/shared/errors.js';
import type { SpeechSynthesizer, SynthesisRequest } from '../../../runtime/src/speech/ports.js';
import { RequestLimitedSynthesizer } from '../../../runtime/src/speech/request-limiter.js';
import { FakeClock } from '../../support/fake-clock.js';
import { settle } from '../../support/call-harness.js';

/** Records when each request reached the service and answers with one chunk. */
class RecordingService implements SpeechSynthesizer {
  /** Ms after the service was created. */
  readonly startedAt: number[] = [];
  private readonly origin: number;
  constructor(private readonly clock: FakeClock) {
    this.origin = clock.now();
  }
  async *synthesize(_request: SynthesisRequest): AsyncGenerator<Uint8Array> {
    this.startedAt.push(this.clock.now() - this.origin);
    yield await Promise.resolve(new Uint8Array([1]));
  }
}

const request = (text: string): SynthesisRequest => ({ text, ssml: false, languageCode: 'en-US' });

async function drain(synthesizer: SpeechSynthesizer, text: string, signal = new AbortController().signal): Promise<number> {
  let chunks = 0;
  for await (const _chunk of synthesizer.synthesize(request(text), signal)) chunks += 1;
  return chunks;
}

describe('RequestLimitedSynthesizer', () => {
  it('queues requests beyond the rate instead of failing them, and starts them as tokens arrive', async () => {
    const clock = new FakeClock();
    const service = new RecordingService(clock);
    const limiter = new RequestLimitedSynthesizer(service, { requestsPerSecond: 2, burst: 2, maxWaitMs: 5_000 }, clock);

    const done = Array.from({ length: 5 }, (_, i) => drain(limiter, `prompt ${i}`));
    await settle();
    expect(service.startedAt).toEqual([0, 0]);
    expect(limiter.waiting).toBe(3);
    for (let t = 0; t < 2_000; t += 50) {
      clock.advance(50);
      await settle();
    }

    expect(await Promise.all(done)).toEqual([1, 1, 1, 1, 1]);
    expect(service.startedAt).toEqual([0, 0, 500, 1_000, 1_500]);
  });

  it('fails a request at once as throttled when its wait would pass maxWaitMs', async () => {
    const clock = new FakeClock();
    const service = new RecordingService(clock);
    const limiter = new RequestLimitedSynthesizer(service, { requestsPerSecond: 1, burst: 1, maxWaitMs: 1_500 }, clock);
    void drain(limiter, 'a');
    void drain(limiter, 'b');
    await settle();

    const third = drain(limiter, 'c');

    await expect(third).rejects.toSatisfy((error) => error instanceof AppError && error.category === 'throttled');
  });

  it('drops an aborted waiting request from the queue without starting it', async () => {
    const clock = new FakeClock();
    const service = new RecordingService(clock);
    const limiter = new RequestLimitedSynthesizer(service, { requestsPerSecond: 1, burst: 1, maxWaitMs: 5_000 }, clock);
    void drain(limiter, 'a');
    const abort = new AbortController();
    const waiting = drain(limiter, 'b', abort.signal);
    await settle();

    abort.abort();

    expect(await waiting).toBe(0);
    expect(limiter.waiting).toBe(0);
    clock.advance(2_000);
    await settle();
    expect(service.startedAt).toEqual([0]);
  });
});
