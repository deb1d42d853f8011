/**
 * Issue 13's hostile-peer figures, measured rather than asserted (the outcome is asserted by
 * test/integration/security/inbound-limits.int.test.ts). The production bundle runs in its own
 * process pinned to core 0, at log level debug (the worst case for log volume). On core 1, this
 * process keeps `--victims` listen-only calls streaming real-time audio and pinging, while an
 * attacker in a child process (also core 1, so its sending does not stall the victims' timers;
 * at nice 19, so its Node start-up and sending stand for a peer on another host rather than
 * measuring this machine's two cores) floods one authenticated session at full speed: DTMF, an unknown type with a 65 KB name, then
 * audio at 50× real time. For each attack it prints one JSON line: time to the server's
 * `disconnect` and to the socket close, the attacker session's log lines, and the victims' ping
 * RTT p50/p99/max during the attack next to the server's event-loop delay.
 *
 * `npx tsx test/measure/hostile-peer.ts [--victims 50]`. Not a test.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_KEY, FRAME_BYTES, FRAME_MS } from '../../runtime/tools/bench/bench-constants.js';
import { GENERATOR_CORE, SERVER_CORE } from '../../runtime/tools/bench/run-mode.js';
import { startDynamoDbStub } from '../../runtime/tools/bench/dynamodb-stub.js';
import { bundleBenchServer, hasTaskset, pinSelf, startServerProcess } from '../../runtime/tools/bench/server-process.js';
import { GenesysClient, PCMU_MONO_OFFER } from '../../runtime/tools/simulator/genesys-client.js';

type AttackKind = 'dtmf' | 'unknown-type' | 'audio-50x';
const ATTACKS: readonly AttackKind[] = ['dtmf', 'unknown-type', 'audio-50x'];

/** What the attacker child reports on its stdout (one JSON line). */
interface AttackReport {
  readonly sessionId: string;
  readonly sent: number;
  readonly disconnectAfterMs: number | null;
  readonly disconnect: unknown;
  readonly closedAfterMs: number;
  readonly closeCode: number;
}

const LONG_TYPE = 'x'.repeat(65_000);

/**
 * Each victim pings twice a second: the server answers within Genesys's limit on its own messages
 * (5 a second, burst 25), so faster pings would measure that limiter's queue, not the server.
 */
const VICTIM_PING_EVERY_MS = 500;

/** The attacker (child process): opens a session, floods it as fast as the socket takes, reports. */
async function attack(url: string, kind: AttackKind): Promise<void> {
  const client = await GenesysClient.connect({ url, ...BENCH_KEY, simulatePlayback: false });
  await client.open({ media: [PCMU_MONO_OFFER] });
  const frame = new Uint8Array(FRAME_BYTES).fill(0xff);
  // 50× real time: 50 frames of 200 ms in every 200 ms.
  const send: Record<AttackKind, (i: number) => void> = {
    dtmf: (i) => client.dtmf(String(i % 10)),
    'unknown-type': () => client.send(LONG_TYPE, {}),
    'audio-50x': () => client.sendAudio(frame),
  };
  const ws = (client as unknown as { ws: { bufferedAmount: number } }).ws;
  let open = true;
  const started = performance.now();
  const closed = client.closed.then((result) => {
    open = false;
    return { ...result, at: performance.now() };
  });
  let sent = 0;
  while (open && sent < 5_000_000) {
    if (kind === 'audio-50x') {
      for (let i = 0; i < 50 && client.socketOpen; i += 1) send[kind](sent++);
      await new Promise((resolve) => setTimeout(resolve, FRAME_MS));
    } else {
      while (client.socketOpen && ws.bufferedAmount < 1_000_000) send[kind](sent++);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  const { code, at } = await closed;
  const index = client.received.findIndex((m) => m.type === 'disconnect');
  const report: AttackReport = {
    sessionId: client.sessionId,
    sent,
    disconnectAfterMs: index < 0 ? null : Math.round(client.receivedTimes[index]! - started),
    disconnect: index < 0 ? null : client.received[index]!.parameters,
    closedAfterMs: Math.round(at - started),
    closeCode: code,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

function runAttacker(url: string, kind: AttackKind): Promise<AttackReport> {
  const script = fileURLToPath(import.meta.url);
  const pin = hasTaskset() ? ['taskset', '-c', String(GENERATOR_CORE)] : [];
  const command = ['nice', '-n', '19', ...pin, process.execPath, '--import', 'tsx', script, 'attack', url, kind];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = output.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as AttackReport);
      else reject(new Error(`attacker (${kind}) exited ${code}: ${output}`));
    });
  });
}

/** A well-behaved listen-only call: real-time audio, and a ping every `pingEveryMs` whose RTT is kept. */
async function startVictim(url: string, rtts: { at: number; ms: number }[], pingEveryMs: number): Promise<() => Promise<void>> {
  const client = await GenesysClient.connect({ url, ...BENCH_KEY, simulatePlayback: false });
  await client.open({ media: [PCMU_MONO_OFFER] });
  const frame = new Uint8Array(FRAME_BYTES).fill(0xff);
  const audio = setInterval(() => client.sendAudio(frame), FRAME_MS);
  let pinging = true;
  const pinger = (async () => {
    while (pinging && client.socketOpen) {
      const ms = await client.ping();
      rtts.push({ at: performance.now(), ms });
      await new Promise((resolve) => setTimeout(resolve, pingEveryMs));
    }
  })();
  return async () => {
    pinging = false;
    clearInterval(audio);
    await pinger;
    await client.close();
  };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

const rttSummary = (values: readonly number[]) => ({ samples: values.length, p50: percentile(values, 50), p99: percentile(values, 99), max: percentile(values, 100) });

async function measure(victimCount: number): Promise<void> {
  const generatorPinned = pinSelf(GENERATOR_CORE);
  const work = mkdtempSync(join(tmpdir(), 'hostile-peer-'));
  const mainFile = await bundleBenchServer(work);
  const store = await startDynamoDbStub();
  const logFile = join(work, 'server.log');
  const server = await startServerProcess({
    mainFile,
    dynamoDbEndpoint: store.endpoint,
    nice: 0,
    nodeFlags: [],
    settings: { logLevel: 'debug', maxSessions: victimCount + 50, speech: 'doubles' },
    core: SERVER_CORE,
    cpuProfileDir: undefined,
    logFile,
  });
  const base = `ws://127.0.0.1:${server.port}/audiohook`;
  const rtts: { at: number; ms: number }[] = [];
  const stops = await Promise.all(Array.from({ length: victimCount }, () => startVictim(`${base}/listen`, rtts, VICTIM_PING_EVERY_MS)));
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const results = [];
  for (const kind of ATTACKS) {
    await server.stats(false);
    const quietFrom = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const quiet = await server.stats(false);
    const from = performance.now();
    const report = await runAttacker(`${base}/default`, kind);
    const to = performance.now();
    const during = await server.stats(false);
    const logLines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes(report.sessionId)).length;
    const result = {
      attack: kind,
      sent: report.sent,
      disconnect: report.disconnect,
      disconnectAfterMs: report.disconnectAfterMs,
      closedAfterMs: report.closedAfterMs,
      attackerLogLines: logLines,
      victims: victimCount,
      // The window starts at the attacker's spawn (its Node start-up included), so it is wider than the attack.
      victimPingMs: { quiet: rttSummary(rtts.filter((r) => r.at >= quietFrom && r.at < from).map((r) => r.ms)), during: rttSummary(rtts.filter((r) => r.at >= from && r.at <= to).map((r) => r.ms)) },
      serverLoopDelayP99Ms: { quiet: quiet.loopDelayP99Ms, during: during.loopDelayP99Ms, duringMax: during.loopDelayMaxMs },
    };
    results.push(result);
    console.log(JSON.stringify(result));
  }
  await Promise.all(stops.map((stop) => stop()));
  await server.stop();
  await store.close();
  const ok = results.every((r) => r.disconnectAfterMs !== null && r.closedAfterMs < 2_000 && r.attackerLogLines < 200 && r.victimPingMs.during.p99 < 50);
  console.log(JSON.stringify({ pinned: { server: server.pinnedCore ?? null, generator: generatorPinned ? GENERATOR_CORE : null }, log: logFile, withinTargets: ok }));
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'attack') {
  await attack(rest[0]!, rest[1] as AttackKind);
  process.exit(0);
} else {
  const at = process.argv.indexOf('--victims');
  const victims = at > 0 ? Number(process.argv[at + 1]) : 50;
  if (!Number.isInteger(victims) || victims < 1) throw new Error('--victims takes a positive integer');
  await measure(victims);
  process.exit(0);
}
