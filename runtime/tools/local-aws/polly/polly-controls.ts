import { createTokenBucket, type TokenBucket } from '../../../src/audio/token-bucket.js';
import type { Clock } from '../../../src/shared/clock.js';

/** Settings of the local Polly endpoint. */
export interface PollyEndpointSettings {
  /**
   * Sustained SynthesizeSpeech requests per second before ThrottlingException. Polly's neural quota
   * is 8 TPS with bursts of 10; standard is 80/100 (aws-notes §2).
   * @default 8
   */
  requestsPerSecond: number;
  /** @default 10 */
  burst: number;
  /** Delay before the response starts (Polly's time to first byte). @default 0 */
  firstByteDelayMs: number;
}

export const DEFAULT_POLLY_SETTINGS: Readonly<PollyEndpointSettings> = { requestsPerSecond: 8, burst: 10, firstByteDelayMs: 0 };

/** A failure to inject into the next SynthesizeSpeech request. */
export type PollyFault = { readonly kind: 'throttling' } | { readonly kind: 'serviceFailure' };

/** What a test sets and reads on the Polly endpoint. */
export class PollyControls {
  readonly settings: PollyEndpointSettings;
  private readonly faults: PollyFault[] = [];
  private bucket: TokenBucket;
  private bucketShape: string;
  /** Requests answered with audio. */
  synthesized = 0;
  /** Requests refused with ThrottlingException by the rate limit. */
  throttled = 0;
  /** Every request's text, voice and engine, in order of arrival. */
  readonly requests: { readonly text: string; readonly voiceId: string; readonly engine: string }[] = [];

  constructor(
    /** Drives the rate limit and the first-byte delay. */
    readonly clock: Clock,
    settings: Partial<PollyEndpointSettings> = {},
  ) {
    this.settings = { ...DEFAULT_POLLY_SETTINGS, ...settings };
    this.bucketShape = '';
    this.bucket = this.makeBucket();
  }

  failNextRequest(fault: PollyFault): this {
    this.faults.push(fault);
    return this;
  }

  /** @internal */
  takeFault(): PollyFault | undefined {
    return this.faults.shift();
  }

  /** @internal One request's token; false = throttle it. Settings changes take effect at once. */
  admit(): boolean {
    if (this.bucketShape !== this.shape()) this.bucket = this.makeBucket();
    return this.bucket.tryTake();
  }

  private shape(): string {
    return `${this.settings.requestsPerSecond}/${this.settings.burst}`;
  }

  private makeBucket(): TokenBucket {
    this.bucketShape = this.shape();
    return createTokenBucket({ capacity: this.settings.burst, refillPerSecond: this.settings.requestsPerSecond }, this.clock);
  }
}
