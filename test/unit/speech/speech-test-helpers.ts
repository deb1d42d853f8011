import { mulawToPcm16 } from '../../../runtime/src/audio/codec.js';
import type { FakeClock } from '../../support/fake-clock.js';

/** Lets pending promise callbacks (and the async generators waiting on them) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Reads an async iterable to its end. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Reads an async iterable to its end while moving a fake clock forward in `stepMs` steps. */
export async function collectWithClock<T>(iterable: AsyncIterable<T>, clock: FakeClock, stepMs = 50): Promise<T[]> {
  let done = false;
  const result = collect(iterable).finally(() => {
    done = true;
  });
  for (let steps = 0; !done && steps < 100_000; steps++) {
    await settle();
    if (!done) clock.advance(stepMs);
  }
  return result;
}

/** Joins byte chunks. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** PCM16 samples as little-endian bytes, written byte by byte (independent of host order). */
export function toLeBytes(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  samples.forEach((s, i) => {
    bytes[2 * i] = s & 0xff;
    bytes[2 * i + 1] = (s >> 8) & 0xff;
  });
  return bytes;
}

/** A tone of `ms` milliseconds at 8 kHz. */
export function tone(ms: number, amplitude = 8000, hz = 300): Int16Array {
  const n = Math.round(ms * 8);
  return Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)));
}

/** RMS level (PCM16 units) of μ-law audio. */
export function mulawRms(pcmu: Uint8Array): number {
  const pcm = mulawToPcm16(pcmu);
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return pcm.length === 0 ? 0 : Math.sqrt(sum / pcm.length);
}
