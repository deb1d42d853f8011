import { pcm16ToMulaw } from '../../runtime/src/audio/codec.js';
import type { GenesysClient } from '../../runtime/tools/simulator/genesys-client.js';

const FRAME_SAMPLES = 1600;

/**
 * Plays caller audio to the server in real time, as Genesys does: one 200 ms PCMU frame every 200 ms,
 * silence when nothing is queued. `say()` queues speech; `startedSpeakingAt` tells when it began.
 */
export class CallerAudioPlayer {
  private queue: Int16Array[] = [];
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly silence = pcm16ToMulaw(new Int16Array(FRAME_SAMPLES));
  /** performance.now() when the first frame of each `say()` was sent. */
  readonly speechStarts: number[] = [];
  private pendingStart = false;

  constructor(private readonly client: GenesysClient) {}

  start(): this {
    let next = performance.now();
    const tick = (): void => {
      this.sendFrame();
      next += 200;
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
    return this;
  }

  say(pcm16: Int16Array): void {
    this.queue.push(pcm16);
    if (this.queue.length === 1) this.pendingStart = true;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private sendFrame(): void {
    if (!this.client.socketOpen) return this.stop();
    const current = this.queue[0];
    if (current === undefined) return this.client.sendAudio(this.silence);
    if (this.pendingStart) {
      this.speechStarts.push(performance.now());
      this.pendingStart = false;
    }
    const frame = new Int16Array(FRAME_SAMPLES);
    frame.set(current.subarray(this.offset, this.offset + FRAME_SAMPLES));
    this.offset += FRAME_SAMPLES;
    if (this.offset >= current.length) {
      this.queue.shift();
      this.offset = 0;
      if (this.queue.length > 0) this.pendingStart = true;
    }
    this.client.sendAudio(pcm16ToMulaw(frame));
  }
}
