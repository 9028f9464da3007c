/**
 * Leak accounting, independent of the collectors: after a run's final
 * collection, every object still allocated but unreachable from the roots is
 * leaked. `cycles` counts the cyclic garbage structures among the leaked
 * objects: strongly connected components with more than one object, plus
 * self-loops (Tarjan's algorithm, iterative). Objects only reachable from
 * such a cycle count in `objects` and `bytes`, not as extra cycles.
 */
import type { Region } from "../collectors/collector.js";
import type { Heap, Roots } from "../heap/heap.js";
import { FREE_BIT, NSLOTS_MASK, cellBytes } from "../heap/object-model.js";
import { traceGraph } from "./verifier.js";

export interface LeakReport {
  objects: number;
  bytes: number;
  cycles: number;
}

export function measureLeaks(heap: Heap, roots: Roots, regions: readonly Region[]): LeakReport {
  const mem = heap.mem;
  const seen = new Map<number, number>();
  traceGraph(heap, roots, { get: (a) => seen.get(a), set: (a, id) => seen.set(a, id), delete() {} });
  const leaked: number[] = [];
  let bytes = 0;
  for (const [start, end] of regions) {
    for (let a = start; a < end; a += cellBytes(mem, a)) {
      if ((mem[a >> 2] & FREE_BIT) === 0 && !seen.has(a)) {
        leaked.push(a);
        bytes += cellBytes(mem, a);
      }
    }
  }
  return { objects: leaked.length, bytes, cycles: countCyclicComponents(mem, leaked) };
}

/** Tarjan's strongly connected components over the leaked objects, counting the cyclic ones. */
function countCyclicComponents(mem: Int32Array, nodes: number[]): number {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const sccStack: number[] = [];
  const isNode = new Set(nodes);
  let next = 0;
  let cyclic = 0;
  const children = (a: number) => {
    const w = a >> 2;
    const n = mem[w] & NSLOTS_MASK;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = mem[w + 2 + 2 * i];
      if (c > 0 && isNode.has(c)) out.push(c);
    }
    return out;
  };
  for (const start of nodes) {
    if (index.has(start)) continue;
    // Explicit DFS stack of [node, its children, next child position].
    const dfs: [number, number[], number][] = [];
    const enter = (v: number) => {
      index.set(v, next);
      low.set(v, next);
      next++;
      sccStack.push(v);
      onStack.add(v);
      dfs.push([v, children(v), 0]);
    };
    enter(start);
    while (dfs.length > 0) {
      const frame = dfs[dfs.length - 1];
      const [v, kids] = frame;
      if (frame[2] < kids.length) {
        const w = kids[frame[2]++];
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      dfs.pop();
      if (dfs.length > 0) {
        const parent = dfs[dfs.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        let size = 0;
        let w: number;
        do {
          w = sccStack.pop()!;
          onStack.delete(w);
          size++;
        } while (w !== v);
        if (size > 1 || kids.includes(v)) cyclic++;
      }
    }
  }
  return cyclic;
}
