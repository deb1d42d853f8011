import { describe, expect, it } from 'vitest';
import { PcmChunkQueue } from '../../../../runtime/src/speech/transcribe/pcm-chunk-queue.js';
import { collect, concatBytes, toLeBytes } from '../speech-test-helpers.js';

describe('PcmChunkQueue', () => {
  it('encodes host-order samples as little-endian bytes', async () => {
    const queue = new PcmChunkQueue({ chunkBytes: 4, maxQueuedBytes: 64 });
    queue.write(Int16Array.of(0x0102, -2));
    queue.close();
    expect(await collect(queue.chunks())).toEqual([Uint8Array.of(0x02, 0x01, 0xfe, 0xff)]);
  });

  it('gathers small writes into chunks of exactly chunkBytes', async () => {
    const queue = new PcmChunkQueue({ chunkBytes: 8, maxQueuedBytes: 64 });
    for (let i = 0; i < 8; i++) queue.write(Int16Array.of(i));
    queue.close();
    expect((await collect(queue.chunks())).map((c) => c.length)).toEqual([8, 8]);
  });

  it('emits the staged remainder as a final short chunk on close', async () => {
    const queue = new PcmChunkQueue({ chunkBytes: 8, maxQueuedBytes: 64 });
    const samples = Int16Array.of(1, 2, 3, 4, 5);
    queue.write(samples);
    queue.close();
    const chunks = await collect(queue.chunks());
    expect(chunks.map((c) => c.length)).toEqual([8, 2]);
    expect(concatBytes(chunks)).toEqual(toLeBytes(samples));
  });

  it('splits a write spanning several chunks, from a view into a larger buffer, byte for byte', async () => {
    const queue = new PcmChunkQueue({ chunkBytes: 6, maxQueuedBytes: 256 });
    const backing = Int16Array.from({ length: 40 }, (_, i) => (i * 1237) % 65536 - 32768);
    const view = backing.subarray(3, 33);
    queue.write(view.subarray(0, 1));
    queue.write(view.subarray(1));
    queue.close();
    const chunks = await collect(queue.chunks());
    expect(chunks.map((c) => c.length)).toEqual(Array.from({ length: 10 }, () => 6));
    expect(concatBytes(chunks)).toEqual(toLeBytes(view));
  });

  it('drops the oldest chunks and counts their bytes when the consumer stalls', async () => {
    const queue = new PcmChunkQueue({ chunkBytes: 4, maxQueuedBytes: 8 });
    queue.write(Int16Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    queue.close();
    expect(queue.droppedBytes).toBe(8);
    expect(concatBytes(await collect(queue.chunks()))).toEqual(toLeBytes(Int16Array.of(5, 6, 7, 8)));
  });

  it('ends the consumer and throws away queued audio on discard', async () => {
    const queue = new PcmChunkQueue({ chunkBytes: 4, maxQueuedBytes: 64 });
    queue.write(Int16Array.of(1, 2, 3));
    queue.discard();
    expect(await collect(queue.chunks())).toEqual([]);
  });

  it('ignores writes after close', async () => {
    const queue = new PcmChunkQueue({ chunkBytes: 4, maxQueuedBytes: 64 });
    queue.close();
    queue.write(Int16Array.of(1, 2));
    expect(await collect(queue.chunks())).toEqual([]);
  });

  it('rejects an odd chunk size', () => {
    expect(() => new PcmChunkQueue({ chunkBytes: 3, maxQueuedBytes: 64 })).toThrow(RangeError);
  });
});
