/** Worker of scripts/measure-hostile.ts: one hostile peer flooding at full speed until the server cuts it off. */
import { parentPort, workerData } from 'node:worker_threads';
import { GenesysClient, PCMU_MONO_OFFER } from '../runtime/tools/simulator/genesys-client.js';

const { url, apiKey, clientSecret, kind } = workerData as { url: string; apiKey: string; clientSecret: string; kind: 'dtmf' | 'unknown' | 'audio' };
const client = await GenesysClient.connect({ url, apiKey, clientSecret });
await client.open({ media: [PCMU_MONO_OFFER] });
const longType = 'x'.repeat(65_000);
const frame = new Uint8Array(8_000).fill(0xff);
const ws = (client as unknown as { ws: { bufferedAmount: number } }).ws;
const started = performance.now();
let disconnectMs: number | undefined;
let sent = 0;
let open = true;
void client.closed.then(() => (open = false));
while (open) {
  if (disconnectMs === undefined && client.received.some((m) => m.type === 'disconnect')) disconnectMs = performance.now() - started;
  while (open && client.socketOpen && ws.bufferedAmount < 1_000_000) {
    if (kind === 'dtmf') client.dtmf(String(sent % 10));
    else if (kind === 'unknown') client.send(longType, {});
    // 50x real time: one second of PCMU every 20 ms.
    else client.sendAudio(frame);
    sent += 1;
    if (kind === 'audio') break;
  }
  await new Promise((resolve) => setTimeout(resolve, kind === 'audio' ? 20 : 0));
}
parentPort?.postMessage({ kind, sessionId: client.sessionId, sent, disconnectMs: disconnectMs === undefined ? undefined : Math.round(disconnectMs), closedMs: Math.round(performance.now() - started) });
