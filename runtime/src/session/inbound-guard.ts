import { createTokenBucket, type TokenBucket } from '../audio/token-bucket.js';
import { bytesPerSampleFrame, type MediaFormat } from '../protocol/index.js';
import type { Clock } from '../shared/clock.js';

/** How much a client may send (a slice of Config). */
export interface InboundLimits {
  /** Sustained non-audio messages per second; bursts of 5 s worth are allowed. */
  readonly messagesPerSecond: number;
  /** How many times real time caller audio may arrive (sustained); bursts of 5 s of audio are allowed. */
  readonly audioSpeedLimit: number;
}

/** Genesys sends a ping every 5 s and a message per key press or playback change: a few a second at most. */
export const DEFAULT_INBOUND_LIMITS: InboundLimits = { messagesPerSecond: 20, audioSpeedLimit: 2 };

/** Burst allowance of both buckets, in seconds of the sustained rate (network stalls deliver in bursts). */
const BURST_SECONDS = 5;

/** Audio rate assumed before `open` negotiated a format: PCMU, 8 kHz, one channel. */
const DEFAULT_AUDIO_BYTES_PER_SECOND = 8_000;

export type InboundVerdict = 'ok' | 'ERR_SESSION_INBOUND_RATE' | 'ERR_SESSION_AUDIO_TOO_FAST';

/**
 * Per-session inbound budgets on the injected clock: one token bucket for text messages, one for
 * audio bytes sized to the negotiated format. A peer over either budget gets its session ended; the
 * buckets are arithmetic on `clock.now()`, so a well-behaved call pays two subtractions per message.
 */
export class InboundGuard {
  private readonly messages: TokenBucket;
  private audio: TokenBucket | undefined;
  private audioBytesPerSecond = 0;

  constructor(
    private readonly limits: InboundLimits,
    private readonly clock: Clock,
  ) {
    this.messages = createTokenBucket({ capacity: limits.messagesPerSecond * BURST_SECONDS, refillPerSecond: limits.messagesPerSecond }, clock);
  }

  text(): InboundVerdict {
    return this.messages.tryTake() ? 'ok' : 'ERR_SESSION_INBOUND_RATE';
  }

  binary(byteLength: number, media: MediaFormat | null): InboundVerdict {
    const bytesPerSecond = media === null ? DEFAULT_AUDIO_BYTES_PER_SECOND : bytesPerSampleFrame(media) * media.rate;
    if (this.audio === undefined || bytesPerSecond !== this.audioBytesPerSecond) {
      this.audioBytesPerSecond = bytesPerSecond;
      this.audio = createTokenBucket({ capacity: bytesPerSecond * BURST_SECONDS, refillPerSecond: bytesPerSecond * this.limits.audioSpeedLimit }, this.clock);
    }
    // A frame larger than the whole burst can never fit: it is over the limit by itself.
    return this.audio.tryTake(Math.min(byteLength, bytesPerSecond * BURST_SECONDS + 1)) ? 'ok' : 'ERR_SESSION_AUDIO_TOO_FAST';
  }
}
