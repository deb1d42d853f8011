import { describe, expect, it } from 'vitest';
import { createPacedSender } from '../../../runtime/src/audio/paced-sender.js';
import { LatenessTracker } from '../../../runtime/tools/bench/lateness.js';
import { FakeClock } from '../../support/fake-clock.js';

const OPTIONS = { packetBytes: 3200, maxLeadMs: 1000 };

/** Arrival times and sizes of what the real paced sender sends for `promptBytes`, on a fake clock. */
function sendPrompt(promptBytes: number): { atMs: number; bytes: number }[] {
  const clock = new FakeClock({ startMs: 0 });
  const sent: { atMs: number; bytes: number }[] = [];
  const sender = createPacedSender(
    { sendText: () => undefined, sendBinary: (bytes) => sent.push({ atMs: clock.now(), bytes: bytes.length }), bufferedBytes: 0 },
    OPTIONS,
    clock,
  );
  sender.enqueueAudio(new Uint8Array(promptBytes));
  sender.endOfPrompt();
  clock.advance(promptBytes / 8 + 2000);
  return sent;
}

describe('outbound audio lateness', () => {
  it('is zero for every packet of the real paced sender delivered on time', () => {
    const sent = sendPrompt(41_600); // 5.2 s: 13 full packets
    expect(sent.length).toBe(13);
    const tracker = new LatenessTracker(OPTIONS);
    const timings = sent.map((p) => tracker.packet(p.atMs, p.bytes));
    expect(timings[0]).toEqual({ startsPrompt: true, latenessMs: undefined });
    for (const t of timings.slice(1)) {
      expect(t.startsPrompt).toBe(false);
      expect(t.latenessMs).toBeCloseTo(0, 6);
    }
  });

  it('measures a delayed packet against the schedule, not against the packet before it', () => {
    const sent = sendPrompt(32_000);
    const tracker = new LatenessTracker(OPTIONS);
    const late = sent.map((p, i) => tracker.packet(i === 5 ? p.atMs + 70 : p.atMs, p.bytes).latenessMs);
    expect(late[5]).toBeCloseTo(70, 6);
    // The next packet was due on the sender's rule from the late one's arrival: it is on time again.
    expect(late[6]).toBeCloseTo(0, 6);
  });

  it('starts a new prompt after a short packet, a barge-in, or a caller turn', () => {
    const tracker = new LatenessTracker(OPTIONS);
    expect(tracker.packet(0, 3200).startsPrompt).toBe(true);
    expect(tracker.packet(0, 800).startsPrompt).toBe(false);
    // After the short end of a prompt, a packet 5 s later is a new prompt, not 5 s late.
    expect(tracker.packet(5000, 3200)).toEqual({ startsPrompt: true, latenessMs: undefined });
    // Its second packet may go at once (the lead allows it).
    expect(tracker.packet(5000, 3200).latenessMs).toBeCloseTo(0, 6);
    // A prompt may end on a full packet: the caller's turn says the next packet starts a new one.
    tracker.expectNewPrompt();
    expect(tracker.packet(9000, 3200)).toEqual({ startsPrompt: true, latenessMs: undefined });
  });

  it('without that hint, counts a gap after a full packet as lateness', () => {
    const tracker = new LatenessTracker(OPTIONS);
    tracker.packet(0, 3200);
    // Allowed at 400 + 400 − 1000 → due with the prompt's start (0): 3000 ms late.
    expect(tracker.packet(3000, 3200).latenessMs).toBeCloseTo(3000, 6);
  });

  it('keeps the sender model through a barge-in (the sender does not forget what it sent)', () => {
    const tracker = new LatenessTracker(OPTIONS);
    tracker.packet(0, 3200);
    tracker.packet(0, 3200); // 800 ms of audio sent at t=0
    tracker.expectNewPrompt();
    tracker.packet(300, 3200); // new prompt: playEnd now 1200
    // Allowed at 1200 + 400 − 1000 = 600.
    expect(tracker.packet(650, 3200).latenessMs).toBeCloseTo(50, 6);
  });
});
