/**
 * Reachable bytes, counted fast: a trace from the roots that only sums the
 * sizes of the objects it reaches. It is the live-size probe's tracer
 * (src/metrics/peak-live.ts), run hundreds of times per run, so unlike the
 * canonical trace (trace.ts) it neither numbers nor hashes objects. "Seen in
 * this trace" is one bit per granule in a side bitmap of its own, cleared
 * after each trace over the address range the trace reached: no object
 * header is touched, so collectors, the verifier and the canonical trace
 * never see it.
 */
import type { Heap, Roots } from "./heap.js";
import { NSLOTS_MASK } from "./object-model.js";

export class ReachableBytes {
  /** Bit g: the object starting at granule g was reached by the current trace. */
  private readonly seen: Int32Array;
  /** Depth-first work list of objects reached but not yet scanned. */
  private stack: Int32Array = new Int32Array(1024);
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
    const seen = this.seen;
    const mem = this.heap.mem;
    const { globals, stack: frames } = this.roots;
    const sp = this.roots.stackTop();
    let stack = this.stack;
    let top = 0;
    // The lowest and highest address reached: the range of the bitmap to clear afterwards.
    let low = this.heap.end;
    let high = 0;
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
        if (top === stack.length) stack = this.grow(stack);
        stack[top++] = ref;
      }
    }
    let bytes = 0;
    while (top > 0) {
      const a = stack[--top];
      if (a < low) low = a;
      if (a > high) high = a;
      const w = a >> 2;
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
        if (top === stack.length) stack = this.grow(stack);
        stack[top++] = ref;
      }
    }
    if (high > 0) seen.fill(0, low >> 8, (high >> 8) + 1);
    this.rootSlots = globals.length + sp;
    return bytes;
  }

  private grow(stack: Int32Array): Int32Array {
    const bigger = new Int32Array(stack.length * 2);
    bigger.set(stack);
    this.stack = bigger;
    return bigger;
  }
}
