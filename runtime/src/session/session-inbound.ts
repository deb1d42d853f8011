import { WS_CLOSE, type MediaFormat, type SessionCommand, type SessionInput } from '../protocol/index.js';
import type { Cancel, Clock } from '../shared/clock.js';
import { ERROR_CODES } from '../shared/error-codes.js';
import type { Logger } from '../shared/logger.js';
import { InboundGuard, type InboundLimits, type InboundVerdict } from './inbound-guard.js';
import type { SessionSocket } from './ports.js';
import type { SessionCounters } from './session-summary.js';

/** After a peer exceeded its inbound limits: time for our `disconnect` to leave before the socket is cut. */
const FLOOD_CLOSE_GRACE_MS = 1_000;

/** What the inbound side needs of its session. */
export interface SessionInboundDeps {
  readonly socket: SessionSocket;
  readonly limits: InboundLimits;
  readonly clock: Clock;
  readonly counters: SessionCounters;
  /** The negotiated format, which sizes the audio budget; null before `open`. */
  readonly media: () => MediaFormat | null;
  /** Hands accepted input to the session's state machine. */
  readonly run: (input: SessionInput, audio?: Uint8Array) => void;
  readonly command: (c: SessionCommand) => void;
  /** For the line that explains a flood, which is written past the session's line budget. */
  readonly unthrottledLogger: () => Logger;
}

/** Socket input on its way into a session. */
export interface SessionInbound {
  onText(text: string): void;
  onBinary(bytes: Uint8Array): void;
  /** Stops the pending cut-off of a flooding peer's socket (the session ended first). */
  cancelFloodClose(): void;
}

/**
 * Counts socket input and checks it against the peer's inbound limits before the state machine sees
 * it. A peer over its limits gets its session ended: one line, `disconnect(error)`, input paused, the
 * socket cut soon after; everything it sends after that is only counted.
 */
export function createSessionInbound(deps: SessionInboundDeps): SessionInbound {
  return new GuardedSessionInbound(deps);
}

/** A class, not closures: one per session. */
class GuardedSessionInbound implements SessionInbound {
  private readonly guard: InboundGuard;
  private flooded = false;
  private cancelFlood: Cancel | undefined;

  constructor(private readonly deps: SessionInboundDeps) {
    this.guard = new InboundGuard(deps.limits, deps.clock);
  }

  onText(text: string): void {
    const { counters } = this.deps;
    counters.textIn += 1;
    if (this.flooded) return void (counters.inboundIgnored += 1);
    const verdict = this.guard.text();
    if (verdict !== 'ok') return this.onFlood(verdict);
    this.deps.run({ kind: 'text', text });
  }

  onBinary(bytes: Uint8Array): void {
    if (this.flooded) return void (this.deps.counters.inboundIgnored += 1);
    const verdict = this.guard.binary(bytes.byteLength, this.deps.media());
    if (verdict !== 'ok') return this.onFlood(verdict);
    this.deps.run({ kind: 'binary', byteLength: bytes.byteLength }, bytes);
  }

  cancelFloodClose(): void {
    this.cancelFlood?.();
  }

  private onFlood(verdict: Exclude<InboundVerdict, 'ok'>): void {
    const { deps } = this;
    const { socket, counters } = deps;
    this.flooded = true;
    const wire = ERROR_CODES[verdict].wire;
    // Always written (past the line budget): it is the one line that explains why the session ended.
    deps.unthrottledLogger().warn(
      { code: verdict, textIn: counters.textIn, audioBytesIn: counters.audioBytesIn },
      'inbound limit exceeded: ending session',
    );
    socket.pauseInput?.();
    deps.command({ type: 'disconnect', reason: 'error', ...(wire.kind === 'disconnect' ? { info: wire.info } : {}) });
    this.cancelFlood = deps.clock.setTimer(FLOOD_CLOSE_GRACE_MS, () => {
      if (socket.terminate !== undefined) socket.terminate();
      else socket.close(WS_CLOSE.policyViolation, 'inbound limit exceeded');
    });
  }
}
