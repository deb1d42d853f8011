import type { OutboundSink } from '../../../runtime/src/audio/paced-sender.js';
import type { FakeClock } from '../../support/fake-clock.js';
import type { SendKind, SendRecord } from '../../../runtime/tools/support/genesys-rate-checker.js';

/** A sent message as the recording sink saw it. */
export type Sent =
  | { readonly atMs: number; readonly kind: 'binary'; readonly bytes: Uint8Array }
  | { readonly atMs: number; readonly kind: Exclude<SendKind, 'binary'>; readonly text: string };

/**
 * An OutboundSink that records what is sent and when, with a settable socket buffer level. Texts are
 * classified by their JSON `type` (`pause`/`resume`), as the peer would count them.
 */
export class RecordingSink implements OutboundSink {
  readonly sent: Sent[] = [];
  bufferedBytes = 0;

  constructor(private readonly clock: FakeClock) {}

  sendText(text: string): void {
    const type = (JSON.parse(text) as { type?: unknown }).type;
    const kind = type === 'pause' || type === 'resume' ? type : 'text';
    this.sent.push({ atMs: this.clock.now(), kind, text });
  }

  sendBinary(bytes: Uint8Array): void {
    this.sent.push({ atMs: this.clock.now(), kind: 'binary', bytes });
  }

  get binaries(): { atMs: number; bytes: Uint8Array }[] {
    return this.sent.flatMap((s) => (s.kind === 'binary' ? [{ atMs: s.atMs, bytes: s.bytes }] : []));
  }

  get texts(): string[] {
    return this.sent.flatMap((s) => (s.kind === 'binary' ? [] : [s.text]));
  }

  /** The sends as checker records; `endsPrompt` decides which binaries may be short. */
  records(endsPrompt: (binaryIndex: number) => boolean = () => false): SendRecord[] {
    let binaryIndex = 0;
    return this.sent.map((s) =>
      s.kind === 'binary'
        ? { atMs: s.atMs, kind: 'binary', bytes: s.bytes.length, endsPrompt: endsPrompt(binaryIndex++) }
        : { atMs: s.atMs, kind: s.kind, bytes: s.text.length },
    );
  }
}

/** A JSON text message of the given AudioHook type, numbered so order can be checked. */
export const message = (type: string, n = 0): string => JSON.stringify({ type, n });

/** `length` bytes whose values continue a position-dependent pattern, so order errors show. */
export function patternBytes(offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = ((offset + i) * 31 + ((offset + i) >> 8)) & 0xff;
  return out;
}

/**
 * Lead of each binary send over real-time playback, by an independent model: the peer plays 8 bytes
 * per ms, starting with a packet that arrives when it is idle.
 */
export function leadsAfterEachSend(binaries: readonly { atMs: number; bytes: Uint8Array }[]): number[] {
  let playEndMs = -Infinity;
  return binaries.map(({ atMs, bytes }) => {
    playEndMs = Math.max(playEndMs, atMs) + bytes.length / 8;
    return playEndMs - atMs;
  });
}
