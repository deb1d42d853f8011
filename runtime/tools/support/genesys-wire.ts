import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { formatDuration, type ServerMessage } from '../../src/protocol/index.js';
import { genesysUpgradeHeaders, type AudioHookIds, type GenesysHeaderOptions } from './genesys-headers.js';

/**
 * The Genesys client core shared by the simulator (`npm run call`), the benchmark and the fuzz
 * client of the tests: the signed upgrade, the envelope bookkeeping (seq, serverseq, position) and
 * the checks every server message must pass (AudioHook §3). Each client keeps only its own policy
 * (message history, playback model, metrics) on top. Allocation-light: the benchmark runs thousands
 * of sessions through it on one core, so the happy path pushes nothing and builds no closures.
 */

/** Server message types AudioHook v2 defines (§3.2); anything else from the server is a violation. */
export const SERVER_MESSAGE_TYPES: ReadonlySet<string> = new Set(['opened', 'pong', 'closed', 'disconnect', 'event', 'pause', 'resume', 'updated', 'reconnect']);

export class UpgradeRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with HTTP ${status}`);
    this.name = 'UpgradeRefusedError';
  }
}

export interface GenesysSocketOptions extends Omit<GenesysHeaderOptions, 'requestTarget' | 'authority'> {
  /** Signs these instead of the real request target and host (tests: a signature for another request). */
  readonly signAs?: { readonly requestTarget?: string; readonly authority?: string };
  /** Extra or replacement upgrade headers (tests use them to tamper). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly handshakeTimeoutMs?: number;
}

/**
 * Opens a WebSocket with Genesys's signed upgrade headers; rejects with UpgradeRefusedError on an HTTP
 * answer. Also gives the TCP socket under it, for writing frames already framed (bench-connection.ts).
 */
export function openGenesysSocket(url: string, options: GenesysSocketOptions): Promise<{ ws: WebSocket; ids: AudioHookIds; socket: Socket }> {
  const target = new URL(url);
  const { signAs, headers: extra, handshakeTimeoutMs, ...signing } = options;
  const upgrade = genesysUpgradeHeaders({
    ...signing,
    requestTarget: signAs?.requestTarget ?? target.pathname + target.search,
    authority: signAs?.authority ?? target.host,
  });
  const headers: Record<string, string> = { ...Object.fromEntries(upgrade.headers), ...extra };
  const ws = new WebSocket(target, { headers, perMessageDeflate: false, ...(handshakeTimeoutMs === undefined ? {} : { handshakeTimeout: handshakeTimeoutMs }) });
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined;
    ws.once('upgrade', (response) => (socket = response.socket));
    ws.once('open', () => (socket === undefined ? reject(new Error('opened without an upgrade')) : resolve({ ws, ids: upgrade.ids, socket })));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => reject(new UpgradeRefusedError(res.statusCode ?? 0, body)));
      res.on('error', () => reject(new UpgradeRefusedError(res.statusCode ?? 0, body)));
    });
    ws.once('error', (error) => reject(error));
  });
}

/**
 * The client side of one session's envelopes: numbers what it sends, remembers the last server seq,
 * and checks each server message against it.
 */
export class GenesysEnvelope {
  /** The seq of the last message sent. */
  seq = 0;
  /** The seq of the last server message (what goes into `serverseq`). */
  serverSeq = 0;
  closedSeen = false;

  constructor(readonly sessionId: string) {}

  /** The next client message as text, with the next seq, the last server seq and the stream position. */
  encode(type: string, parameters: Record<string, unknown>, positionMs: number): string {
    this.seq += 1;
    return JSON.stringify({ version: '2', id: this.sessionId, type, seq: this.seq, serverseq: this.serverSeq, position: formatDuration(positionMs), parameters });
  }

  /**
   * Parses one server text and checks its envelope, pushing each problem onto `violations`; returns
   * the message (undefined if it is no JSON object). `clientSeqKnown` false skips the "clientseq not
   * ahead of what we sent" check, for clients that send arbitrary seqs.
   */
  receive(text: string, violations: string[], clientSeqKnown = true): ServerMessage | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      violations.push('server text is not a JSON object');
      return undefined;
    }
    const m = parsed as Record<string, unknown>;
    const type = typeof m.type === 'string' ? m.type : '';
    if (this.closedSeen) violations.push(`${type} after closed`);
    if (m.version !== '2') violations.push(`version ${String(m.version)}`);
    if (m.id !== this.sessionId) violations.push('wrong session id');
    if (!SERVER_MESSAGE_TYPES.has(type)) violations.push(`unknown server type ${type}`);
    if (m.seq !== this.serverSeq + 1) violations.push(`seq ${String(m.seq)} after ${this.serverSeq}`);
    const clientSeq = m.clientseq;
    if (typeof clientSeq !== 'number' || !Number.isInteger(clientSeq) || clientSeq < 0 || (clientSeqKnown && clientSeq > this.seq)) {
      violations.push(`clientseq ${String(clientSeq)} (sent ${this.seq})`);
    }
    if (typeof m.parameters !== 'object' || m.parameters === null || Array.isArray(m.parameters)) violations.push(`${type} without parameters object`);
    if ('position' in m) violations.push('server message with position');
    if (typeof m.seq === 'number') this.serverSeq = m.seq;
    if (type === 'closed') this.closedSeen = true;
    return parsed as ServerMessage;
  }
}

/** Whether a server `event` carries a barge-in (Genesys flushes its playback buffer then). */
export function isBargeIn(message: ServerMessage): boolean {
  if (message.type !== 'event') return false;
  const entities: unknown = message.parameters.entities;
  return Array.isArray(entities) && entities.some((entity: { readonly type?: unknown }) => entity.type === 'barge_in');
}
