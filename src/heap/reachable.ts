/**
 * Reachable bytes, counted fast: a trace from the roots that only sums the
 * sizes of the objects it reaches. It is the live-size probe's tracer
 * (src/metrics/peak-live.ts), run hundreds of times per run, so unlike the
 * canonical trace (trace.ts) it neither numbers nor hashes objects, and it
 * keeps "seen in this trace" in a side table of its own - one byte per
 * granule holding the epoch (trace number) that last reached the object -
 * so no object header is touched and nothing has to be cleared between
 * traces (the table is wiped once every 255 traces). Collectors, the
 * verifier and the canonical trace never see it.
 */
import type { Heap, Roots } from "./heap.js";
import { NSLOTS_MASK } from "./object-model.js";

export class ReachableBytes {
  /** Epoch that last reached the object starting at each granule; 0 = never. */
  private readonly seen: Uint8Array;
  private epoch = 0;
  private stack: Int32Array = new Int32Array(1024);

  constructor(
    private readonly heap: Heap,
    private readonly roots: Roots,
  ) {
    this.seen = new Uint8Array(heap.end >> 3);
  }

  /** Bytes of the objects reachable from the roots now (objects and their payloads, as laid out). */
  measure(): number {
    if (++this.epoch === 256) {
      this.seen.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const seen = this.seen;
    const mem = this.heap.mem;
    const { globals, stack: frames } = this.roots;
    let stack: Int32Array = this.stack;
    let top = 0;
    // Roots first: each distinct referent is pushed once.
    for (let pass = 0; pass < 2; pass++) {
      const slots = pass === 0 ? globals : frames;
      const n = pass === 0 ? globals.length : this.roots.stackTop();
      for (let i = 0; i < n; i++) {
        const ref = slots[i];
        if (ref <= 0 || seen[ref >> 3] === epoch) continue;
        seen[ref >> 3] = epoch;
        if (top === stack.length) stack = this.grow(stack);
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
        if (ref <= 0 || seen[ref >> 3] === epoch) continue;
        seen[ref >> 3] = epoch;
        if (top === stack.length) stack = this.grow(stack);
        stack[top++] = ref;
      }
    }
    return bytes;
  }

  private grow(stack: Int32Array): Int32Array {
    const bigger = new Int32Array(stack.length * 2);
    bigger.set(stack);
    this.stack = bigger;
    return bigger;
  }
}
