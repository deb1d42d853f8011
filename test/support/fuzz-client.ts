import { WebSocket } from 'ws';
import { GenesysEnvelope, openGenesysSocket } from '../../runtime/tools/support/genesys-wire.js';

/** What the fuzz client saw, in order. */
export type FuzzEvent =
  | { readonly kind: 'text'; readonly type: string; readonly seq: number; readonly parameters: unknown }
  | { readonly kind: 'binary'; readonly bytes: number };

/**
 * A raw AudioHook client for property tests: it sends whatever it is given (valid, mutated or garbage
 * text, binary of any size) without keeping protocol state of its own, and checks every server
 * message against the invariants that must hold whatever the client did (the shared checks of
 * runtime/tools/support/genesys-wire.ts, without "clientseq not ahead", since its seqs are arbitrary):
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
  private readonly envelope: GenesysEnvelope;
  private disconnectSeen = false;
  private listeners: (() => void)[] = [];

  private constructor(
    private readonly ws: WebSocket,
    ids: { readonly sessionId: string; readonly organizationId: string },
  ) {
    this.sessionId = ids.sessionId;
    this.organizationId = ids.organizationId;
    this.envelope = new GenesysEnvelope(ids.sessionId);
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.on('message', (data: Buffer, isBinary) => {
      this.onMessage(data, isBinary);
      for (const listener of this.listeners) listener();
    });
  }

  /** Opens a signed upgrade with fresh ids. Rejects if the server refuses it. */
  static async connect(url: string, key: { readonly apiKey: string; readonly clientSecret: string }): Promise<FuzzClient> {
    const { ws, ids } = await openGenesysSocket(url, key);
    return new FuzzClient(ws, ids);
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
    return this.envelope.serverSeq;
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
      JSON.stringify({ version: '2', id: this.sessionId, type, seq, serverseq: this.envelope.serverSeq, position: 'PT0S', parameters }),
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
      if (this.envelope.closedSeen) this.audioAfterClosed += 1;
      if (this.disconnectSeen) this.audioAfterDisconnect += 1;
      this.events.push({ kind: 'binary', bytes: data.byteLength });
      return;
    }
    const message = this.envelope.receive(data.toString('utf8'), this.violations, false) as Record<string, unknown> | undefined;
    if (message === undefined) return;
    const type = typeof message.type === 'string' ? message.type : '';
    if (type === 'disconnect') this.disconnectSeen = true;
    this.events.push({ kind: 'text', type, seq: typeof message.seq === 'number' ? message.seq : -1, parameters: message.parameters });
  }
}
