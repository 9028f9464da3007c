/**
 * Reachable bytes, counted fast: a trace from the roots that only sums the
 * sizes of the objects it reaches. It is the live-size probe's tracer
 * (src/metrics/peak-live.ts), run hundreds of times per run, so unlike the
 * canonical trace (trace.ts) it neither numbers nor hashes objects. "Marked"
 * is one bit per granule (the object starting there) in a side bitmap of its
 * own; the tracer lists each bitmap word it makes non-zero and zeroes just
 * those words when it forgets its marks, so a trace costs what it reaches,
 * not the heap size. No object header is touched, so collectors, the
 * verifier and the canonical trace never see it.
 *
 * Marks stay between traces until `forget`: the probe's incremental traces
 * (`markUnmarked`) descend only into objects the last trace did not mark,
 * and prove the marked objects it asked about (`requireProof`) live when
 * they meet them. Leak accounting (src/verify/leaks.ts) uses one full trace,
 * keeping the bits (`markReachable`, `isReached`).
 */
import type { Heap, Roots } from "./heap.js";
import { NSLOTS_MASK } from "./object-model.js";

export class ReachableBytes {
  /** Bit g: the object starting at granule g is marked. Word of address a: a >> 8; bit: (a >> 3) & 31. */
  readonly marks: Int32Array;
  /** Bit g: a marked object the next `markUnmarked` must meet to prove it live. */
  private readonly pending: Int32Array;
  /** Objects in `pending` not met yet. */
  unproven = 0;
  /** Depth-first work list of objects marked but not yet scanned. */
  private stack: Int32Array = new Int32Array(1024);
  /** Bitmap words made non-zero since the last `forget`: what to clear. */
  private dirty: Int32Array = new Int32Array(1024);
  private dirtyWords = 0;
  /** Root slots the last trace read: its work beyond the objects themselves. */
  rootSlots = 0;

  constructor(
    private readonly heap: Heap,
    private readonly roots: Roots,
  ) {
    this.marks = new Int32Array((heap.end >> 8) + 1);
    this.pending = new Int32Array(this.marks.length);
  }

  /** Bytes of the objects reachable from the roots now (headers, slots and payloads as laid out); keeps no marks. */
  measure(): number {
    this.forget();
    const bytes = this.markUnmarked();
    this.forget();
    return bytes;
  }

  /** Whether the object at `a` is marked. */
  isReached(a: number): boolean {
    return (this.marks[a >> 8] & (1 << ((a >> 3) & 31))) !== 0;
  }

  /** Marks the objects reachable from the roots now and returns their bytes; the marks stay (for `isReached`). */
  markReachable(): number {
    this.forget();
    return this.markUnmarked();
  }

  /** Clears every mark. */
  forget(): void {
    const marks = this.marks;
    const dirty = this.dirty;
    for (let i = 0, n = this.dirtyWords; i < n; i++) marks[dirty[i]] = 0;
    this.dirtyWords = 0;
  }

  /**
   * The marked objects among `refs` must be met by the next `markUnmarked`
   * (as a root, or referenced from an object it marks) to be proved live;
   * `unproven` counts those not met yet.
   */
  requireProof(refs: Int32Array, n: number): void {
    const marks = this.marks;
    const pending = this.pending;
    for (let i = 0; i < n; i++) {
      const a = refs[i];
      const word = a >> 8;
      const bit = 1 << ((a >> 3) & 31);
      if ((marks[word] & bit) === 0 || (pending[word] & bit) !== 0) continue;
      pending[word] |= bit;
      this.unproven++;
    }
  }

  /** Drops whatever `requireProof(refs, n)` left unproven. */
  dropProofs(refs: Int32Array, n: number): void {
    const pending = this.pending;
    for (let i = 0; i < n; i++) pending[refs[i] >> 8] = 0;
    this.unproven = 0;
  }

  /**
   * Marks every object reachable from the roots through unmarked objects
   * and returns their bytes: with no marks, the whole reachable set. Marked
   * objects are not scanned again; meeting one proves it live.
   */
  markUnmarked(): number {
    const { globals, stack: frames } = this.roots;
    const sp = this.roots.stackTop();
    let top = 0;
    for (let i = 0; i < globals.length; i++) if (globals[i] > 0) top = this.visit(globals[i], top);
    for (let i = 0; i < sp; i++) if (frames[i] > 0) top = this.visit(frames[i], top);
    this.rootSlots = globals.length + sp;
    return this.drain(top);
  }

  /**
   * Marks what the slots of the objects `holders` (marked, known live) reach
   * through unmarked objects, and returns its bytes.
   */
  markFromHolders(holders: Int32Array, n: number): number {
    const mem = this.heap.mem;
    let top = 0;
    for (let i = 0; i < n; i++) {
      const w = holders[i] >> 2;
      for (let s = w + 2, end = w + 2 + 2 * (mem[w] & NSLOTS_MASK); s < end; s += 2) if (mem[s] > 0) top = this.visit(mem[s], top);
    }
    return this.drain(top);
  }

  /** Marks `ref` and pushes it if unmarked, else counts it proved; returns the new stack top. */
  private visit(ref: number, top: number): number {
    const marks = this.marks;
    const g = ref >> 3;
    const bit = 1 << (g & 31);
    const word = marks[g >> 5];
    if ((word & bit) !== 0) {
      if (this.unproven > 0 && (this.pending[g >> 5] & bit) !== 0) {
        this.pending[g >> 5] &= ~bit;
        this.unproven--;
      }
      return top;
    }
    marks[g >> 5] = word | bit;
    if (word === 0) {
      if (this.dirtyWords === this.dirty.length) this.dirty = grow(this.dirty);
      this.dirty[this.dirtyWords++] = g >> 5;
    }
    if (top === this.stack.length) this.stack = grow(this.stack);
    this.stack[top] = ref;
    return top + 1;
  }

  /** Scans the stacked objects and what they reach through unmarked objects; returns their bytes. */
  private drain(top: number): number {
    const mem = this.heap.mem;
    const marks = this.marks;
    let bytes = 0;
    while (top > 0) {
      const w = this.stack[--top] >> 2;
      const nslots = mem[w] & NSLOTS_MASK;
      // objectBytes, written out: header, slots, payload rounded up to 8.
      bytes += 8 + 8 * nslots + ((mem[w + 1] + 7) & ~7);
      for (let s = w + 2, end = w + 2 + 2 * nslots; s < end; s += 2) {
        const ref = mem[s];
        if (ref <= 0) continue;
        // The common case inline (an unmarked object on a word already dirty); the rest in visit.
        const g = ref >> 3;
        const bit = 1 << (g & 31);
        const word = marks[g >> 5];
        if ((word & bit) === 0 && word !== 0 && top < this.stack.length) {
          marks[g >> 5] = word | bit;
          this.stack[top++] = ref;
        } else {
          top = this.visit(ref, top);
        }
      }
    }
    return bytes;
  }
}

function grow(items: Int32Array): Int32Array {
  const bigger = new Int32Array(items.length * 2);
  bigger.set(items);
  return bigger;
}
