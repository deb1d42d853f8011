const EMPTY = new Uint8Array(0);

/**
 * A FIFO of byte chunks that hands out packets of any length: a view into one chunk when the packet
 * fits in it (zero-copy), a fresh copy only when a packet spans chunks. Chunks are kept by reference,
 * so callers must not modify bytes after pushing them. One per session, owned by the paced sender.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Index of the first chunk still (partly) queued. */
  private head = 0;
  /** Bytes of `chunks[head]` already taken. */
  private headOffset = 0;
  private total = 0;

  /** Bytes queued. */
  get length(): number {
    return this.total;
  }

  /** Appends `bytes` without copying; an empty chunk is ignored. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.total += bytes.length;
  }

  /**
   * Removes and returns the first `n` bytes (1 ≤ n ≤ length). The result may be a view of a pushed
   * chunk; it is never reused by the queue, so a socket may keep it.
   */
  take(n: number): Uint8Array {
    if (!(n >= 1 && n <= this.total)) throw new RangeError('take length out of range');
    const first = this.chunks[this.head]!;
    const available = first.length - this.headOffset;
    let out: Uint8Array;
    if (available >= n) {
      out = this.headOffset === 0 && n === first.length ? first : first.subarray(this.headOffset, this.headOffset + n);
      this.consume(n);
    } else {
      out = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        const chunk = this.chunks[this.head]!;
        const count = Math.min(chunk.length - this.headOffset, n - filled);
        out.set(chunk.subarray(this.headOffset, this.headOffset + count), filled);
        filled += count;
        this.consume(count);
      }
    }
    return out;
  }

  /** Drops everything in O(1) by swapping in a fresh array; returns the number of bytes dropped. */
  clear(): number {
    const dropped = this.total;
    this.chunks = [];
    this.head = 0;
    this.headOffset = 0;
    this.total = 0;
    return dropped;
  }

  // Advances past `count` bytes of the head chunk (count ≤ what is left in it).
  private consume(count: number): void {
    this.total -= count;
    this.headOffset += count;
    const chunk = this.chunks[this.head]!;
    if (this.headOffset < chunk.length) return;
    this.headOffset = 0;
    this.chunks[this.head] = EMPTY; // release the consumed chunk before compaction does
    this.head++;
    if (this.head === this.chunks.length) {
      // Empty: reset in place rather than keep a long array of consumed slots.
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      // Amortised O(1) compaction so a long prompt does not pin every consumed chunk.
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
