/** Everything measured on the caller side during one stretch of a run (a ramp or a window). */
export class Samples {
  /** ping → pong round trip, ms. */
  readonly pingRtt: number[] = [];
  /** Outbound audio packet arrival minus its real-time due time, ms. */
  readonly lateness: number[] = [];
  /** `open` sent → `opened` received, ms. */
  readonly opened: number[] = [];
  /** Upgrade request started → WebSocket open (TCP, HTTP, signature check), ms. */
  readonly upgrade: number[] = [];
  /** First reply audio − (recognizer close frame sent + recognizer latency + synthesizer latency), ms. */
  readonly turn: number[] = [];
  /** First reply audio − (DTMF sent + synthesizer latency), ms. */
  readonly dtmfTurn: number[] = [];
  /** `barge_in` arrival − start of the caller's speech in the sent audio (its capture time), ms. */
  readonly bargeIn: number[] = [];
  /** `barge_in` arrival − send time of the last caller frame before it (the server's share), ms. */
  readonly bargeInServer: number[] = [];
  /** Generator health: a caller frame's actual send time minus its real-time schedule, ms. */
  readonly frameSendLag: number[] = [];
  /** Named counts: errors, missed replies, DTMF sent… */
  readonly counts: Record<string, number> = {};

  count(name: string, by = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + by;
  }
}

/** Where callers put what they measure; the runner swaps in a fresh set at each phase boundary. */
export class Recorder {
  current = new Samples();

  /** Returns what was recorded since the last swap and starts a new set. */
  swap(): Samples {
    const done = this.current;
    this.current = new Samples();
    return done;
  }
}
