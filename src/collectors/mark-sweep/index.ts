/**
 * mark-sweep: non-moving tracing collection over segregated-fits free lists
 * (McCarthy 1960; GC Handbook, 2nd ed., chapter 2).
 *
 *   1. mark   - Marker: mark every object the roots refer to, then pop the
 *               explicit mark stack, marking and pushing unmarked children
 *   2. sweep  - FreeListSpace: walk the heap in address order; unmarked
 *               objects and adjacent free chunks coalesce into one free chunk
 *               that goes back on the free lists; marked objects are unmarked
 *
 * Invariants: the mark bit lives in the object header and is clear on every
 * object outside a collection; the mark stack is explicit (no recursion), so
 * a million-node list cannot overflow the JS stack; the heap is always
 * parseable (every byte is in an object or a formatted free chunk).
 * Trigger: allocation failure.
 * Fragmentation is the share of free bytes outside the largest free chunk
 * (1 - largest / total free), sampled after each collection.
 */
import type { Region } from "../../heap/heap.js";
import { objectBytes } from "../../heap/object-model.js";
import { BaseCollector, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { FreeListSpace } from "../spaces/free-list-space.js";
import { Marker } from "../trace/marker.js";

const constraints: CollectorConstraints = { moving: false, storeBarrier: false, rootBarrier: false, reclaims: "all" };

export class MarkSweepCollector extends BaseCollector {
  readonly constraints = constraints;
  protected readonly space: FreeListSpace;
  protected readonly marker: Marker;

  constructor(context: CollectorContext) {
    super(context);
    this.space = new FreeListSpace(this.heap, this.heap.start, this.heap.end);
    this.marker = new Marker(this.mem, this.work);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterFullCollection(bytes, site, this.space);
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      this.marker.markFromRoots(this.roots);
      this.space.sweep(this.recorder);
      return true;
    });
  }

  override fragmentation(): number {
    return this.space.fragmentation();
  }

  footprint(): number {
    return this.space.footprint();
  }

  parseableRegions(): Region[] {
    return [this.space.region()];
  }
}

const markSweep = defineCollector({
  name: "mark-sweep",
  description: "non-moving mark-sweep over segregated-fits free lists",
  constraints,
  options: {},
  create: (context) => new MarkSweepCollector(context),
});
export default markSweep;
