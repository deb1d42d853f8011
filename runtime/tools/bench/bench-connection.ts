import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../src/protocol/index.js';
import type { SendRecord } from '../support/genesys-rate-checker.js';
import { GenesysEnvelope, isBargeIn, openGenesysSocket } from '../support/genesys-wire.js';
import { BENCH_KEY, FRAME_MS } from './bench-constants.js';

/**
 * A lean Genesys side of one AudioHook session for thousands of concurrent sessions: the signed
 * upgrade, `open`, caller frames, `ping`, `dtmf`, the modelled playback reports and the close
 * transaction, with the shared checks of every server message (../support/genesys-wire.ts). Unlike the simulator it keeps
 * no audio and no message list: only arrival times and sizes, for the rate checker and the metrics.
 */

/** What the caller logic hears from the connection. */
export interface ConnectionListener {
  onAudio(atMs: number, bytes: number): void;
  onMessage(message: ServerMessage, atMs: number): void;
  onPong(rttMs: number): void;
  /** The session ended without our `close` (server disconnect, socket gone). */
  onLost(reason: string): void;
}

const KIND = { text: 0, binary: 1, pause: 2, resume: 3 } as const;

export class BenchConnection {
  /** Problems with what the server sent; counted by the runner. */
  readonly violations: string[] = [];
  /** Whether bot audio is playing in the modelled Genesys playback buffer. */
  playing = false;
  private playEndsAtMs = 0;
  private readonly envelope: GenesysEnvelope;
  private positionMs = 0;
  private closing = false;
  /** Pings not yet answered: seq → send time. */
  private readonly pings = new Map<number, number>();
  private openedWaiter: ((message: ServerMessage) => void) | undefined;
  private closedWaiter: (() => void) | undefined;
  // What the server sent, as parallel arrays (times, sizes, kinds): millions of records over a run.
  private recTimes: number[] = [];
  private recBytes: number[] = [];
  private recKinds: number[] = [];

  private constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    readonly sessionId: string,
    private readonly organizationId: string,
    private readonly listener: ConnectionListener,
  ) {
    this.envelope = new GenesysEnvelope(sessionId);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('close', () => {
      if (!this.closing || !this.envelope.closedSeen) listener.onLost(this.closing ? 'socket closed before closed' : 'socket closed');
      this.closedWaiter?.();
    });
    ws.on('error', () => undefined);
  }

  /** Opens a signed WebSocket as Genesys does (the bench key unless `key` is given, e.g. another server's). */
  static async connect(url: string, listener: ConnectionListener, key: { readonly apiKey: string; readonly clientSecret: string } = BENCH_KEY): Promise<BenchConnection> {
    const { ws, ids, socket } = await openGenesysSocket(url, { apiKey: key.apiKey, clientSecret: key.clientSecret, handshakeTimeoutMs: 10_000 });
    return new BenchConnection(ws, socket, ids.sessionId, ids.organizationId, listener);
  }

  /** Sends `open` (PCMU offer) and resolves with `opened`; rejects on anything else or after 10 s. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no opened within 10 s')), 10_000);
      this.openedWaiter = (message) => {
        clearTimeout(timer);
        this.openedWaiter = undefined;
        if (message.type === 'opened') resolve();
        else reject(new Error(`answered open with ${message.type}`));
      };
      this.send('open', {
        organizationId: this.organizationId,
        conversationId: randomUUID(),
        participant: { id: randomUUID(), ani: '+13175550100', aniName: 'Bench Caller', dnis: '+18005550199' },
        media: [{ type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 }],
        language: 'en-US',
      });
    });
  }

  sendAudio(frame: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN || this.closing) return;
    this.ws.send(frame, { binary: true });
    this.positionMs += FRAME_MS;
  }

  /**
   * Sends a 200 ms caller frame already framed by frameCallerAudio: the same bytes for every session,
   * nothing allocated. Written to the socket directly, which keeps the order of messages because the
   * connection has no permessage-deflate: ws writes each of its own messages at once.
   */
  sendFramedAudio(framed: Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN || this.closing) return;
    this.socket.write(framed);
    this.positionMs += FRAME_MS;
  }

  ping(): void {
    if (this.ws.readyState !== WebSocket.OPEN || this.closing) return;
    const sentAt = performance.now();
    this.pings.set(this.send('ping', {}), sentAt);
  }

  dtmf(digit: string): void {
    this.send('dtmf', { digit });
  }

  /** Reports `playback_completed` once the modelled buffer has played out; call at each frame tick. */
  checkPlayback(nowMs: number): void {
    if (this.playing && nowMs >= this.playEndsAtMs) {
      this.playing = false;
      this.send('playback_completed', {});
    }
  }

  /** Runs the close transaction: `close`, wait for `closed` (at most `timeoutMs`), close the socket. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const gone = new Promise<void>((resolve) => {
      this.closedWaiter = resolve;
      setTimeout(resolve, timeoutMs).unref();
    });
    this.send('close', { reason: 'end' });
    this.closing = true;
    await gone;
    this.ws.close(1000);
  }

  /**
   * What the server sent from `fromMs` on, as the rate checker reads it; drops older records. A short
   * packet ends a prompt when no audio follows within its play time plus 200 ms (test/support/received-sends.ts).
   */
  takeSends(fromMs: number): SendRecord[] {
    let first = 0;
    while (first < this.recTimes.length && this.recTimes[first]! < fromMs) first++;
    this.recTimes = this.recTimes.slice(first);
    this.recBytes = this.recBytes.slice(first);
    this.recKinds = this.recKinds.slice(first);
    const kinds = ['text', 'binary', 'pause', 'resume'] as const;
    return this.recTimes.map((atMs, i) => {
      const kind = kinds[this.recKinds[i]!]!;
      const bytes = this.recBytes[i]!;
      if (kind !== 'binary') return { atMs, kind, bytes };
      let next = i + 1;
      while (next < this.recKinds.length && this.recKinds[next] !== KIND.binary) next++;
      const nextAt = this.recTimes[next];
      return { atMs, kind, bytes, endsPrompt: nextAt === undefined || nextAt - atMs > bytes / 8 + 200 };
    });
  }

  private send(type: string, parameters: Record<string, unknown>): number {
    if (this.ws.readyState !== WebSocket.OPEN || this.closing) return this.envelope.seq;
    this.ws.send(this.envelope.encode(type, parameters, this.positionMs));
    return this.envelope.seq;
  }

  private record(atMs: number, kind: number, bytes: number): void {
    this.recTimes.push(atMs);
    this.recKinds.push(kind);
    this.recBytes.push(bytes);
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    const now = performance.now();
    if (isBinary) {
      if (this.closing) this.violations.push('audio after close');
      this.record(now, KIND.binary, data.byteLength);
      if (!this.closing) {
        // Genesys's playback buffer: starts when audio arrives while idle, plays 8 bytes per ms.
        if (!this.playing) {
          this.playing = true;
          this.playEndsAtMs = now;
          this.send('playback_started', {});
        }
        this.playEndsAtMs = Math.max(this.playEndsAtMs, now) + data.byteLength / 8;
      }
      this.listener.onAudio(now, data.byteLength);
      return;
    }
    const text = data.toString('utf8');
    const message = this.envelope.receive(text, this.violations);
    if (message === undefined) return;
    this.record(now, message.type === 'pause' ? KIND.pause : message.type === 'resume' ? KIND.resume : KIND.text, text.length);
    switch (message.type) {
      case 'opened':
        this.openedWaiter?.(message);
        break;
      case 'pong': {
        const sentAt = this.pings.get(message.clientseq);
        if (sentAt === undefined) {
          this.violations.push(`pong.clientseq ${message.clientseq} answers no ping`);
        } else {
          this.pings.delete(message.clientseq);
          this.listener.onPong(now - sentAt);
        }
        break;
      }
      case 'event':
        // Genesys flushes its buffer on barge-in: playback completes at once.
        if (isBargeIn(message)) this.playEndsAtMs = now;
        break;
      case 'closed':
        this.closedWaiter?.();
        break;
      case 'disconnect':
        this.openedWaiter?.(message);
        if (!this.closing) {
          this.listener.onLost(`disconnect ${message.parameters.reason}`);
          void this.close();
        }
        break;
      case 'pause':
      case 'resume':
      case 'updated':
        break;
    }
    this.listener.onMessage(message, now);
  }

}
