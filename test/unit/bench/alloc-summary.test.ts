import { describe, expect, it } from 'vitest';
import { summariseAllocations, type AllocationProfile } from '../../../runtime/tools/bench/alloc-summary.js';

const node = (functionName: string, url: string, lineNumber: number, selfSize: number, children: AllocationProfile['head'][] = []) => ({
  callFrame: { functionName, url, lineNumber, columnNumber: 0 },
  selfSize,
  children,
});

// (root) → onAudio (ours) → write (vad, ours) → subarray (native, 3 MB)
//        → onAudio → mulawToPcm16 (ours, 1 MB)
//        → processTimers (node) → send (SDK, 4 MB)
const PROFILE: AllocationProfile = {
  head: node('(root)', '', -1, 0, [
    node('onAudio', 'file:///r/runtime/src/session/voice-call.ts', 337, 0, [
      node('write', 'file:///r/runtime/src/audio/vad.ts', 123, 0, [node('subarray', '', -1, 3e6)]),
      node('mulawToPcm16', 'file:///r/runtime/src/audio/codec.ts', 17, 1e6),
    ]),
    node('processTimers', 'node:internal/timers', 500, 0, [node('send', 'file:///r/node_modules/@smithy/core/dist/index.js', 9, 4e6)]),
  ]),
};

describe('allocation summary', () => {
  it('credits each allocation to the innermost function of ours on its stack', () => {
    const summary = summariseAllocations(PROFILE, { seconds: 4 });
    expect(summary).toMatchObject({ totalMb: 8, mbPerSecond: 2 });
    expect(summary.byOurFunction).toEqual([
      { name: 'write', where: 'runtime/src/audio/vad.ts:124', mb: 3, pct: 37.5 },
      { name: 'mulawToPcm16', where: 'runtime/src/audio/codec.ts:18', mb: 1, pct: 12.5 },
    ]);
  });

  it('adds allocation up by area', () => {
    expect(summariseAllocations(PROFILE, { seconds: 4 }).byArea.map((a) => [a.area, a.pct])).toEqual([
      ['@smithy/core', 50],
      ['native', 37.5],
      ['runtime/src/audio', 12.5],
    ]);
  });

  it('lists what allocates with none of our frames on the stack by its own site', () => {
    expect(summariseAllocations(PROFILE, { seconds: 4 }).outsideOurCode).toEqual([
      { name: 'send', where: '@smithy/core/dist/index.js:10', mb: 4, pct: 50 },
    ]);
  });

  it('maps bundled frames through the locator', () => {
    const bundled: AllocationProfile = { head: node('(root)', '', -1, 0, [node('decode', 'file:///tmp/main.mjs', 900, 2e6)]) };
    const summary = summariseAllocations(bundled, {
      seconds: 1,
      locate: (url) => (url.endsWith('main.mjs') ? { url: '/r/runtime/src/audio/codec.ts', line: 17 } : undefined),
    });
    expect(summary.byOurFunction[0]).toMatchObject({ name: 'decode', where: 'runtime/src/audio/codec.ts:18' });
  });
});
