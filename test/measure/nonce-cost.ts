/**
 * What recording nonces in the session table adds to an upgrade: two servers in this process, one
 * with the embedded table (local replay cache only) and one with a configured table on dynalite
 * (local cache + conditional write), upgraded alternately so machine noise hits both alike.
 * `npx tsx test/measure/nonce-cost.ts [rounds]`; prints one JSON line. Not a test.
 */
import { startDynalite } from '../support/dynalite.js';
import { startTestServer } from '../support/test-server.js';

const rounds = Number(process.argv[2] ?? 300);
const dynalite = await startDynalite();
const tableName = await dynalite.createTable();
const local = await startTestServer({ LOG_LEVEL: 'warn' });
const shared = await startTestServer({ LOG_LEVEL: 'warn', SESSION_TABLE_NAME: tableName }, { dynamoDb: dynalite.newClient() });

async function upgradeMs(server: typeof local): Promise<number> {
  const started = performance.now();
  const client = await server.connect();
  const ms = performance.now() - started;
  client.drop();
  return ms;
}

const times = { local: [] as number[], shared: [] as number[] };
for (let i = 0; i < 20; i += 1) {
  await upgradeMs(local);
  await upgradeMs(shared);
}
for (let i = 0; i < rounds; i += 1) {
  times.local.push(await upgradeMs(local));
  times.shared.push(await upgradeMs(shared));
}
const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;
};
const summary = (values: number[]) => ({ p50: pct(values, 50), p90: pct(values, 90), p99: pct(values, 99) });
await local.close();
await shared.close();
await dynalite.close();
console.log(JSON.stringify({ rounds, upgradeMs: { localCacheOnly: summary(times.local), withSharedNonce: summary(times.shared) } }));
