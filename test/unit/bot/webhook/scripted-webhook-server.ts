import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '../../../support/fake-clock.js';
import type { Cancel } from '../../../../runtime/src/shared/clock.js';

/** A request the server received, body parsed as JSON. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** How to answer one request: a status with a JSON or raw body, never answer, or drop the socket. */
export type ScriptedReply = { readonly status?: number; readonly json?: unknown; readonly raw?: string } | 'hang' | 'drop';

/**
 * A real HTTP server on 127.0.0.1, port 0, answering requests with scripted replies in order (the
 * last one repeats) and recording what it got, so the webhook bot is tested over a socket.
 */
export class ScriptedWebhookServer {
  readonly requests: RecordedRequest[] = [];
  private replies: ScriptedReply[] = [{ json: [] }];
  private readonly arrivals: Array<{ count: number; resolve: () => void }> = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScriptedWebhookServer> {
    const server = createServer();
    const scripted = new ScriptedWebhookServer(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        scripted.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text === '' ? undefined : JSON.parse(text) });
        const reply = scripted.replies.length > 1 ? scripted.replies.shift()! : scripted.replies[0]!;
        scripted.notifyArrivals();
        if (reply === 'hang') return;
        if (reply === 'drop') {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
        res.end(reply.raw ?? JSON.stringify(reply.json ?? []));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return scripted;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/rest/webhook`;
  }

  /** Replies for the next requests, in order; the last one answers every later request too. */
  script(...replies: ScriptedReply[]): void {
    this.replies = replies;
  }

  /** Resolves once `count` requests have arrived in total. */
  requestsArrived(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.push({ count, resolve }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notifyArrivals(): void {
    for (const waiter of [...this.arrivals]) {
      if (this.requests.length >= waiter.count) {
        this.arrivals.splice(this.arrivals.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}

/** A FakeClock that tells a test when code under test starts a timer, so it can advance time at the right moment. */
export class TimerWatchingClock extends FakeClock {
  private readonly watchers: Array<{ matches: (ms: number) => boolean; resolve: (ms: number) => void }> = [];

  override setTimer(ms: number, fn: () => void): Cancel {
    const cancel = super.setTimer(ms, fn);
    for (const watcher of [...this.watchers]) {
      if (watcher.matches(ms)) {
        this.watchers.splice(this.watchers.indexOf(watcher), 1);
        watcher.resolve(ms);
      }
    }
    return cancel;
  }

  /** Resolves when the next timer of `ms` milliseconds is set. */
  timerSet(ms: number): Promise<number> {
    return new Promise((resolve) => this.watchers.push({ matches: (set) => set === ms, resolve }));
  }
}
