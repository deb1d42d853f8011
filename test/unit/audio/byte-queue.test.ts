import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../../runtime/src/audio/byte-queue.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('ByteQueue', () => {
  it('returns bytes in the order they were pushed, across chunk boundaries', () => {
    const q = new ByteQueue();
    q.push(bytes(1, 2, 3));
    q.push(bytes(4, 5));
    q.push(bytes(6));
    expect([...q.take(2)]).toEqual([1, 2]);
    expect([...q.take(3)]).toEqual([3, 4, 5]);
    expect([...q.take(1)]).toEqual([6]);
    expect(q.length).toBe(0);
  });

  it('hands out a view of the pushed chunk when the packet fits in it', () => {
    const chunk = bytes(1, 2, 3, 4);
    const q = new ByteQueue();
    q.push(chunk);
    const packet = q.take(3);
    expect(packet.buffer).toBe(chunk.buffer);
    expect(packet.byteOffset).toBe(0);
  });

  it('hands out the pushed chunk itself when a packet is exactly that chunk', () => {
    const chunk = bytes(1, 2);
    const q = new ByteQueue();
    q.push(chunk);
    expect(q.take(2)).toBe(chunk);
  });

  it('copies a packet that spans chunks into fresh memory', () => {
    const a = bytes(1, 2);
    const q = new ByteQueue();
    q.push(a);
    q.push(bytes(3));
    const packet = q.take(3);
    expect(packet.buffer).not.toBe(a.buffer);
    expect([...packet]).toEqual([1, 2, 3]);
  });

  it('ignores empty chunks', () => {
    const q = new ByteQueue();
    q.push(new Uint8Array(0));
    q.push(bytes(9));
    expect(q.length).toBe(1);
    expect([...q.take(1)]).toEqual([9]);
  });

  it('clears everything and reports how much it dropped', () => {
    const q = new ByteQueue();
    q.push(bytes(1, 2, 3));
    q.take(1);
    q.push(bytes(4));
    expect(q.clear()).toBe(3);
    expect(q.length).toBe(0);
  });

  it('keeps working after many chunks were consumed (compaction)', () => {
    const q = new ByteQueue();
    for (let i = 0; i < 500; i++) q.push(bytes(i & 0xff));
    const out: number[] = [];
    for (let i = 0; i < 300; i++) out.push(...q.take(1));
    for (let i = 500; i < 600; i++) q.push(bytes(i & 0xff));
    while (q.length > 0) out.push(...q.take(Math.min(7, q.length)));
    expect(out).toEqual(Array.from({ length: 600 }, (_, i) => i & 0xff));
  });

  it('rejects a take longer than what is queued with RangeError', () => {
    const q = new ByteQueue();
    q.push(bytes(1));
    expect(() => q.take(2)).toThrow(RangeError);
    expect(() => q.take(0)).toThrow(RangeError);
  });
});
