/**
 * mark-sweep: non-moving tracing collection over segregated-fits free lists
 * (McCarthy 1960; GC Handbook, 2nd ed., chapter 2).
 *
 *   1. markRoots   - mark every object a root refers to and push it on the mark stack
 *   2. traceFromMarkStack - pop, scan its slots, mark and push unmarked children
 *   3. sweep       - walk the heap in address order; unmarked objects and
 *                    adjacent free chunks coalesce into one free chunk that
 *                    goes back on the free lists; marked objects are unmarked
 *
 * Invariants: the mark bit lives in the object header and is clear on every
 * object outside a collection; the mark stack is explicit (no recursion), so
 * a million-node list cannot overflow the JS stack; the heap is always
 * parseable (every byte is in an object or a formatted free chunk).
 * Trigger: allocation failure.
 * Fragmentation is reported as the share of free bytes outside the largest
 * free chunk (1 - largest / total free), measured after each sweep.
 */
import { objectBytes } from "../../heap/object-model.js";
import { SegregatedFitAllocator } from "../../alloc/segregated-fit.js";
import type { Heap, Roots } from "../../heap/heap.js";
import { Marker } from "../parts/marker.js";
import { sweepSpace } from "../parts/sweep.js";
import { Collector, type CollectorConstraints, updateRoots, type MemoryFigures, type Region } from "../collector.js";

export class MarkSweepCollector extends Collector {
  readonly name = "mark-sweep";
  static readonly constraints: CollectorConstraints = { moving: false, storeBarrier: false, rootBarrier: false };
  readonly constraints = MarkSweepCollector.constraints;
  private readonly space: SegregatedFitAllocator;
  private readonly marker: Marker;
  private fragmentation = 0;

  constructor(heap: Heap, roots: Roots) {
    super(heap, roots);
    this.space = new SegregatedFitAllocator(heap.mem, heap.start, heap.end);
    this.marker = new Marker(heap.mem, this.work);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterFullCollection(bytes, site, (n) => this.space.alloc(n));
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  collectGarbage(reason: string): void {
    this.recordCollection("full", reason, () => {
      this.markRoots();
      this.traceFromMarkStack();
      this.sweep();
      return true;
    });
  }

  protected markRoots(): void {
    this.work.rootsScanned += updateRoots(this.roots, (ref) => {
      this.marker.markAndPush(ref);
      return ref;
    });
  }

  protected traceFromMarkStack(): void {
    this.marker.drain();
  }

  protected sweep(): void {
    const { cellsVisited, freedObjects, freedBytes, largestFree } = sweepSpace(this.mem, this.space);
    this.freedObjects += freedObjects;
    this.freedBytes += freedBytes;
    this.work.cellsSwept += cellsVisited;
    this.fragmentation = this.space.freeBytes > 0 ? 1 - largestFree / this.space.freeBytes : 0;
  }

  override memoryFigures(): MemoryFigures {
    return { fragmentation: this.fragmentation };
  }

  footprint(): number {
    return this.space.highWater - this.space.start;
  }

  parseableRegions(): Region[] {
    this.space.makeParseable();
    return [[this.space.start, this.space.end]];
  }
}
