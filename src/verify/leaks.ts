/**
 * Leak accounting, independent of the collectors: after a run's final
 * collection, every object still allocated but unreachable from the roots is
 * leaked. `cycles` counts the cyclic garbage structures among the leaked
 * objects: strongly connected components with more than one object, plus
 * self-loops. Objects only reachable from such a cycle count in `objects` and
 * `bytes`, not as extra cycles.
 *
 * Built for leaks of hundreds of millions of objects (the no-GC baseline
 * leaks everything): leaked objects are numbered by rank in a bitmap over
 * the heap's granules, edges among them are stored in typed arrays (CSR),
 * objects that cannot lie on a cycle are peeled off first (repeatedly
 * removing those with no leaked predecessor or no leaked successor), and
 * Tarjan's algorithm runs iteratively on what remains.
 */
import type { Region } from "../collectors/collector.js";
import type { Heap, Roots } from "../heap/heap.js";
import { IntMap } from "../heap/int-map.js";
import { IntStack } from "../heap/int-stack.js";
import { FREE_BIT, NSLOTS_MASK, cellBytes } from "../heap/object-model.js";
import { traceGraph } from "./verifier.js";

export interface LeakReport {
  objects: number;
  bytes: number;
  cycles: number;
}

/**
 * `reachableObjects`, when the caller already traced the roots, lets the
 * common case (nothing leaked) finish with one walk of the heap and no trace.
 */
export function measureLeaks(heap: Heap, roots: Roots, regions: readonly Region[], reachableObjects?: number): LeakReport {
  const mem = heap.mem;
  if (reachableObjects !== undefined) {
    let allocated = 0;
    for (const [start, end] of regions) {
      for (let a = start; a < end; a += cellBytes(mem, a)) if ((mem[a >> 2] & FREE_BIT) === 0) allocated++;
    }
    if (allocated === reachableObjects) return { objects: 0, bytes: 0, cycles: 0 };
  }
  const seen = new IntMap();
  traceGraph(heap, roots, seen);
  const leaked = new LeakedSet(heap);
  let bytes = 0;
  for (const [start, end] of regions) {
    for (let a = start; a < end; a += cellBytes(mem, a)) {
      if ((mem[a >> 2] & FREE_BIT) === 0 && !seen.has(a)) {
        leaked.add(a);
        bytes += cellBytes(mem, a);
      }
    }
  }
  return { objects: leaked.count, bytes, cycles: countCyclicComponents(mem, leaked) };
}

/** Leaked objects as bits over granules; an object's number is its rank among them. */
class LeakedSet {
  private readonly bits: Uint32Array;
  private readonly rankBefore: Int32Array;
  readonly addresses = new IntStack();
  count = 0;

  constructor(heap: Heap) {
    const words = ((heap.mem.length >> 1) + 31) >> 5;
    this.bits = new Uint32Array(words);
    this.rankBefore = new Int32Array(words + 1);
  }

  /** Adds in increasing address order (a heap walk), so ranks can be filled as we go. */
  add(a: number): void {
    const g = a >> 3;
    this.bits[g >> 5] |= 1 << (g & 31);
    this.addresses.push(a);
    this.count++;
  }

  /** Must be called once after the last add. */
  finish(): void {
    let rank = 0;
    for (let w = 0; w < this.bits.length; w++) {
      this.rankBefore[w] = rank;
      rank += popcount(this.bits[w]);
    }
    this.rankBefore[this.bits.length] = rank;
  }

  /** The object's number, or -1 if it is not leaked. */
  indexOf(a: number): number {
    const g = a >> 3;
    const word = this.bits[g >> 5];
    const bit = 1 << (g & 31);
    if ((word & bit) === 0) return -1;
    return this.rankBefore[g >> 5] + popcount(word & (bit - 1));
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

function countCyclicComponents(mem: Int32Array, leaked: LeakedSet): number {
  const n = leaked.count;
  if (n === 0) return 0;
  leaked.finish();
  // Edges among leaked objects, compressed sparse rows.
  const start = new Int32Array(n + 1);
  const targets = new IntStack(Math.max(16, n));
  const selfLoop = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    start[v] = targets.length;
    const w = leaked.addresses.at(v) >> 2;
    for (let i = 0, slots = mem[w] & NSLOTS_MASK; i < slots; i++) {
      const ref = mem[w + 2 + 2 * i];
      if (ref <= 0) continue;
      const t = leaked.indexOf(ref);
      if (t < 0) continue;
      if (t === v) selfLoop[v] = 1;
      else targets.push(t);
    }
  }
  start[n] = targets.length;

  // Peel objects that cannot be on a cycle: no live predecessor, or no live successor.
  const inDegree = new Int32Array(n);
  const outDegree = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    outDegree[v] = start[v + 1] - start[v];
    for (let e = start[v]; e < start[v + 1]; e++) inDegree[targets.at(e)]++;
  }
  // Reverse edges, to peel sinks backwards.
  const reverseStart = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) reverseStart[v + 1] = reverseStart[v] + inDegree[v];
  const reverse = new Int32Array(targets.length);
  const fill = reverseStart.slice(0, n);
  for (let v = 0; v < n; v++) for (let e = start[v]; e < start[v + 1]; e++) reverse[fill[targets.at(e)]++] = v;
  const removed = new Uint8Array(n);
  const work = new IntStack();
  for (let v = 0; v < n; v++) if (inDegree[v] === 0 || outDegree[v] === 0) work.push(v);
  while (work.length > 0) {
    const v = work.pop();
    if (removed[v]) continue;
    removed[v] = 1;
    for (let e = start[v]; e < start[v + 1]; e++) {
      const t = targets.at(e);
      if (!removed[t] && --inDegree[t] === 0) work.push(t);
    }
    for (let e = reverseStart[v]; e < reverseStart[v + 1]; e++) {
      const p = reverse[e];
      if (!removed[p] && --outDegree[p] === 0) work.push(p);
    }
  }

  // Tarjan on what is left; components of more than one object are cycles (self-loops counted above).
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const sccStack = new IntStack();
  const dfsNode = new IntStack();
  const dfsEdge = new IntStack();
  const inBigComponent = new Uint8Array(n);
  // Popped entries stay in the stack's storage until overwritten, so a component can be read back.
  const sccStackItem = (i: number) => sccStack.at(i);
  let next = 0;
  let cycles = 0;
  for (let root = 0; root < n; root++) {
    if (removed[root] || index[root] >= 0) continue;
    index[root] = low[root] = next++;
    sccStack.push(root);
    onStack[root] = 1;
    dfsNode.push(root);
    dfsEdge.push(start[root]);
    while (dfsNode.length > 0) {
      const v = dfsNode.at(dfsNode.length - 1);
      const e = dfsEdge.at(dfsEdge.length - 1);
      if (e < start[v + 1]) {
        dfsEdge.set(dfsEdge.length - 1, e + 1);
        const w = targets.at(e);
        if (removed[w]) continue;
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          sccStack.push(w);
          onStack[w] = 1;
          dfsNode.push(w);
          dfsEdge.push(start[w]);
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      dfsNode.pop();
      dfsEdge.pop();
      if (dfsNode.length > 0) {
        const parent = dfsNode.at(dfsNode.length - 1);
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] === index[v]) {
        const top = sccStack.length;
        let w: number;
        do {
          w = sccStack.pop();
          onStack[w] = 0;
        } while (w !== v);
        if (top - sccStack.length > 1) {
          cycles++;
          for (let i = sccStack.length; i < top; i++) inBigComponent[sccStackItem(i)] = 1;
        }
      }
    }
  }
  // A self-loop is a cycle of its own unless its object is already part of a larger component.
  for (let v = 0; v < n; v++) if (selfLoop[v] && !inBigComponent[v]) cycles++;
  return cycles;
}
