/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and says where the time went: self time per
 * function, self time per area (our runtime folders, each dependency, Node internals, GC), and
 * inclusive time of our own functions. Pure, so it is tested on a hand-made profile.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber?: number };
  readonly children?: readonly number[];
}

/** The parts of a `.cpuprofile` this reads. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  /** µs on the monotonic clock; sample i is at startTime + timeDeltas[0..i]. */
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotSpot {
  readonly name: string;
  /** Path relative to the repository (or the dependency / internal module), with the line. */
  readonly where: string;
  readonly ms: number;
  /** Share of busy (non-idle) time, in %. */
  readonly pct: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly busyMs: number;
  readonly topSelf: readonly HotSpot[];
  readonly byArea: readonly { readonly area: string; readonly ms: number; readonly pct: number }[];
  /** Our functions (runtime/src) by inclusive time: what a change in our code could save. */
  readonly topInclusiveOurs: readonly HotSpot[];
}

const IDLE = new Set(['(idle)', '(program)', '(root)']);

/** `runtime/src/session/voice-call.ts`, `ws/lib/receiver.js`, `node:internal/…`; '' for natives. */
export function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const ours = path.indexOf('/runtime/');
  const dependency = path.lastIndexOf('/node_modules/');
  if (dependency >= 0) return path.slice(dependency + '/node_modules/'.length);
  if (ours >= 0) return path.slice(ours + 1);
  return path;
}

/** Which part of the system a frame belongs to, for the by-area table. */
export function areaOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (IDLE.has(functionName)) return functionName === '(program)' ? 'native (program)' : 'idle';
  const short = shortUrl(url);
  if (short === '') return 'native';
  const ours = /^runtime\/(src|tools)\/([^/]+)/.exec(short);
  if (ours !== null) return ours[1] === 'src' ? `runtime/src/${ours[2]}` : `runtime/tools/${ours[2]}`;
  if (short.startsWith('node:')) return 'node internals';
  const dependency = /^(@[^/]+\/[^/]+|[^/]+)/.exec(short);
  return dependency === null ? short : dependency[1]!;
}

/** Maps a bundled position (0-based line and column) to its source; undefined = keep it as it is. */
export type Locate = (url: string, line: number, column: number) => { readonly url: string; readonly line: number } | undefined;

/**
 * Summarises the samples taken within `window` (µs on the profiled process's monotonic clock; all of
 * them without one), so start-up and ramp-up do not mix with steady state. `locate` maps a bundle's
 * frames back to their source files through its source map.
 */
export function summariseProfile(profile: CpuProfile, options: { window?: readonly [number, number]; locate?: Locate; top?: number } = {}): ProfileSummary {
  const { window, top = 15 } = options;
  const nodes = options.locate === undefined ? profile.nodes : profile.nodes.map((node) => relocate(node, options.locate!));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const key = (node: ProfileNode): string => `${node.callFrame.functionName || '(anonymous)'}\u0000${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    const node = byId.get(id);
    if (node === undefined || (window !== undefined && (at < window[0] || at > window[1]))) return;
    totalUs += delta;
    // `(program)` is V8 outside any JS frame; counted as busy native work, not idle.
    if (node.callFrame.functionName === '(idle)') {
      idleUs += delta;
      return;
    }
    const k = key(node);
    self.set(k, (self.get(k) ?? 0) + delta);
    const area = areaOf(node.callFrame.functionName, node.callFrame.url);
    areas.set(area, (areas.get(area) ?? 0) + delta);
    // Inclusive: each function once per sample, however often it recurses on the stack.
    const seen = new Set<string>();
    for (let frame: ProfileNode | undefined = node; frame !== undefined; frame = byId.get(parent.get(frame.id) ?? -1)) {
      if (!shortUrl(frame.callFrame.url).startsWith('runtime/src/')) continue;
      const atKey = key(frame);
      if (seen.has(atKey)) continue;
      seen.add(atKey);
      inclusive.set(atKey, (inclusive.get(atKey) ?? 0) + delta);
    }
  });
  const busyUs = Math.max(1, totalUs - idleUs);
  const toSpot = ([k, us]: [string, number]): HotSpot => {
    const [name, where] = k.split('\u0000') as [string, string];
    return { name, where, ms: round(us / 1000), pct: round((100 * us) / busyUs) };
  };
  const ranked = (map: Map<string, number>): [string, number][] => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: round(totalUs / 1000),
    idleMs: round(idleUs / 1000),
    busyMs: round(busyUs / 1000),
    topSelf: ranked(self).slice(0, top).map(toSpot),
    byArea: ranked(areas).map(([area, us]) => ({ area, ms: round(us / 1000), pct: round((100 * us) / busyUs) })),
    topInclusiveOurs: ranked(inclusive).slice(0, top).map(toSpot),
  };
}

function relocate(node: ProfileNode, locate: Locate): ProfileNode {
  const { url, lineNumber, columnNumber } = node.callFrame;
  const found = url === '' ? undefined : locate(url, lineNumber, columnNumber ?? 0);
  return found === undefined ? node : { ...node, callFrame: { ...node.callFrame, url: found.url, lineNumber: found.line } };
}

function round(value: number): number {
  return Number(value.toFixed(1));
}
