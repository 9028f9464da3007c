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
 * and the components come from graph/scc.ts.
 */
import type { Heap, Region, Roots } from "../heap/heap.js";
import { IntMap } from "../heap/int-map.js";
import { IntStack } from "../heap/int-stack.js";
import { FREE_BIT, NSLOTS_MASK, cellBytes } from "../heap/object-model.js";
import { reachableFromCycles, stronglyConnectedComponents } from "../graph/scc.js";
import { traceGraph } from "../heap/trace.js";

export interface LeakReport {
  objects: number;
  bytes: number;
  cycles: number;
  /** Leaked objects on a garbage cycle or reachable from one: all that plain reference counting should leak. */
  fromCycles: number;
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
    if (allocated === reachableObjects) return { objects: 0, bytes: 0, cycles: 0, fromCycles: 0 };
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
  return { objects: leaked.count, bytes, ...cyclicGarbage(mem, leaked) };
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

function cyclicGarbage(mem: Int32Array, leaked: LeakedSet): { cycles: number; fromCycles: number } {
  const n = leaked.count;
  if (n === 0) return { cycles: 0, fromCycles: 0 };
  leaked.finish();
  // Edges among leaked objects, in compressed sparse rows.
  const start = new Int32Array(n + 1);
  const targets = new IntStack(Math.max(16, n));
  for (let v = 0; v < n; v++) {
    start[v] = targets.length;
    const w = leaked.addresses.at(v) >> 2;
    for (let i = 0, slots = mem[w] & NSLOTS_MASK; i < slots; i++) {
      const ref = mem[w + 2 + 2 * i];
      const t = ref > 0 ? leaked.indexOf(ref) : -1;
      if (t >= 0) targets.push(t);
    }
  }
  start[n] = targets.length;
  const graph = { n, start, targets: targets.view() };
  const components = stronglyConnectedComponents(graph);
  if (components.cyclicSizes.length === 0) return { cycles: 0, fromCycles: 0 };
  let fromCycles = 0;
  for (const m of reachableFromCycles(graph, components)) fromCycles += m;
  return { cycles: components.cyclicSizes.length, fromCycles };
}
