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
 * Objects over the `large` threshold live in the large-object space
 * (spaces/large-object-space.ts), marked with the rest and swept after the
 * free-list space. Heap budget when a large object asks for pages: the bytes
 * of the free-list space's objects plus the large objects' pages (the
 * free-list space's own span is not lowered: see README, Large objects).
 * Trigger: allocation failure.
 * Fragmentation is the share of free bytes outside the largest free chunk
 * (1 - largest / total free), sampled after each collection.
 */
import type { Region } from "../../heap/heap.js";
import { objectBytes } from "../../heap/object-model.js";
import { BaseCollector, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { DEFAULT_LARGE_OBJECT_OPTIONS, largeObjectOptions, type ParsedOptions } from "../options.js";
import { FreeListSpace } from "../spaces/free-list-space.js";
import { LargeObjectSpace } from "../spaces/large-object-space.js";
import { Marker } from "../trace/marker.js";

const constraints: CollectorConstraints = { moving: false, storeBarrier: false, rootBarrier: false, reclaims: "all" };

export class MarkSweepCollector extends BaseCollector {
  readonly constraints = constraints;
  protected readonly space: FreeListSpace;
  protected readonly marker: Marker;
  protected readonly los: LargeObjectSpace;
  private readonly largeThreshold: number;

  constructor(context: CollectorContext, options: ParsedOptions<typeof largeObjectOptions> = DEFAULT_LARGE_OBJECT_OPTIONS) {
    super(context);
    this.space = new FreeListSpace(this.heap, this.heap.start, this.heap.end);
    this.marker = new Marker(this.mem, this.work);
    this.los = new LargeObjectSpace(this.heap, this.work, options.large);
    this.largeThreshold = options.large;
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    if (bytes > this.largeThreshold) return this.finishAlloc(this.allocLarge(bytes, site), nslots, payloadBytes, bytes);
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterFullCollection(bytes, site, this.space);
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  private allocLarge(bytes: number, site: number): number {
    let a = this.los.allocWithin(bytes, this.smallObjectBytes(), this.heap.heapBytes);
    if (a === 0) {
      this.collectGarbage("allocation-failure");
      a = this.los.allocWithin(bytes, this.smallObjectBytes(), this.heap.heapBytes);
      if (a === 0) this.outOfMemory(site, bytes);
    }
    this.work.allocationSlowPaths++;
    return a;
  }

  /** Bytes of the objects in the free-list space (allocated and not yet freed). */
  private smallObjectBytes(): number {
    return this.recorder.heapUsedBytes - this.los.heldBytes;
  }

  collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      this.marker.markFromRoots(this.roots);
      this.space.sweep(this.recorder);
      this.los.sweep(this.recorder);
      return true;
    });
  }

  override fragmentation(): number {
    return this.space.fragmentation();
  }

  footprint(): number {
    return this.space.footprint() + this.los.committedBytes;
  }

  parseableRegions(): Region[] {
    return [...this.los.regions(), this.space.region()];
  }

  override collectorFigures(): Record<string, number> {
    return this.los.figures();
  }
}

const markSweep = defineCollector({
  name: "mark-sweep",
  description: "non-moving mark-sweep over segregated-fits free lists",
  constraints,
  options: { ...largeObjectOptions },
  create: (context, options) => new MarkSweepCollector(context, options),
});
export default markSweep;
