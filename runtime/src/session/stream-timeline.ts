/**
 * Maps times of one recognizer stream (ms of audio written to it) to the client's stream timeline
 * (AudioHook positions: received samples plus discarded audio). The two differ by where the stream
 * started and by every gap the client reported (`discarded`, a `resumed` with discarded audio):
 * the stream hears continuous audio, the timeline jumps. Pure: told where each frame sits.
 */
export interface StreamTimeline {
  /** `samples` (at 8 kHz) were written to the stream; the first of them is at `atMs` on the client's timeline. */
  wrote(samples: number, atMs: number): void;
  /** The client-timeline position of stream time `streamMs` (clamped to 0). */
  toTimeline(streamMs: number): number;
  /** Audio written so far, in ms of stream time. */
  readonly streamMs: number;
}

interface Anchor {
  /** Stream time where a run of contiguous audio begins. */
  readonly streamMs: number;
  /** Its position on the client's timeline. */
  readonly timelineMs: number;
}

/** A jump smaller than this is rounding in the positions, not a gap. */
const GAP_TOLERANCE_MS = 1;
/** Most anchors kept; beyond it the oldest go (a result never reaches back that far). */
const MAX_ANCHORS = 1_000;

export function createStreamTimeline(sampleRateHz = 8000): StreamTimeline {
  return new AnchoredStreamTimeline(sampleRateHz);
}

/** A class: one per recognizer stream, and an object literal with a getter would be a dictionary-mode object. */
class AnchoredStreamTimeline implements StreamTimeline {
  private readonly anchors: Anchor[] = [];
  private writtenMs = 0;
  /** Where the next frame would sit on the timeline if no gap came between. */
  private expectedAtMs: number | undefined;

  constructor(private readonly sampleRateHz: number) {}

  wrote(samples: number, atMs: number): void {
    if (samples <= 0) return;
    if (this.expectedAtMs === undefined || Math.abs(atMs - this.expectedAtMs) > GAP_TOLERANCE_MS) {
      this.anchors.push({ streamMs: this.writtenMs, timelineMs: atMs });
      if (this.anchors.length > MAX_ANCHORS) this.anchors.shift();
    }
    const frameMs = (samples / this.sampleRateHz) * 1000;
    this.writtenMs += frameMs;
    this.expectedAtMs = atMs + frameMs;
  }

  toTimeline(streamMs: number): number {
    const { anchors } = this;
    // The last anchor at or before streamMs; before any audio, the stream starts where the first frame sat.
    let anchor = anchors[0];
    for (let i = anchors.length - 1; i >= 0; i--) {
      if (anchors[i]!.streamMs <= streamMs) {
        anchor = anchors[i];
        break;
      }
    }
    if (anchor === undefined) return Math.max(0, streamMs);
    return Math.max(0, anchor.timelineMs + streamMs - anchor.streamMs);
  }

  get streamMs(): number {
    return this.writtenMs;
  }
}
