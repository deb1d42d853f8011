import { areaOf, shortUrl, type Locate } from './profile-summary.js';

/**
 * Reads a V8 sampling heap profile taken with collected objects kept in (what allocates, not what
 * stays live) and says where the garbage comes from: bytes per second, the allocation sites, and the
 * innermost function of ours (runtime/src) under each allocation. Pure, so it is tested on a hand-made tree.
 */

interface AllocationNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber?: number };
  /** Estimated bytes allocated at this frame (V8 scales the samples), excluding children. */
  readonly selfSize: number;
  readonly children?: readonly AllocationNode[];
}

/** The parts of a sampling heap profile this reads. */
export interface AllocationProfile {
  readonly head: AllocationNode;
}

export interface AllocationSite {
  readonly name: string;
  readonly where: string;
  readonly mb: number;
  readonly pct: number;
}

export interface AllocationSummary {
  readonly seconds: number;
  readonly totalMb: number;
  readonly mbPerSecond: number;
  /** Allocation credited to the innermost runtime/src function on the stack (dependencies below it included). */
  readonly byOurFunction: readonly AllocationSite[];
  /** Allocation with no runtime/src frame on the stack (timers, SDK middleware, streams), by site. */
  readonly outsideOurCode: readonly AllocationSite[];
  /** Every allocation by the area of the frame that made it (our folders, each dependency, Node). */
  readonly byArea: readonly { readonly area: string; readonly mb: number; readonly pct: number }[];
}

export function summariseAllocations(profile: AllocationProfile, options: { seconds: number; locate?: Locate; top?: number }): AllocationSummary {
  const { seconds, locate, top = 12 } = options;
  const ours = new Map<string, number>();
  const outside = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  const describe = (node: AllocationNode): { key: string; area: string } => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const found = url === '' || locate === undefined ? undefined : locate(url, lineNumber, columnNumber ?? 0);
    const source = found?.url ?? url;
    const line = found?.line ?? lineNumber;
    return { key: `${functionName || '(anonymous)'}\u0000${shortUrl(source)}:${line + 1}`, area: areaOf(functionName, source) };
  };
  // Depth-first with an explicit stack: allocation trees can be deeper than the call stack allows.
  const pending: { node: AllocationNode; ourFrame: string | undefined }[] = [{ node: profile.head, ourFrame: undefined }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { key, area } = describe(item.node);
    const ourFrame = key.includes('\u0000runtime/src/') ? key : item.ourFrame;
    const bytes = item.node.selfSize;
    total += bytes;
    if (bytes > 0) {
      areas.set(area, (areas.get(area) ?? 0) + bytes);
      const into = ourFrame === undefined ? outside : ours;
      const at = ourFrame ?? key;
      into.set(at, (into.get(at) ?? 0) + bytes);
    }
    for (const child of item.node.children ?? []) pending.push({ node: child, ourFrame });
  }
  const rank = (map: Map<string, number>): AllocationSite[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, bytes]) => {
        const [name, where] = key.split('\u0000') as [string, string];
        return { name, where, mb: round(bytes / 1e6), pct: round((100 * bytes) / Math.max(1, total)) };
      });
  return {
    seconds: round(seconds),
    totalMb: round(total / 1e6),
    mbPerSecond: round(total / 1e6 / Math.max(seconds, 1e-9)),
    byOurFunction: rank(ours),
    outsideOurCode: rank(outside),
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => ({ area: name, mb: round(bytes / 1e6), pct: round((100 * bytes) / Math.max(1, total)) })),
  };
}

function round(value: number): number {
  return Number(value.toFixed(1));
}
