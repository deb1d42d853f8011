import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type RawData } from 'ws';
import { frameCallerAudio } from '../../../runtime/tools/bench/framed-audio.js';
import { openGenesysSocket } from '../../../runtime/tools/support/genesys-wire.js';

const payload = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

describe('frameCallerAudio', () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  it('frames payloads that ws on a real socket reads back byte for byte, in order with ws\'s own messages', async () => {
    const received: { binary: boolean; bytes: Buffer }[] = [];
    let allReceived: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    server.on('connection', (peer) =>
      peer.on('message', (data: RawData, binary: boolean) => {
        received.push({ binary, bytes: Buffer.from(data as Buffer) });
        if (received.length === 5) allReceived();
      }),
    );
    await new Promise((resolve) => server!.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const { ws, socket } = await openGenesysSocket(`ws://127.0.0.1:${port}/`, { apiKey: 'k', clientSecret: Buffer.from('s').toString('base64') });
    // One length of each encoding: 7-bit, 16-bit and 64-bit.
    const small = payload(5, 1);
    const frame = payload(1600, 2);
    const large = payload(70_000, 3);
    socket.write(frameCallerAudio(small));
    ws.send('between');
    socket.write(frameCallerAudio(frame));
    socket.write(frameCallerAudio(large, [1, 0, 0, 0]));
    ws.send(Buffer.from('last'));
    await done;
    ws.close();
    expect(received.map(({ binary, bytes }) => [binary, bytes.byteLength])).toEqual([[true, 5], [false, 7], [true, 1600], [true, 70_000], [true, 4]]);
    expect(received[0]!.bytes.equals(small)).toBe(true);
    expect(received[2]!.bytes.equals(frame)).toBe(true);
    expect(received[3]!.bytes.equals(large)).toBe(true);
  });

  it('masks with a key that is not all zero, so the server unmasks as it does for Genesys', () => {
    const framed = frameCallerAudio(payload(1600, 4));
    expect([...framed.subarray(4, 8)].some((byte) => byte !== 0)).toBe(true);
    expect(() => frameCallerAudio(payload(10, 5), [0, 0, 0, 0])).toThrow(RangeError);
  });
});
