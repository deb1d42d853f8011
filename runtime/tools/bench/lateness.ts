/**
 * Outbound audio lateness as the caller side can measure it. The server's paced sender may send a
 * packet once it leaves at most `maxLeadMs` unplayed at the peer, which plays 8 bytes per ms from the
 * first packet of a prompt. Replaying that rule over the arrival times gives each packet's due time;
 * lateness = arrival − due. A packet that starts a prompt has no due time (its audio had just become
 * available; turn latency covers that), and no packet is due before its prompt's first one. A prompt
 * starts after a short packet (only a prompt's last packet may be short), after a barge-in, and after
 * the caller's turn (a prompt may end on a full packet).
 */

/** What the tracker needs to know of the server's sender configuration. */
export interface LatenessOptions {
  /** AUDIO_MAX_LEAD_MS of the server. */
  readonly maxLeadMs: number;
  /** AUDIO_PACKET_BYTES of the server: a shorter packet ends a prompt. */
  readonly packetBytes: number;
}

/** Verdict on one received binary message. */
export interface PacketTiming {
  /** The packet starts a prompt (the previous one ended a prompt, or a barge-in came between). */
  readonly startsPrompt: boolean;
  /** Arrival minus due time in ms, when the packet had one. */
  readonly latenessMs: number | undefined;
}

const BYTES_PER_MS = 8;

/** One session's tracker; feed it every binary arrival and every barge-in event, in arrival order. */
export class LatenessTracker {
  /** When everything received so far has played, per the sender's own model (no flush on barge-in). */
  private playEndMs = Number.NEGATIVE_INFINITY;
  private promptStartMs = Number.NEGATIVE_INFINITY;
  private previousBytes: number | undefined;
  private newPromptExpected = false;

  constructor(private readonly options: LatenessOptions) {}

  /** A barge-in event arrived, or the caller took a turn: the next packet belongs to a new prompt. */
  expectNewPrompt(): void {
    this.newPromptExpected = true;
  }

  packet(atMs: number, bytes: number): PacketTiming {
    const startsPrompt =
      this.previousBytes === undefined || this.previousBytes < this.options.packetBytes || this.newPromptExpected;
    // The sender's rule: send when playEnd + duration − maxLead ≤ now.
    const allowedAtMs = this.playEndMs + bytes / BYTES_PER_MS - this.options.maxLeadMs;
    let latenessMs: number | undefined;
    if (startsPrompt) {
      this.promptStartMs = atMs;
    } else {
      // Audio of one prompt is queued together, so nothing could go before the prompt's first packet.
      const dueMs = Math.max(allowedAtMs, this.promptStartMs);
      latenessMs = atMs - dueMs;
    }
    this.playEndMs = Math.max(this.playEndMs, atMs) + bytes / BYTES_PER_MS;
    this.previousBytes = bytes;
    this.newPromptExpected = false;
    return { startsPrompt, latenessMs };
  }
}
