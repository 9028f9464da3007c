/**
 * Marking: the transitive closure from the roots with an explicit mark stack
 * (GC Handbook, 2nd ed., §2.1), so deep structures never recurse on the JS
 * stack. Shared by every collector that marks: mark-sweep, mark-compact and
 * generational's major collections.
 *
 * The mark is kept in one of two places:
 *   - the MARK bit in each object's header (the default), which the sweep or
 *     the compactor clears within the same pause;
 *   - a side mark bitmap, one bit per 8-byte granule (GC Handbook §2.2;
 *     Boehm's and MMTk's mark-sweep spaces keep side marks). A lazily swept
 *     space needs it: its marks outlive the pause until the mutator's
 *     allocations sweep them, and headers must stay clean meanwhile.
 */

import { IntStack } from "../../heap/int-stack.js";
import { MARK_BIT, NSLOTS_MASK, objectBytes } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import { updateRoots, type Roots } from "../../heap/heap.js";

/** A side mark bitmap covering `mem`: bit (a >> 3) is object a's mark. */
export function markBitmapFor(mem: Int32Array): Uint32Array {
  return new Uint32Array(Math.ceil(mem.length / 2 / 32));
}

export class Marker {
  private readonly stack = new IntStack();

  constructor(
    private readonly mem: Int32Array,
    private readonly work: WorkCounters,
    /** The side mark bitmap, or null for header mark bits. */
    private readonly markBits: Uint32Array | null = null,
  ) {}

  /** Marks everything reachable from the roots. Returns the bytes marked. */
  markFromRoots(roots: Roots): number {
    this.work.rootsScanned += updateRoots(roots, (ref) => {
      this.markAndPush(ref);
      return ref;
    });
    return this.drain();
  }

  markAndPush(ref: number): void {
    if (this.testAndMark(ref)) this.stack.push(ref);
  }

  /** Marks `ref`; false if it was marked already. */
  private testAndMark(ref: number): boolean {
    const bits = this.markBits;
    if (bits === null) {
      const w = ref >> 2;
      if (this.mem[w] & MARK_BIT) return false;
      this.mem[w] |= MARK_BIT;
      return true;
    }
    const g = ref >> 3;
    const bit = 1 << (g & 31);
    if (bits[g >> 5] & bit) return false;
    bits[g >> 5] |= bit;
    return true;
  }

  /** Pops and scans until the mark stack is empty. Returns the bytes of the objects scanned. */
  drain(): number {
    const mem = this.mem;
    const stack = this.stack;
    const headerMarks = this.markBits === null;
    let marked = 0;
    let scanned = 0;
    let bytes = 0;
    while (stack.length > 0) {
      const w = stack.pop() >> 2;
      const n = mem[w] & NSLOTS_MASK;
      marked++;
      scanned += n;
      bytes += objectBytes(n, mem[w + 1]);
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
        const child = mem[s];
        if (child <= 0) continue;
        // Already marked means already pushed: this check is what stops cycles.
        if (headerMarks) {
          if ((mem[child >> 2] & MARK_BIT) === 0) {
            mem[child >> 2] |= MARK_BIT;
            stack.push(child);
          }
        } else if (this.testAndMark(child)) {
          stack.push(child);
        }
      }
    }
    this.work.objectsMarked += marked;
    this.work.slotsScanned += scanned;
    return bytes;
  }
}
