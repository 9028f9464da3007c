/**
 * none: the no-GC baseline (OpenJDK's Epsilon, MMTk's NoGC). Bump-allocates
 * through the whole heap and never reclaims anything; when the heap is full
 * the run is out of memory. It measures the mutator alone and the
 * allocation volume of a workload.
 */
import { objectBytes } from "../../heap/object-model.js";
import { BumpAllocator } from "../../alloc/bump.js";
import type { Heap, Roots } from "../../heap/heap.js";
import { Collector, type CollectorConstraints, type Region } from "../collector.js";

export class NoCollector extends Collector {
  readonly name = "none";
  static readonly constraints: CollectorConstraints = { moving: false, storeBarrier: false, rootBarrier: false };
  readonly constraints = NoCollector.constraints;
  private readonly space: BumpAllocator;

  constructor(heap: Heap, roots: Roots) {
    super(heap, roots);
    this.space = new BumpAllocator(heap.start, heap.end);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    const a = this.space.alloc(bytes);
    if (a === 0) this.outOfMemory(site, bytes);
    // Fresh memory from the zero-filled address space needs no clearing.
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  collectGarbage(): void {
    // Never collects: that is the point of the baseline.
  }

  footprint(): number {
    return this.space.usedBytes;
  }

  parseableRegions(): Region[] {
    return [[this.space.start, this.space.cursor]];
  }
}
