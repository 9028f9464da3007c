/**
 * mark-compact: Lisp 2 sliding compaction (GC Handbook, 2nd ed., chapter 3).
 * The whole heap is one compact space, bump-allocated, so allocation is as
 * fast as copying's while the whole heap (not half) holds objects.
 *
 *   1. mark       - Marker: the transitive closure from the roots
 *   2. compact    - CompactSpace: new addresses in address order, then
 *                   roots and slots updated, then objects slid down
 *
 * Objects keep their allocation order, and after a collection the free space
 * is one block: no fragmentation. The price is two extra passes over the
 * live objects and a walk over the whole used heap per collection.
 *   3. sweep      - the large-object space frees its unmarked objects; its
 *                   marked ones were never slid, only their slots updated
 * Heap budget: compact space used + large objects' pages.
 * Trigger: allocation failure.
 */
import { objectBytes } from "../../heap/object-model.js";
import { MainAndLargeObjectPlan, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { DEFAULT_LARGE_OBJECT_OPTIONS, largeObjectOptions, type ParsedOptions } from "../options.js";
import { CompactSpace } from "../spaces/compact-space.js";
import { LargeObjectSpace } from "../spaces/large-object-space.js";
import { Marker } from "../trace/marker.js";

const constraints: CollectorConstraints = { moving: true, storeBarrier: false, rootBarrier: false, reclaims: "all" };

export class MarkCompactCollector extends MainAndLargeObjectPlan {
  readonly constraints = constraints;
  protected readonly space: CompactSpace;
  protected readonly marker: Marker;
  protected readonly los: LargeObjectSpace;
  private readonly largeThreshold: number;

  constructor(context: CollectorContext, options: ParsedOptions<typeof largeObjectOptions> = DEFAULT_LARGE_OBJECT_OPTIONS) {
    super(context);
    this.los = new LargeObjectSpace(this.heap, this.work, options.large);
    this.largeThreshold = options.large;
    this.space = new CompactSpace(this.heap, this.heap.start, this.heap.end, this.roots, this.work, this.los);
    this.marker = new Marker(this.mem, this.work);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    if (bytes > this.largeThreshold) {
      return this.finishAlloc(this.allocLargeAfterFullCollection(bytes, site, this.los, this.space), nslots, payloadBytes, bytes);
    }
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterFullCollection(bytes, site, this.space);
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      this.marker.markFromRoots(this.roots);
      this.space.compact(this.recorder);
      this.los.sweep(this.recorder);
      return true;
    });
  }
}

const markCompact = defineCollector({
  name: "mark-compact",
  description: "Lisp 2 sliding mark-compact with bump allocation; no fragmentation",
  constraints,
  options: { ...largeObjectOptions },
  create: (context, options) => new MarkCompactCollector(context, options),
});
export default markCompact;
