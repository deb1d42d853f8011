import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { GenesysClient } from '../../../runtime/tools/simulator/genesys-client.js';

/**
 * The client's audio-timing check must tell a server fault from the protocol's own race: audio the
 * server sent before it read the caller's `close` can still be on the wire when `close` leaves.
 * Only audio after `closed` or after a `disconnect` (one ordered stream) proves the server wrong.
 */
describe('GenesysClient audio-after-end check (real sockets)', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (wss === undefined ? resolve() : wss.close(() => resolve())));
    wss = undefined;
  });

  /** A scripted server: answers `open`, then runs `onClose(ws, reply)` when the client's `close` arrives. */
  async function scriptedServer(onClose: (ws: WebSocket, reply: (type: string) => void) => void): Promise<string> {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => {
      let seq = 0;
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const m = JSON.parse((data as Buffer).toString('utf8')) as { id: string; type: string; seq: number };
        const reply = (type: string): void => {
          seq += 1;
          ws.send(JSON.stringify({ version: '2', id: m.id, type, seq, clientseq: m.seq, parameters: type === 'opened' ? { media: [] } : {} }));
        };
        if (m.type === 'open') reply('opened');
        if (m.type === 'close') onClose(ws, reply);
      });
    });
    await new Promise<void>((resolve) => wss!.once('listening', () => resolve()));
    const address = wss.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    return `ws://127.0.0.1:${address.port}/audiohook/default`;
  }

  async function callThatCloses(url: string): Promise<GenesysClient> {
    const client = await GenesysClient.connect({ url, apiKey: 'k', simulatePlayback: false });
    await client.open();
    await client.close();
    await client.closed;
    return client;
  }

  it('accepts audio that was in flight when the caller sent close (it arrives before closed)', async () => {
    const url = await scriptedServer((ws, reply) => {
      ws.send(new Uint8Array(1600));
      reply('closed');
    });
    const client = await callThatCloses(url);
    expect(client.audio).toHaveLength(1);
    expect(client.violations).toEqual([]);
  });

  it('flags audio after closed', async () => {
    const url = await scriptedServer((ws, reply) => {
      reply('closed');
      ws.send(new Uint8Array(1600));
    });
    const client = await callThatCloses(url);
    expect(client.violations).toEqual(['audio after disconnect or closed']);
  });
});
