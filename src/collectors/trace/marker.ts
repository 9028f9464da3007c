/**
 * Marking: the transitive closure from the roots, with the mark bit in each
 * object's header and an explicit mark stack (GC Handbook, 2nd ed., §2.1),
 * so deep structures never recurse on the JS stack. Shared by every
 * collector that marks: mark-sweep, mark-compact and generational's major
 * collections.
 */

import { IntStack } from "../../heap/int-stack.js";
import { MARK_BIT, NSLOTS_MASK, objectBytes } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import { updateRoots, type Roots } from "../../heap/heap.js";

export class Marker {
  private readonly stack = new IntStack();

  constructor(
    private readonly mem: Int32Array,
    private readonly work: WorkCounters,
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
    const w = ref >> 2;
    if ((this.mem[w] & MARK_BIT) === 0) {
      this.mem[w] |= MARK_BIT;
      this.stack.push(ref);
    }
  }

  /** Pops and scans until the mark stack is empty. Returns the bytes of the objects scanned. */
  drain(): number {
    const mem = this.mem;
    const stack = this.stack;
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
        // Already marked means already pushed: this check is what stops cycles.
        if (child > 0 && (mem[child >> 2] & MARK_BIT) === 0) {
          mem[child >> 2] |= MARK_BIT;
          stack.push(child);
        }
      }
    }
    this.work.objectsMarked += marked;
    this.work.slotsScanned += scanned;
    return bytes;
  }
}
