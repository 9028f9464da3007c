/**
 * Leak accounting, independent of the collectors: after a run's final
 * collection, every object still allocated but unreachable from the roots is
 * leaked. `cycles` counts the cyclic garbage structures among the leaked
 * objects: strongly connected components with more than one object, plus
 * self-loops. Objects only reachable from such a cycle count in `objects` and
 * `bytes`, not as extra cycles.
 *
 * Built for leaks of hundreds of millions of objects (the no-GC baseline
 * leaks everything): reachability is one bit per granule (heap/reachable.ts),
 * leaked objects are numbered by rank in a bitmap over the heap's granules;
 * the heap walk that finds them rules out cycles in the common case (see
 * measureLeaks), else a depth-first search over them looks for one, and only
 * when one exists are the edges among them stored in typed arrays (CSR) for
 * graph/scc.ts's components.
 */
import type { Heap, Region, Roots } from "../heap/heap.js";
import { IntStack } from "../heap/int-stack.js";
import { FREE_BIT, NSLOTS_MASK } from "../heap/object-model.js";
import { reachableFromCycles, stronglyConnectedComponents } from "../graph/scc.js";
import { ReachableBytes } from "../heap/reachable.js";

export interface LeakReport {
  objects: number;
  bytes: number;
  cycles: number;
  /** Leaked objects on a garbage cycle or reachable from one: all that plain reference counting should leak. */
  fromCycles: number;
}

/**
 * One bitmap trace from the roots (heap/reachable.ts) and one walk of the
 * regions in address order: every object the trace did not reach is leaked.
 * `reachableObjects` is not needed any more (the trace is cheaper than the
 * walk it used to save); it stays so library callers keep compiling.
 *
 * The walk also rules out garbage cycles in one pass, in the common case.
 * Take a cycle of two or more objects and its highest-addressed object m:
 * the edge into m comes from a lower address (an upward edge) and the edge
 * out of m goes to a lower one (a downward edge). So if no leaked object
 * both receives an upward edge from a leaked object and has a downward edge
 * to one, and none refers to itself, there is no cycle. Walking in address
 * order, an upward edge's target is marked before it is reached, and a
 * downward edge's target is already known to be leaked or not. Trees built
 * top-down (edges upward) or bottom-up (downward) pass; anything else goes
 * to the exact search.
 */
export function measureLeaks(heap: Heap, roots: Roots, regions: readonly Region[], reachableObjects?: number): LeakReport {
  void reachableObjects;
  const mem = heap.mem;
  const reachable = new ReachableBytes(heap, roots);
  reachable.markReachable();
  const leaked = new LeakedSet(heap);
  const leakedBits = leaked.bits;
  /** Bit g: a leaked object refers upward to granule g. */
  const upwardTargets = new Uint32Array(leakedBits.length);
  let maybeCyclic = false;
  let bytes = 0;
  for (const [start, end] of [...regions].sort((x, y) => x[0] - y[0])) {
    for (let a = start, size = 0; a < end; a += size) {
      const w = a >> 2;
      const status = mem[w];
      if ((status & FREE_BIT) !== 0) {
        size = mem[w + 1];
        continue;
      }
      const n = status & NSLOTS_MASK;
      // objectBytes, written out: this loop visits every object the run left.
      size = 8 + 8 * n + ((mem[w + 1] + 7) & ~7);
      if (reachable.isReached(a)) continue;
      leaked.add(a);
      bytes += size;
      if (maybeCyclic) continue;
      const g = a >> 3;
      const receivesUpward = (upwardTargets[g >> 5] & (1 << (g & 31))) !== 0;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
        const ref = mem[s];
        if (ref <= 0) continue;
        if (ref > a) {
          const t = ref >> 3;
          if (!reachable.isReached(ref)) upwardTargets[t >> 5] |= 1 << (t & 31);
        } else if (ref === a || (receivesUpward && leaked.has(ref))) {
          maybeCyclic = true;
        }
      }
    }
  }
  return { objects: leaked.count, bytes, ...(maybeCyclic ? cyclicGarbage(mem, leaked) : { cycles: 0, fromCycles: 0 }) };
}

/** Leaked objects as bits over granules; an object's number is its rank among them. */
class LeakedSet {
  /** Bit g: a leaked object starts at granule g. */
  readonly bits: Uint32Array;
  /** Built by `finish`, for the cyclic case only. */
  private rankBefore = new Int32Array(0);
  count = 0;
  /** The bitmap words holding leaked objects: [firstWord, lastWord]. */
  firstWord = Infinity;
  lastWord = -1;

  constructor(heap: Heap) {
    this.bits = new Uint32Array(((heap.mem.length >> 1) + 31) >> 5);
  }

  /** Whether a leaked object starts at `a`. */
  has(a: number): boolean {
    const g = a >> 3;
    return (this.bits[g >> 5] & (1 << (g & 31))) !== 0;
  }

  /** Adds a leaked object (ranks are counted by `finish`, so any order will do). */
  add(a: number): void {
    const g = a >> 3;
    this.bits[g >> 5] |= 1 << (g & 31);
    this.count++;
    if (g >> 5 < this.firstWord) this.firstWord = g >> 5;
    if (g >> 5 > this.lastWord) this.lastWord = g >> 5;
  }

  /** Must be called once after the last add. */
  finish(): void {
    this.rankBefore = new Int32Array(this.bits.length + 1);
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

  /** The leaked objects' addresses by number (increasing address). */
  addresses(): Int32Array {
    const out = new Int32Array(this.count);
    let n = 0;
    for (let w = 0; w < this.bits.length; w++) {
      for (let word = this.bits[w]; word !== 0; word &= word - 1) out[n++] = ((w << 5) + 31 - Math.clz32(word & -word)) << 3;
    }
    return out;
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

function cyclicGarbage(mem: Int32Array, leaked: LeakedSet): { cycles: number; fromCycles: number } {
  const n = leaked.count;
  if (n === 0 || !hasCycle(mem, leaked)) return { cycles: 0, fromCycles: 0 };
  leaked.finish();
  // Edges among leaked objects, in compressed sparse rows.
  const start = new Int32Array(n + 1);
  const targets = new IntStack(Math.max(16, n));
  const addresses = leaked.addresses();
  for (let v = 0; v < n; v++) {
    start[v] = targets.length;
    const w = addresses[v] >> 2;
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

/**
 * Whether the leaked objects' references (among themselves) form a cycle:
 * an iterative depth-first search from each leaked object in address order,
 * with its colours in two bitmaps over granules (visited; grey: on the
 * search path). A reference to a grey object closes a cycle. One pass over
 * the leaked objects and their slots, with no per-object arrays: an acyclic
 * leak of millions of objects (everything `none` allocated) ends here.
 */
function hasCycle(mem: Int32Array, leaked: LeakedSet): boolean {
  const bits = leaked.bits;
  // Colours only over the words that hold leaked objects (indexed from `first`).
  const first = leaked.firstWord;
  const visited = new Uint32Array(leaked.lastWord - first + 1);
  const grey = new Uint32Array(visited.length);
  // The search path: each object and the index of its next slot to follow.
  let path = new Int32Array(1024);
  let next = new Int32Array(1024);
  for (let root = first; root <= leaked.lastWord; root++) {
    for (let word = bits[root]; word !== 0; word &= word - 1) {
      const rootBit = word & -word;
      if ((visited[root - first] & rootBit) !== 0) continue;
      visited[root - first] |= rootBit;
      grey[root - first] |= rootBit;
      path[0] = ((root << 5) + 31 - Math.clz32(rootBit)) << 3;
      next[0] = 0;
      let top = 1;
      frames: while (top > 0) {
        const w = path[top - 1] >> 2;
        for (let i = next[top - 1], n = mem[w] & NSLOTS_MASK; i < n; i++) {
          const ref = mem[w + 2 + 2 * i];
          if (ref <= 0) continue;
          const g = ref >> 3;
          const bit = 1 << (g & 31);
          if ((bits[g >> 5] & bit) === 0) continue; // not leaked: reachable, or no object starts there
          const c = (g >> 5) - first;
          if ((visited[c] & bit) !== 0) {
            if ((grey[c] & bit) !== 0) return true;
            continue;
          }
          visited[c] |= bit;
          // An object without slots is finished as soon as it is reached.
          if ((mem[ref >> 2] & NSLOTS_MASK) === 0) continue;
          grey[c] |= bit;
          next[top - 1] = i + 1;
          if (top === path.length) {
            path = grow(path);
            next = grow(next);
          }
          path[top] = ref;
          next[top++] = 0;
          continue frames;
        }
        const g = path[--top] >> 3;
        grey[(g >> 5) - first] &= ~(1 << (g & 31));
      }
    }
  }
  return false;
}

function grow(items: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(items.length * 2);
  bigger.set(items);
  return bigger;
}
