import { describe, expect, it } from 'vitest';
import { runSoak } from '../../runtime/tools/soak.js';

/**
 * The short form of `runtime/tools/soak.ts` (see there for the long form): hundreds of signed sessions
 * cycling against the real application for 15 s, a quarter of them whole calls ending with the
 * bot's disconnect. Memory is measured after forced GCs with no session up, handles by type before
 * the first session and after the last.
 */
describe('soak', () => {
  it('serves hundreds of cycling sessions without failures, memory growth once warm, or leaked handles', async () => {
    const report = await runSoak({ durationMs: 13_000, warmupMs: 2_000, concurrency: 40, fullCallEvery: 4, sampleEveryMs: 1_000 });
    const { samples: _samples, ...summary } = report;
    console.info(`soak: ${JSON.stringify(summary)}`);

    expect(report.sessions.completed).toBeGreaterThanOrEqual(500);
    expect(report.sessions.fullCalls).toBeGreaterThanOrEqual(100);
    expect(report.sessions.failed).toBe(0);
    expect(report.sessions.violationKinds).toEqual({});
    expect(report.errorLogLines).toBe(0);
    // No timer, socket or stream outlives the sessions.
    expect(report.leakedResources).toEqual({});
    expect(report.sockets.app).toBe(0);
    // Live heap with no session up: at most a few MB more after thousands of sessions than when warm.
    expect(report.idleHeapMb.growth).toBeLessThan(10);
    expect(report.samples.length).toBeGreaterThanOrEqual(12);
  }, 60_000);
});
