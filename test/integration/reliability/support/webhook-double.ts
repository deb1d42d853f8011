import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the webhook double answers the next requests. */
export type WebhookMode =
  /** Answers with `reply(message)` at once. */
  | { readonly kind: 'ok' }
  /** Never answers (holds the request until the client gives up). */
  | { readonly kind: 'hang' }
  /** Answers with this HTTP status and an empty JSON array. */
  | { readonly kind: 'status'; readonly status: number };

/** One request the double received. */
export interface WebhookRequestRecord {
  readonly message: string;
  readonly inputType: string;
  readonly bodyBytes: number;
  /** True once the client closed the connection before an answer was sent (it gave up). */
  abandoned: boolean;
}

/**
 * A local Rasa-REST-channel webhook (the contract in docs/bots.md) that a test can make slow, failing
 * or unreachable. `reply` maps the caller's message to the bot's answer in `ok` mode.
 */
export interface WebhookDouble {
  readonly url: string;
  readonly requests: WebhookRequestRecord[];
  mode: WebhookMode;
  /** Stops listening and drops open connections: later requests get ECONNREFUSED. */
  goDown(): Promise<void>;
  close(): Promise<void>;
}

export type WebhookReply = (message: string) => readonly Record<string, unknown>[];

export async function startWebhookDouble(reply: WebhookReply): Promise<WebhookDouble> {
  const requests: WebhookRequestRecord[] = [];
  let down = false;
  const double = {
    url: '',
    requests,
    mode: { kind: 'ok' } as WebhookMode,
    goDown: () => stop(),
    close: () => stop(),
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8')) as { message: string; metadata: { inputType: string } };
      const record: WebhookRequestRecord = { message: body.message, inputType: body.metadata.inputType, bodyBytes: raw.byteLength, abandoned: false };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.abandoned = true;
      });
      const mode = double.mode;
      if (mode.kind === 'hang') return;
      const status = mode.kind === 'status' ? mode.status : 200;
      const answer = mode.kind === 'ok' ? reply(body.message) : [];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });

  async function stop(): Promise<void> {
    if (down) return;
    down = true;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/rest/webhook`;
  return double;
}
