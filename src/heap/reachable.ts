/**
 * Reachable bytes, counted fast: a trace from the roots that only sums the
 * sizes of the objects it reaches. It is the live-size probe's tracer
 * (src/metrics/peak-live.ts), run hundreds of times per run, so unlike the
 * canonical trace (trace.ts) it neither numbers nor hashes objects. "Seen in
 * this trace" is one bit per granule in a side bitmap of its own; the trace
 * lists each bitmap word it makes non-zero and zeroes just those words at
 * the end, so a trace costs what it reaches, not the heap size. No object
 * header is touched, so collectors, the verifier and the canonical trace
 * never see it. Leak accounting (src/verify/leaks.ts) uses the same trace
 * once, keeping the bits (`markReachable`, `isReached`).
 */
import type { Heap, Roots } from "./heap.js";
import { NSLOTS_MASK } from "./object-model.js";

export class ReachableBytes {
  /** Bit g: the object starting at granule g was reached by the current trace. */
  private readonly seen: Int32Array;
  /** Depth-first work list of objects reached but not yet scanned. */
  private stack: Int32Array = new Int32Array(1024);
  /** Bitmap words the current trace made non-zero: what to clear when it ends. */
  private dirty: Int32Array = new Int32Array(1024);
  private dirtyWords = 0;
  /** Root slots the last trace read: its work beyond the objects themselves. */
  rootSlots = 0;

  constructor(
    private readonly heap: Heap,
    private readonly roots: Roots,
  ) {
    this.seen = new Int32Array((heap.end >> 8) + 1);
  }

  /** Bytes of the objects reachable from the roots now (headers, slots and payloads as laid out). */
  measure(): number {
    const bytes = this.markReachable();
    const seen = this.seen;
    const dirty = this.dirty;
    for (let i = 0, n = this.dirtyWords; i < n; i++) seen[dirty[i]] = 0;
    this.dirtyWords = 0;
    return bytes;
  }

  /** Whether the object at `a` was reached by the last `markReachable`. */
  isReached(a: number): boolean {
    const g = a >> 3;
    return (this.seen[g >> 5] & (1 << (g & 31))) !== 0;
  }

  /**
   * Marks the objects reachable from the roots now and returns their bytes.
   * The marks stay (for `isReached`) until a `measure` clears them with its own.
   */
  markReachable(): number {
    const seen = this.seen;
    const mem = this.heap.mem;
    const { globals, stack: frames } = this.roots;
    const sp = this.roots.stackTop();
    let stack = this.stack;
    let top = 0;
    let dirty = this.dirty;
    let dirtyWords = this.dirtyWords;
    for (let pass = 0; pass < 2; pass++) {
      const slots = pass === 0 ? globals : frames;
      const n = pass === 0 ? globals.length : sp;
      for (let i = 0; i < n; i++) {
        const ref = slots[i];
        if (ref <= 0) continue;
        const g = ref >> 3;
        const bit = 1 << (g & 31);
        const word = seen[g >> 5];
        if ((word & bit) !== 0) continue;
        seen[g >> 5] = word | bit;
        if (word === 0) {
          if (dirtyWords === dirty.length) dirty = this.dirty = grow(dirty);
          dirty[dirtyWords++] = g >> 5;
        }
        if (top === stack.length) stack = this.stack = grow(stack);
        stack[top++] = ref;
      }
    }
    let bytes = 0;
    while (top > 0) {
      const w = stack[--top] >> 2;
      const nslots = mem[w] & NSLOTS_MASK;
      // objectBytes, written out: header, slots, payload rounded up to 8.
      bytes += 8 + 8 * nslots + ((mem[w + 1] + 7) & ~7);
      for (let s = w + 2, end = w + 2 + 2 * nslots; s < end; s += 2) {
        const ref = mem[s];
        if (ref <= 0) continue;
        const g = ref >> 3;
        const bit = 1 << (g & 31);
        const word = seen[g >> 5];
        if ((word & bit) !== 0) continue;
        seen[g >> 5] = word | bit;
        if (word === 0) {
          if (dirtyWords === dirty.length) dirty = this.dirty = grow(dirty);
          dirty[dirtyWords++] = g >> 5;
        }
        if (top === stack.length) stack = this.stack = grow(stack);
        stack[top++] = ref;
      }
    }
    this.dirtyWords = dirtyWords;
    this.rootSlots = globals.length + sp;
    return bytes;
  }
}

function grow(items: Int32Array): Int32Array {
  const bigger = new Int32Array(items.length * 2);
  bigger.set(items);
  return bigger;
}
