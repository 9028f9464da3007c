/**
 * none: the no-GC baseline (OpenJDK's Epsilon, MMTk's NoGC). Bump-allocates
 * through the whole heap and never reclaims anything; when the heap is full
 * the run is out of memory. It measures the mutator alone and the
 * allocation volume of a workload.
 */
import type { Region } from "../../heap/heap.js";
import { objectBytes } from "../../heap/object-model.js";
import { BaseCollector, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { BumpSpace } from "../spaces/bump-space.js";

const constraints: CollectorConstraints = { moving: false, storeBarrier: false, rootBarrier: false, reclaims: "nothing" };

export class NoCollector extends BaseCollector {
  readonly constraints = constraints;
  protected readonly space: BumpSpace;

  constructor(context: CollectorContext) {
    super(context);
    this.space = new BumpSpace(this.heap, this.heap.start, this.heap.end);
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
    return this.space.footprint();
  }

  parseableRegions(): Region[] {
    return [this.space.region()];
  }
}

const none = defineCollector({
  name: "none",
  description: "never collects (the no-GC / Epsilon baseline): measures the mutator and allocation volume",
  constraints,
  options: {},
  create: (context) => new NoCollector(context),
});
export default none;
