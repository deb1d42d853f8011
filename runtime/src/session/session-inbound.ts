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
  const { socket, clock, counters } = deps;
  const guard = new InboundGuard(deps.limits, clock);
  let flooded = false;
  let cancelFloodClose: Cancel | undefined;

  function onFlood(verdict: Exclude<InboundVerdict, 'ok'>): void {
    flooded = true;
    const wire = ERROR_CODES[verdict].wire;
    // Always written (past the line budget): it is the one line that explains why the session ended.
    deps.unthrottledLogger().warn(
      { code: verdict, textIn: counters.textIn, audioBytesIn: counters.audioBytesIn },
      'inbound limit exceeded: ending session',
    );
    socket.pauseInput?.();
    deps.command({ type: 'disconnect', reason: 'error', ...(wire.kind === 'disconnect' ? { info: wire.info } : {}) });
    cancelFloodClose = clock.setTimer(FLOOD_CLOSE_GRACE_MS, () => {
      if (socket.terminate !== undefined) socket.terminate();
      else socket.close(WS_CLOSE.policyViolation, 'inbound limit exceeded');
    });
  }

  return {
    onText(text) {
      counters.textIn += 1;
      if (flooded) return void (counters.inboundIgnored += 1);
      const verdict = guard.text();
      if (verdict !== 'ok') return onFlood(verdict);
      deps.run({ kind: 'text', text });
    },
    onBinary(bytes) {
      if (flooded) return void (counters.inboundIgnored += 1);
      const verdict = guard.binary(bytes.byteLength, deps.media());
      if (verdict !== 'ok') return onFlood(verdict);
      deps.run({ kind: 'binary', byteLength: bytes.byteLength }, bytes);
    },
    cancelFloodClose: () => cancelFloodClose?.(),
  };
}
