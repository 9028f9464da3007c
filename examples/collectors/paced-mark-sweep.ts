/**
 * paced-mark-sweep: mark-sweep with clox's trigger instead of gcsim's
 * built-in "collect when an allocation fails". After each collection the
 * next one is due when the heap in use reaches `grow` times what survived
 * (Nystrom, Crafting Interpreters, ch. 26: nextGC = bytesAllocated *
 * GROW_FACTOR), so the collector trades memory for fewer collections and
 * the trade is one visible line. An allocation that fails still collects.
 *
 * Built entirely from gcsim's parts: a FreeListSpace (segregated fits,
 * sweep, fragmentation, footprint) and the shared Marker.
 *
 *   gcsim run workloads/gcbench.json --collector examples/collectors/paced-mark-sweep.ts --opt grow=3
 *   gcsim test-collector examples/collectors/paced-mark-sweep.ts
 */
import {
  BaseCollector,
  FreeListSpace,
  Marker,
  defineCollector,
  integer,
  objectModel,
  type CollectorConstraints,
  type CollectorContext,
  type Region,
} from "gcsim";

const options = {
  grow: integer(2, 16, 2, "collect when the heap in use reaches this many times what the last collection kept"),
};

const constraints: CollectorConstraints = { moving: false, storeBarrier: false, rootBarrier: false, reclaims: "all" };

class PacedMarkSweep extends BaseCollector {
  readonly constraints = constraints;
  private readonly space: FreeListSpace;
  private readonly marker: Marker;
  /** Bytes in use at which the next collection is due (1 MiB before the first). */
  private nextCollection = 1 << 20;

  constructor(
    context: CollectorContext,
    private readonly options: { grow: number },
  ) {
    super(context);
    this.space = new FreeListSpace(this.heap, this.heap.start, this.heap.end);
    this.marker = new Marker(this.mem, this.work);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectModel.objectBytes(nslots, payloadBytes);
    if (this.recorder.heapUsedBytes + bytes > this.nextCollection) this.collectGarbage("paced");
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
    this.nextCollection = Math.max(1 << 20, this.recorder.heapUsedBytes * this.options.grow);
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

export default defineCollector({
  name: "paced-mark-sweep",
  description: "mark-sweep that collects when the heap grows to `grow` times the last live size (clox's trigger)",
  constraints,
  options,
  create: (context, options) => new PacedMarkSweep(context, options),
});
