import { WS_CLOSE, type ServerMessage } from '../protocol/index.js';
import type { Logger } from '../shared/logger.js';
import type { OutboundSink, OutboundWriter, OutboundWriterFactory } from './outbound-writer.js';
import type { SessionSocket } from './ports.js';
import { reportProblem, type SessionCounters } from './session-summary.js';

/** Text messages allowed to wait for rate tokens; at 4/s this is 16 s of backlog. */
const MAX_QUEUED_TEXTS = 64;
/** Back-off on a 429 without retryAfter, and the most any retryAfter is honoured for. */
const DEFAULT_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 3_000;

export interface SessionOutboundDeps {
  readonly socket: SessionSocket;
  readonly createWriter: OutboundWriterFactory;
  /** Whether bot audio may reach Genesys now (the session's phase allows it). */
  readonly canSendAudio: () => boolean;
  readonly counters: SessionCounters;
  readonly logger: Logger;
  /** Bot audio as it leaves for Genesys (a recorded call keeps it); absent = nobody listens. */
  readonly onAudioSent?: (bytes: Uint8Array) => void;
}

/** What a session sends, all through its one paced writer. */
export interface SessionOutbound {
  readonly writer: OutboundWriter;
  /** Sends a message of the state machine, unless too many texts wait already: then the socket is closed. */
  send(message: ServerMessage): void;
  /** Genesys reported error 429: slow down for its `retryAfter`, bounded. */
  rateLimited(retryAfterMs: number | undefined): void;
}

export function createSessionOutbound(deps: SessionOutboundDeps): SessionOutbound {
  return new PacedSessionOutbound(deps);
}

/** Classes rather than object literals here: a literal with a getter is a dictionary-mode object, paid per session. */
class PacedSessionOutbound implements SessionOutbound {
  readonly writer: OutboundWriter;

  constructor(private readonly deps: SessionOutboundDeps) {
    this.writer = deps.createWriter(new GatedAudioSink(deps));
  }

  send(message: ServerMessage): void {
    const { writer, deps } = this;
    // A client that makes us answer faster than Genesys's text budget (a ping flood) would grow
    // this queue without bound and push `closed` past the close deadline: it is cut off instead.
    if (writer.queuedTexts >= MAX_QUEUED_TEXTS) {
      reportProblem(deps.counters, deps.logger, { code: 'ERR_SESSION_OUTBOUND_OVERFLOW', detail: `${writer.queuedTexts} texts queued` });
      deps.socket.close(WS_CLOSE.policyViolation, 'outbound queue overflow');
      return;
    }
    deps.counters.textOut += 1;
    deps.logger.debug({ type: message.type, seq: message.seq }, 'message sent');
    writer.sendText(JSON.stringify(message), message.type === 'pause' || message.type === 'resume' ? message.type : 'text');
  }

  rateLimited(retryAfterMs: number | undefined): void {
    this.deps.counters.rateLimited += 1;
    // Honoured, but bounded: an absurd retryAfter must not hold `closed` past Genesys's close deadline.
    this.writer.backOff(Math.min(retryAfterMs ?? DEFAULT_BACKOFF_MS, MAX_BACKOFF_MS));
  }
}

/**
 * The socket as the paced writer sees it. Bot audio may only reach Genesys while the session is
 * active: never after our disconnect or the client's close (§5.4), even if it was queued before.
 */
class GatedAudioSink implements OutboundSink {
  constructor(private readonly deps: SessionOutboundDeps) {}

  sendText(text: string): void {
    this.deps.socket.sendText(text);
  }

  sendBinary(bytes: Uint8Array): void {
    if (!this.deps.canSendAudio()) return;
    this.deps.socket.sendBinary(bytes);
    this.deps.onAudioSent?.(bytes);
  }

  get bufferedBytes(): number {
    return this.deps.socket.bufferedBytes;
  }
}
