/**
 * mark-compact: Lisp 2 sliding compaction (GC Handbook, 2nd ed., chapter 3).
 * The whole heap is one space, bump-allocated, so allocation is as fast as
 * copying's while the whole heap (not half) holds objects.
 *
 *   1. mark       - Marker: the transitive closure from the roots
 *   2. forward    - Compactor.computeForwarding: new addresses in address order
 *   3. update     - Compactor.updateReferences: roots and slots
 *   4. relocate   - Compactor.relocate: slide objects down; bump from the new top
 *
 * Objects keep their allocation order, and after a collection the free space
 * is one block: no fragmentation. The price is two extra passes over the
 * live objects and a walk over the whole used heap per collection.
 * Trigger: allocation failure.
 */
import { objectBytes } from "../../heap/object-model.js";
import { BumpAllocator } from "../../alloc/bump.js";
import type { Heap, Roots } from "../../heap/heap.js";
import { Collector, type CollectorConstraints, type Region } from "../collector.js";
import { Compactor } from "../parts/compact.js";
import { Marker } from "../parts/marker.js";

export class MarkCompactCollector extends Collector {
  static readonly constraints: CollectorConstraints = { moving: true, storeBarrier: false, rootBarrier: false };
  readonly constraints = MarkCompactCollector.constraints;
  readonly name = "mark-compact";
  private readonly space: BumpAllocator;
  private readonly marker: Marker;
  private readonly compactor: Compactor;

  constructor(heap: Heap, roots: Roots) {
    super(heap, roots);
    this.space = new BumpAllocator(heap.start, heap.end);
    this.marker = new Marker(heap.mem, this.work);
    this.compactor = new Compactor(heap.mem, this.work);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterFullCollection(bytes, site, (n) => this.space.alloc(n));
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  collectGarbage(reason: string): void {
    this.recordCollection("full", reason, () => {
      const oldTop = this.space.cursor;
      this.marker.markFromRoots(this.roots);
      const plan = this.compactor.computeForwarding([[this.space.start, oldTop]], this.space.start);
      this.compactor.updateReferences(this.roots, undefined);
      this.compactor.relocate();
      this.freedObjects = this.allocatedObjects - plan.liveObjects;
      this.freedBytes = this.allocatedBytes - plan.liveBytes;
      // Bump allocation hands out memory unzeroed by the mutator: clear what the slide vacated.
      this.mem.fill(0, plan.top >> 2, oldTop >> 2);
      this.space.cursor = plan.top;
      return true;
    });
  }

  footprint(): number {
    return this.space.usedBytes;
  }

  parseableRegions(): Region[] {
    return [[this.space.start, this.space.cursor]];
  }
}
