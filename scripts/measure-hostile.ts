/**
 * Measures what a hostile, authenticated peer at full speed does to a server (`npm start` as a
 * separate process): time until it is disconnected and cut off, log lines its session added, and
 * the ping round-trip of a concurrent, well-behaved call during the flood. The flood runs in a worker
 * thread, the measuring call on the main thread. `npx tsx scripts/measure-hostile.ts`; one JSON line.
 */
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { GenesysClient, PCMU_MONO_OFFER } from '../runtime/tools/simulator/genesys-client.js';

const PORT = 18_099;
const KEY = { apiKey: 'measure-key', clientSecret: Buffer.from('measure-hostile-secret-0123456789').toString('base64') };
const server = spawn(process.execPath, ['--import', 'tsx', 'runtime/src/main.ts'], {
  env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'info', SPEECH_MODE: 'offline', AUDIOHOOK_API_KEYS: JSON.stringify({ [KEY.apiKey]: KEY.clientSecret }), LOCAL_DATA_DIR: `/tmp/measure-hostile-${process.pid}` },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const lines: string[] = [];
await new Promise<void>((resolve) => {
  let buffer = '';
  server.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (line.includes('"listening"')) resolve();
    }
  });
});
const url = `ws://127.0.0.1:${PORT}/audiohook/listen`;

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN) * 10) / 10;
};

/** A well-behaved call pinging every 50 ms while `during` runs. */
async function pingsDuring(during: () => Promise<unknown>): Promise<{ n: number; p50: number; p99: number; max: number }> {
  const call = await GenesysClient.connect({ url, ...KEY });
  await call.open({ media: [PCMU_MONO_OFFER] });
  const rtts: number[] = [];
  let done = false;
  const loop = (async () => {
    while (!done) {
      rtts.push(await call.ping());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  await during();
  done = true;
  await loop;
  await call.close();
  return { n: rtts.length, p50: pct(rtts, 50), p99: pct(rtts, 99), max: Math.round(Math.max(...rtts) * 10) / 10 };
}

const results: Record<string, unknown> = {};
results.baseline = await pingsDuring(() => new Promise((resolve) => setTimeout(resolve, 3_000)));
for (const kind of ['dtmf', 'unknown', 'audio'] as const) {
  let outcome: Record<string, unknown> = {};
  const ping = await pingsDuring(
    () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL('./hostile-worker.ts', import.meta.url), { workerData: { url, ...KEY, kind }, execArgv: ['--import', 'tsx'] });
        worker.once('message', (message: Record<string, unknown>) => {
          outcome = message;
          void worker.terminate().then(() => resolve());
        });
        worker.once('error', reject);
      }),
  );
  const sessionLines = lines.filter((line) => line.includes(String(outcome.sessionId))).length;
  results[kind] = { ...outcome, sessionLogLines: sessionLines, concurrentPingRttMs: ping };
}
server.kill('SIGTERM');
console.log(JSON.stringify(results));
