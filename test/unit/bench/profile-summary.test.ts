import { describe, expect, it } from 'vitest';
import { areaOf, shortUrl, summariseProfile, type CpuProfile } from '../../../runtime/tools/bench/profile-summary.js';

const SRC = 'file:///repo/runtime/src';
const frame = (id: number, functionName: string, url: string, lineNumber: number, children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber, columnNumber: 0 },
  children,
});

// root → onBinary (session) → onAudio (session) → write (vad) ; root → (garbage collector) ; root → (idle)
const PROFILE: CpuProfile = {
  startTime: 1_000,
  nodes: [
    frame(1, '(root)', '', -1, [2, 5, 6]),
    frame(2, 'onBinary', `${SRC}/session/audiohook-session.ts`, 266, [3]),
    frame(3, 'onAudio', `${SRC}/session/voice-call.ts`, 268, [4]),
    frame(4, 'write', `${SRC}/audio/vad.ts`, 123),
    frame(5, '(garbage collector)', '', -1),
    frame(6, '(idle)', '', -1),
  ],
  // Sample times: 1100, 1200, 1300, 1400, 1500, 1600 (µs).
  samples: [4, 4, 3, 5, 6, 2],
  timeDeltas: [100, 100, 100, 100, 100, 100],
};

describe('CPU profile summary', () => {
  it('splits self time by function and by area, without idle', () => {
    const summary = summariseProfile(PROFILE);
    expect(summary).toMatchObject({ totalMs: 0.6, idleMs: 0.1, busyMs: 0.5 });
    expect(summary.topSelf[0]).toEqual({ name: 'write', where: 'runtime/src/audio/vad.ts:124', ms: 0.2, pct: 40 });
    expect(summary.byArea.map((a) => [a.area, a.pct])).toEqual([
      ['runtime/src/audio', 40],
      ['runtime/src/session', 40],
      ['garbage collection', 20],
    ]);
  });

  it('adds inclusive time to every one of our functions on the stack', () => {
    const inclusive = Object.fromEntries(summariseProfile(PROFILE).topInclusiveOurs.map((h) => [h.name, h.ms]));
    expect(inclusive).toEqual({ onBinary: 0.4, onAudio: 0.3, write: 0.2 });
  });

  it('keeps only the samples inside a window', () => {
    const summary = summariseProfile(PROFILE, { window: [1_250, 1_450] });
    expect(summary.totalMs).toBe(0.2);
    expect(summary.topSelf.map((h) => h.name)).toEqual(['onAudio', '(garbage collector)']);
  });

  it('maps bundled frames to their sources', () => {
    const bundled: CpuProfile = {
      startTime: 0,
      nodes: [frame(1, '(root)', '', -1, [2]), frame(2, 'mulawToPcm16', 'file:///tmp/x/main.mjs', 5000)],
      samples: [2],
      timeDeltas: [1000],
    };
    const summary = summariseProfile(bundled, {
      locate: (url, line) => (url.endsWith('main.mjs') && line === 5000 ? { url: '/repo/runtime/src/audio/codec.ts', line: 17 } : undefined),
    });
    expect(summary.topSelf[0]).toMatchObject({ name: 'mulawToPcm16', where: 'runtime/src/audio/codec.ts:18' });
  });

  it('names areas: our folders, dependencies, Node internals', () => {
    expect(shortUrl('file:///a/node_modules/ws/lib/receiver.js')).toBe('ws/lib/receiver.js');
    expect(areaOf('startLoop', 'file:///a/node_modules/ws/lib/receiver.js')).toBe('ws');
    expect(areaOf('x', '/a/node_modules/@smithy/core/dist/index.js')).toBe('@smithy/core');
    expect(areaOf('emit', 'node:events')).toBe('node internals');
    expect(areaOf('step', '/repo/runtime/src/protocol/state-machine.ts')).toBe('runtime/src/protocol');
    expect(areaOf('writev', '')).toBe('native');
  });
});
