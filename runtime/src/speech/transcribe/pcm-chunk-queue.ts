import { endianness } from 'node:os';

const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

/** Sizing of a {@link PcmChunkQueue}. */
export interface PcmChunkQueueOptions {
  /** Size of every chunk handed to the consumer except a final short one (bytes, even). */
  readonly chunkBytes: number;
  /** Most bytes held for a stalled consumer; beyond it the oldest chunks are dropped. */
  readonly maxQueuedBytes: number;
}

/**
 * Turns PCM16 samples written in any frame size into uniform little-endian byte chunks (what
 * Transcribe's `pcm` encoding wants), held in a bounded FIFO for one async consumer. If the consumer
 * stalls, the oldest audio is dropped and counted: late audio is worth less than fresh audio, and
 * memory must not grow with the length of a stall.
 */
export class PcmChunkQueue {
  private readonly chunkBytes: number;
  private readonly maxQueuedBytes: number;
  private readonly stage: Uint8Array;
  private readonly stageView: DataView;
  private stageBytes = 0;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private closed = false;
  private wake: (() => void) | undefined;
  private dropped = 0;

  constructor(options: PcmChunkQueueOptions) {
    if (!Number.isInteger(options.chunkBytes) || options.chunkBytes <= 0 || options.chunkBytes % 2 !== 0) {
      throw new RangeError('chunkBytes must be a positive even integer');
    }
    if (options.maxQueuedBytes < options.chunkBytes) throw new RangeError('maxQueuedBytes must hold one chunk');
    this.chunkBytes = options.chunkBytes;
    this.maxQueuedBytes = options.maxQueuedBytes;
    this.stage = new Uint8Array(this.chunkBytes);
    this.stageView = new DataView(this.stage.buffer);
  }

  /** Bytes dropped so far because the consumer stalled. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** Appends samples (host order) as little-endian bytes; ignored after `close`. */
  write(pcm16: Int16Array): void {
    if (this.closed) return;
    if (!HOST_IS_LITTLE_ENDIAN) return this.writeSwapped(pcm16);
    // Host order is already little-endian: whole runs of bytes are copied, not sample by sample.
    const bytes = new Uint8Array(pcm16.buffer, pcm16.byteOffset, pcm16.byteLength);
    for (let offset = 0; offset < bytes.length; ) {
      const take = Math.min(this.chunkBytes - this.stageBytes, bytes.length - offset);
      this.stage.set(bytes.subarray(offset, offset + take), this.stageBytes);
      this.stageBytes += take;
      offset += take;
      if (this.stageBytes === this.chunkBytes) this.commitStage();
    }
  }

  private writeSwapped(pcm16: Int16Array): void {
    for (let i = 0; i < pcm16.length; i++) {
      this.stageView.setInt16(this.stageBytes, pcm16[i]!, true);
      this.stageBytes += 2;
      if (this.stageBytes === this.chunkBytes) this.commitStage();
    }
  }

  /** Ends input: the staged remainder becomes a final short chunk, then the consumer finishes. */
  close(): void {
    if (this.closed) return;
    if (this.stageBytes > 0) this.commitStage();
    this.closed = true;
    this.notify();
  }

  /** Ends input and throws away everything not yet consumed (abort). */
  discard(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.stageBytes = 0;
    this.closed = true;
    this.notify();
  }

  /** The chunks, in order, until `close` or `discard`. One consumer only. */
  async *chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.queuedBytes -= chunk.length;
        yield chunk;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private commitStage(): void {
    const chunk = this.stage.slice(0, this.stageBytes);
    this.stageBytes = 0;
    while (this.queue.length > 0 && this.queuedBytes + chunk.length > this.maxQueuedBytes) {
      const oldest = this.queue.shift()!;
      this.queuedBytes -= oldest.length;
      this.dropped += oldest.length;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
