/**
 * none: the no-GC baseline (OpenJDK's Epsilon, MMTk's NoGC). Bump-allocates
 * through the whole heap and never reclaims anything; when the heap is full
 * the run is out of memory. It measures the mutator alone and the
 * allocation volume of a workload. Objects over the `large` threshold go to
 * the large-object space, as under every other collector, so that footprints
 * compare: the bump space's limit is the heap less their pages.
 */
import { objectBytes } from "../../heap/object-model.js";
import { MainAndLargeObjectPlan, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { DEFAULT_LARGE_OBJECT_OPTIONS, largeObjectOptions, type ParsedOptions } from "../options.js";
import { BumpSpace } from "../spaces/bump-space.js";
import { LargeObjectSpace } from "../spaces/large-object-space.js";

const constraints: CollectorConstraints = { moving: false, storeBarrier: false, rootBarrier: false, reclaims: "nothing" };

export class NoCollector extends MainAndLargeObjectPlan {
  readonly constraints = constraints;
  protected readonly space: BumpSpace;
  protected readonly los: LargeObjectSpace;
  private readonly largeThreshold: number;

  constructor(context: CollectorContext, options: ParsedOptions<typeof largeObjectOptions> = DEFAULT_LARGE_OBJECT_OPTIONS) {
    super(context);
    this.los = new LargeObjectSpace(this.heap, this.work, options.large);
    this.largeThreshold = options.large;
    this.space = new BumpSpace(this.heap, this.heap.start, this.heap.end, this.los);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    const a = bytes > this.largeThreshold ? this.allocLarge(bytes) : this.space.alloc(bytes);
    if (a === 0) this.outOfMemory(site, bytes);
    // Fresh memory from the zero-filled address space needs no clearing.
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  private allocLarge(bytes: number): number {
    this.work.allocationSlowPaths++;
    return this.los.allocWithin(bytes, this.space.footprint(), this.heap.heapBytes);
  }

  collectGarbage(): void {
    // Never collects: that is the point of the baseline.
  }
}

const none = defineCollector({
  name: "none",
  description: "never collects (the no-GC / Epsilon baseline): measures the mutator and allocation volume",
  constraints,
  options: { ...largeObjectOptions },
  create: (context, options) => new NoCollector(context, options),
});
export default none;
