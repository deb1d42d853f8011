import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import type { PendingRecording } from '../../../runtime/src/store/recording-ports.js';
import { createRecordingUploadQueue } from '../../../runtime/src/store/recording-upload-queue.js';
import { createS3RecordingStore } from '../../../runtime/src/store/s3-recording-store.js';
import { FakeClock } from '../../support/fake-clock.js';

const OPTIONS = { maxQueued: 2, maxConcurrent: 1, maxAttempts: 3, retryBaseMs: 1_000, retryMaxMs: 30_000, random: () => 1 };

function recording(name: string): PendingRecording & { builds: number } {
  const pending = {
    name,
    reservedBytes: 100,
    builds: 0,
    objects() {
      pending.builds += 1;
      return Promise.resolve([
        { key: `recordings/${name}.wav`, body: new Uint8Array(4), contentType: 'audio/wav' },
        { key: `recordings/${name}.json`, body: new Uint8Array(2), contentType: 'application/json' },
      ]);
    },
  };
  return pending;
}

const slowDown = (): S3ServiceException =>
  new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Please reduce your request rate.' });

/** Lets the queue's promise chains run (mocked sends resolve on the microtask queue). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
};

describe('recording upload queue over S3 (mocked at the SDK client)', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());

  function start(clock = new FakeClock()) {
    const released: string[] = [];
    const lost: string[] = [];
    const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const queue = createRecordingUploadQueue({
      store: createS3RecordingStore(client, 'bucket', undefined),
      clock,
      logger: silentLogger,
      options: OPTIONS,
      released: (r) => released.push(r.name),
      lost: (reason) => lost.push(reason),
    });
    return { clock, queue, released, lost };
  }

  it('retries a slow S3 with back-off on the clock, without putting an object twice, then stores the recording', async () => {
    s3.on(PutObjectCommand).resolvesOnce({}).rejectsOnce(slowDown()).resolves({});
    const { clock, queue, released } = start();
    const one = recording('one');
    expect(queue.enqueue(one)).toBe(true);
    await settle();
    expect(queue.stats()).toMatchObject({ stored: 0, retried: 1, pending: 1 });
    clock.advance(999);
    await settle();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
    clock.advance(1);
    await settle();
    expect(queue.stats()).toMatchObject({ stored: 1, pending: 0 });
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      'recordings/one.wav',
      'recordings/one.json',
      'recordings/one.json',
    ]);
    expect(one.builds).toBe(1);
    expect(released).toEqual(['one']);
  });

  it('gives a recording up after its attempts and reports it lost (the metric the alarm watches)', async () => {
    s3.on(PutObjectCommand).rejects(slowDown());
    const { clock, queue, lost, released } = start();
    queue.enqueue(recording('one'));
    await settle();
    clock.advance(1_000);
    await settle();
    clock.advance(2_000);
    await settle();
    expect(queue.stats()).toMatchObject({ failed: 1, retried: 2, pending: 0 });
    expect(lost).toEqual(['failed']);
    expect(released).toEqual(['one']);
  });

  it('drops recordings beyond its bound at once, returning their buffers', async () => {
    s3.on(PutObjectCommand).rejects(slowDown());
    const { queue, lost, released } = start();
    expect(queue.enqueue(recording('a'))).toBe(true);
    expect(queue.enqueue(recording('b'))).toBe(true);
    expect(queue.enqueue(recording('c'))).toBe(false);
    await settle();
    expect(lost).toEqual(['dropped']);
    expect(released).toEqual(['c']);
  });

  it('lets the shutdown wait for pending uploads, within its time', async () => {
    s3.on(PutObjectCommand).rejectsOnce(slowDown()).resolves({});
    const { clock, queue } = start();
    queue.enqueue(recording('one'));
    await settle();
    const flushed = queue.flush(5_000);
    clock.advance(1_000);
    await settle();
    await expect(flushed).resolves.toBe(true);

    s3.on(PutObjectCommand).rejects(slowDown());
    queue.enqueue(recording('two'));
    await settle();
    const timedOut = queue.flush(500);
    clock.advance(500);
    await expect(timedOut).resolves.toBe(false);
    queue.close();
    expect(queue.stats()).toMatchObject({ pending: 0, dropped: 1 });
  });
});
