/**
 * Reassembles little-endian PCM16 samples from byte chunks of any length. A chunk boundary can
 * split a sample (odd byte counts in a streamed response), so the odd byte is carried over to the
 * next chunk instead of being lost or misaligning everything after it.
 */
export class Pcm16LeDecoder {
  private carry: number | undefined;

  /** Samples completed by `bytes` (possibly none); keeps a trailing odd byte for the next call. */
  push(bytes: Uint8Array): Int16Array {
    const carried = this.carry === undefined ? 0 : 1;
    const samples = new Int16Array((carried + bytes.length) >> 1);
    let sample = 0;
    let offset = 0;
    if (this.carry !== undefined && bytes.length > 0) {
      samples[sample++] = toInt16(this.carry | (bytes[0]! << 8));
      this.carry = undefined;
      offset = 1;
    }
    for (; offset + 1 < bytes.length; offset += 2) samples[sample++] = toInt16(bytes[offset]! | (bytes[offset + 1]! << 8));
    if (offset < bytes.length) this.carry = bytes[offset]!;
    return samples;
  }

  /** True when a lone byte is waiting for its pair (at the end of a stream it is dropped). */
  get hasPendingByte(): boolean {
    return this.carry !== undefined;
  }
}

function toInt16(value: number): number {
  return value >= 0x8000 ? value - 0x10000 : value;
}
