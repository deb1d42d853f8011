import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { NULL_UUID } from '../../src/protocol/index.js';
import type { MediaOffer, ServerMessage } from '../../src/protocol/index.js';
import { GenesysEnvelope, UpgradeRefusedError, isBargeIn, openGenesysSocket } from '../support/genesys-wire.js';

export { UpgradeRefusedError };

/**
 * A client that behaves like Genesys Cloud's Audio Connector: signed upgrade, `open` with media
 * offers, caller audio as binary frames, `ping`, `dtmf`, `playback_*`, and the close transaction. It
 * checks every server message the way the reference client does (gapless seq from 1, clientseq not
 * ahead) and records violations instead of throwing, so tests can assert on them. Used by
 * `npm run call` and the integration tests; the wire core (upgrade, envelopes, checks) is shared with
 * the benchmark and the fuzz client (../support/genesys-wire.ts).
 */

export interface GenesysClientOptions {
  /** e.g. `ws://127.0.0.1:8080/audiohook/default` */
  readonly url: string;
  readonly apiKey: string;
  /** Base64 client secret; empty or absent = unsigned request. */
  readonly clientSecret?: string;
  readonly organizationId?: string;
  readonly sessionId?: string;
  readonly correlationId?: string;
  /** Extra or replacement upgrade headers (tests use them to tamper). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the signature's `created` (Unix seconds), for stale/future signature tests. */
  readonly signatureCreatedSec?: number;
  readonly nonce?: string;
  /** Signs these instead of the real request target and host (tests: a signature for another request). */
  readonly signAs?: { readonly requestTarget?: string; readonly authority?: string };
  /** Answer a server `disconnect` with `close {reason: "disconnect"}` automatically (as Genesys does). */
  readonly autoCloseOnDisconnect?: boolean;
  /**
   * Model Genesys's playback buffer: `playback_started` when bot audio arrives while idle,
   * `playback_completed` when the audio received so far has had time to play (8 bytes per ms), and
   * a flush on a `barge_in` event. Default true.
   */
  readonly simulatePlayback?: boolean;
  /** Called with every message sent (`out`) or received (`in`), for printing. */
  readonly onTrace?: (direction: 'in' | 'out', message: Record<string, unknown>) => void;
}

export interface OpenOptions {
  readonly conversationId?: string;
  readonly media?: readonly MediaOffer[];
  readonly language?: string;
  /** Strings in Architect; other JSON values let a test check the server's tolerance. */
  readonly inputVariables?: Readonly<Record<string, unknown>>;
  readonly customConfig?: Readonly<Record<string, unknown>>;
  readonly supportedLanguages?: boolean;
  readonly organizationId?: string;
  readonly participant?: { readonly id: string; readonly ani: string; readonly aniName: string; readonly dnis: string };
}

/** The offer Genesys makes to an Audio Connector: PCMU, 8 kHz, external channel only. */
export const PCMU_MONO_OFFER: MediaOffer = { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 };

type Waiter = { type: string; resolve: (m: ServerMessage) => void; reject: (e: Error) => void };

export class GenesysClient {
  /** Every server message, in arrival order. */
  readonly received: ServerMessage[] = [];
  /** Arrival time (performance.now) of each entry of `received`. */
  readonly receivedTimes: number[] = [];
  /** Problems with what the server sent (seq gaps, bad envelope, audio at the wrong time). */
  readonly violations: string[] = [];
  /** Bot audio chunks as received. */
  readonly audio: Uint8Array[] = [];
  /** Arrival time (performance.now) of each binary message, for pacing checks. */
  readonly audioTimes: number[] = [];
  readonly sessionId: string;
  readonly organizationId: string;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly envelope: GenesysEnvelope;
  private position = 0;
  private waiters: Waiter[] = [];
  private disconnectSeen = false;
  private closeSent = false;
  private playbackEndsAt = 0;
  private playbackTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly ws: WebSocket,
    ids: { sessionId: string; organizationId: string },
    private readonly options: GenesysClientOptions,
  ) {
    this.sessionId = ids.sessionId;
    this.organizationId = ids.organizationId;
    this.envelope = new GenesysEnvelope(ids.sessionId);
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.stopPlayback();
        for (const w of this.waiters) w.reject(new Error(`socket closed (${code}) while waiting for ${w.type}`));
        this.waiters = [];
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('error', () => undefined);
  }

  /** Opens the WebSocket with Genesys's headers and signature. Rejects with UpgradeRefusedError on an HTTP answer. */
  static async connect(options: GenesysClientOptions): Promise<GenesysClient> {
    const { ws, ids } = await openGenesysSocket(options.url, {
      apiKey: options.apiKey,
      ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
      ids: {
        ...(options.organizationId === undefined ? {} : { organizationId: options.organizationId }),
        ...(options.sessionId === undefined ? {} : { sessionId: options.sessionId }),
        ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
      },
      ...(options.signatureCreatedSec === undefined ? {} : { createdSec: options.signatureCreatedSec }),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
      ...(options.signAs === undefined ? {} : { signAs: options.signAs }),
      ...(options.headers === undefined ? {} : { headers: options.headers }),
    });
    return new GenesysClient(ws, ids, options);
  }

  /** Sends `open` and resolves with the server's answer: `opened`, or `disconnect` if refused. */
  async open(options: OpenOptions = {}): Promise<ServerMessage> {
    const answer = this.waitForAny(['opened', 'disconnect']);
    this.send('open', {
      organizationId: options.organizationId ?? this.organizationId,
      conversationId: options.conversationId ?? randomUUID(),
      participant: options.participant ?? { id: randomUUID(), ani: '+13175550100', aniName: 'Test Caller', dnis: '+18005550199' },
      media: options.media ?? [PCMU_MONO_OFFER],
      ...(options.language === undefined ? {} : { language: options.language }),
      ...(options.supportedLanguages === undefined ? {} : { supportedLanguages: options.supportedLanguages }),
      ...(options.inputVariables === undefined ? {} : { inputVariables: options.inputVariables }),
      ...(options.customConfig === undefined ? {} : { customConfig: options.customConfig }),
    });
    return answer;
  }

  /** Opens a connection probe (null conversation and participant ids, no audio), as Genesys does on save. */
  openProbe(): Promise<ServerMessage> {
    return this.open({ conversationId: NULL_UUID, participant: { id: NULL_UUID, ani: '', aniName: '', dnis: '' } });
  }

  /** Sends one message with the next seq, the last server seq seen and the current position. */
  send(type: string, parameters: Record<string, unknown>): number {
    this.sendRaw(this.envelope.encode(type, parameters, this.position));
    if (type === 'close') this.closeSent = true;
    return this.envelope.seq;
  }

  /** Sends text as is (tests use it for malformed input). */
  sendRaw(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(text);
    if (this.options.onTrace !== undefined) {
      try {
        this.options.onTrace('out', JSON.parse(text) as Record<string, unknown>);
      } catch {
        this.options.onTrace('out', { raw: text.slice(0, 80) });
      }
    }
  }

  /** Sends one binary audio frame and advances the stream position. */
  sendAudio(frame: Uint8Array, bytesPerSample = 1): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(frame, { binary: true });
    this.position += (frame.byteLength / bytesPerSample / 8000) * 1000;
  }

  /** Sends `ping` and resolves with the round-trip time in ms. */
  async ping(): Promise<number> {
    const started = performance.now();
    const pong = this.waitFor('pong');
    const seq = this.send('ping', {});
    const answer = await pong;
    if (answer.clientseq !== seq) this.violations.push(`pong.clientseq ${answer.clientseq} != ping.seq ${seq}`);
    return performance.now() - started;
  }

  dtmf(digit: string): void {
    this.send('dtmf', { digit });
  }

  /** Runs the close transaction: `close`, then waits for `closed`, then closes the socket as Genesys does. */
  async close(reason: 'end' | 'disconnect' | 'error' = 'end', timeoutMs = 10_000): Promise<ServerMessage> {
    const closed = this.waitFor('closed', timeoutMs);
    this.send('close', { reason });
    const message = await closed;
    this.ws.close(1000);
    return message;
  }

  /** Closes the socket without any protocol goodbye (a caller whose network vanished). */
  drop(): void {
    this.stopPlayback();
    this.ws.terminate();
  }

  /** Whether bot audio is playing in the modelled Genesys playback buffer. */
  get playing(): boolean {
    return this.playbackTimer !== undefined;
  }

  private onBotAudio(bytes: number): void {
    if (this.options.simulatePlayback === false || this.closeSent) return;
    const now = performance.now();
    if (this.playbackTimer === undefined) {
      this.send('playback_started', {});
      this.playbackEndsAt = now;
    }
    this.playbackEndsAt = Math.max(this.playbackEndsAt, now) + bytes / 8;
    this.armPlaybackTimer();
  }

  private armPlaybackTimer(): void {
    clearTimeout(this.playbackTimer);
    this.playbackTimer = setTimeout(() => {
      this.playbackTimer = undefined;
      if (!this.closeSent) this.send('playback_completed', {});
    }, Math.max(0, this.playbackEndsAt - performance.now()));
  }

  /** Genesys flushes what it has buffered when the server signals barge-in. */
  private flushPlayback(): void {
    if (this.playbackTimer === undefined) return;
    this.playbackEndsAt = performance.now();
    this.armPlaybackTimer();
  }

  private stopPlayback(): void {
    clearTimeout(this.playbackTimer);
    this.playbackTimer = undefined;
  }

  waitFor(type: string, timeoutMs = 10_000): Promise<ServerMessage> {
    return this.waitForAny([type], timeoutMs);
  }

  /** Resolves with the first message of one of `types` that arrives from now on. */
  waitForAny(types: readonly string[], timeoutMs = 10_000): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${types.join('|')}`));
      }, timeoutMs);
      const waiter: Waiter = {
        type: types.join('|'),
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** All bot audio received so far, concatenated. */
  audioBytes(): Uint8Array {
    return Buffer.concat(this.audio);
  }

  get socketOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      // Audio sent before the server read our `close` may still arrive after it left (the protocol's
      // own race); only audio after `closed` or a `disconnect` proves the server wrong.
      if (this.disconnectSeen || this.envelope.closedSeen) this.violations.push('audio after disconnect or closed');
      this.audio.push(new Uint8Array(data));
      this.audioTimes.push(performance.now());
      this.onBotAudio(data.byteLength);
      return;
    }
    const message = this.envelope.receive(data.toString('utf8'), this.violations);
    if (message === undefined) return;
    this.received.push(message);
    this.receivedTimes.push(performance.now());
    this.options.onTrace?.('in', message);
    if (isBargeIn(message)) this.flushPlayback();
    if (message.type === 'closed') this.stopPlayback();
    if (message.type === 'disconnect') {
      this.disconnectSeen = true;
      if (this.options.autoCloseOnDisconnect !== false && !this.closeSent) {
        this.close('disconnect').catch(() => undefined);
      }
    }
    const matched = this.waiters.filter((w) => w.type.split('|').includes(message.type));
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const w of matched) w.resolve(message);
  }

}
