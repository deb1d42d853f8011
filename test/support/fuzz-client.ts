import { WebSocket } from 'ws';
import { genesysUpgradeHeaders } from '../../runtime/tools/simulator/genesys-headers.js';

/** Server message types AudioHook v2 defines (§3.2); anything else from the server is a violation. */
const SERVER_TYPES = new Set(['opened', 'pong', 'closed', 'disconnect', 'event', 'pause', 'resume', 'updated', 'reconnect']);

/** What the fuzz client saw, in order. */
export type FuzzEvent =
  | { readonly kind: 'text'; readonly type: string; readonly seq: number; readonly parameters: unknown }
  | { readonly kind: 'binary'; readonly bytes: number };

/**
 * A raw AudioHook client for property tests: it sends whatever it is given (valid, mutated or garbage
 * text, binary of any size) without keeping protocol state of its own, and checks every server
 * message against the invariants that must hold whatever the client did:
 * - each text message is JSON with version "2", the session id, a known type, `parameters` an object,
 *   no `position`, and `seq` gapless from 1;
 * - at most one `closed`, and no text message after it.
 * Audio after `closed` is a violation too but is counted on its own (`audioAfterClosed`) so a test
 * can assert it separately; audio after `disconnect` is counted (`audioAfterDisconnect`) but whether
 * Genesys plays it is an open protocol question (docs/audiohook-protocol.md §12).
 */
export class FuzzClient {
  readonly events: FuzzEvent[] = [];
  readonly violations: string[] = [];
  readonly sessionId: string;
  readonly organizationId: string;
  /** Resolves with the WebSocket close code once the socket is closed (by either side). */
  readonly closed: Promise<number>;
  audioAfterDisconnect = 0;
  audioAfterClosed = 0;
  private lastServerSeq = 0;
  private closedSeen = false;
  private disconnectSeen = false;
  private listeners: (() => void)[] = [];

  private constructor(
    private readonly ws: WebSocket,
    ids: { readonly sessionId: string; readonly organizationId: string },
  ) {
    this.sessionId = ids.sessionId;
    this.organizationId = ids.organizationId;
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.on('message', (data: Buffer, isBinary) => {
      this.onMessage(data, isBinary);
      for (const listener of this.listeners) listener();
    });
  }

  /** Opens a signed upgrade with fresh ids. Rejects if the server refuses it. */
  static connect(url: string, key: { readonly apiKey: string; readonly clientSecret: string }): Promise<FuzzClient> {
    const target = new URL(url);
    const { ids, headers } = genesysUpgradeHeaders({
      requestTarget: target.pathname + target.search,
      authority: target.host,
      ...key,
    });
    const ws = new WebSocket(target, {
      perMessageDeflate: false,
      headers: Object.fromEntries(headers),
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new FuzzClient(ws, ids)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode ?? 0}`)));
      ws.once('error', reject);
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Number of `closed` messages received. */
  get closedCount(): number {
    return this.events.filter((e) => e.kind === 'text' && e.type === 'closed').length;
  }

  /** The seq of the last server message (what a client puts in `serverseq`). */
  get serverSeq(): number {
    return this.lastServerSeq;
  }

  sendText(text: string): void {
    if (this.open) this.ws.send(text);
  }

  sendBinary(bytes: Uint8Array): void {
    if (this.open) this.ws.send(bytes, { binary: true });
  }

  /** Sends one fragment of a binary message (`fin` ends the message). */
  sendBinaryFragment(bytes: Uint8Array, fin: boolean): void {
    if (this.open) this.ws.send(bytes, { binary: true, fin });
  }

  /** Sends a message with a well-formed envelope for this session. */
  sendMessage(type: string, seq: number, parameters: Record<string, unknown>): void {
    this.sendText(
      JSON.stringify({ version: '2', id: this.sessionId, type, seq, serverseq: this.lastServerSeq, position: 'PT0S', parameters }),
    );
  }

  /** Resolves true when a text message of `type` has arrived (now or later), false after `timeoutMs` or on socket close. */
  waitForText(type: string, timeoutMs: number): Promise<boolean> {
    const seen = (): boolean => this.events.some((e) => e.kind === 'text' && e.type === type);
    if (seen()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(value);
      };
      const listener = (): void => {
        if (seen()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.listeners.push(listener);
      void this.closed.then(() => done(seen()));
    });
  }

  /** Closes the socket as Genesys does after `closed` (normal closure). */
  closeSocket(): void {
    if (this.open) this.ws.close(1000);
  }

  terminate(): void {
    this.ws.terminate();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      if (this.closedSeen) this.audioAfterClosed += 1;
      if (this.disconnectSeen) this.audioAfterDisconnect += 1;
      this.events.push({ kind: 'binary', bytes: data.byteLength });
      return;
    }
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(data.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      this.violations.push('server text is not a JSON object');
      return;
    }
    const type = typeof message.type === 'string' ? message.type : '';
    if (this.closedSeen) this.violations.push(`${type} after closed`);
    if (message.version !== '2') this.violations.push(`version ${String(message.version)}`);
    if (message.id !== this.sessionId) this.violations.push('wrong session id');
    if (!SERVER_TYPES.has(type)) this.violations.push(`unknown server type ${type}`);
    if (message.seq !== this.lastServerSeq + 1) this.violations.push(`seq ${String(message.seq)} after ${this.lastServerSeq}`);
    if (typeof message.clientseq !== 'number' || !Number.isInteger(message.clientseq) || message.clientseq < 0) {
      this.violations.push(`clientseq ${String(message.clientseq)}`);
    }
    if (typeof message.parameters !== 'object' || message.parameters === null || Array.isArray(message.parameters)) {
      this.violations.push(`${type} without parameters object`);
    }
    if ('position' in message) this.violations.push('server message with position');
    if (typeof message.seq === 'number') this.lastServerSeq = message.seq;
    if (type === 'closed') this.closedSeen = true;
    if (type === 'disconnect') this.disconnectSeen = true;
    this.events.push({ kind: 'text', type, seq: typeof message.seq === 'number' ? message.seq : -1, parameters: message.parameters });
  }
}
