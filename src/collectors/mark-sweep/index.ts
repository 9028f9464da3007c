/**
 * mark-sweep: non-moving tracing collection over segregated-fits free lists
 * (McCarthy 1960; GC Handbook, 2nd ed., chapter 2).
 *
 *   1. mark   - Marker: mark every object the roots refer to, then pop the
 *               explicit mark stack, marking and pushing unmarked children
 *   2. sweep  - FreeListSpace: walk the heap in address order; unmarked
 *               objects and adjacent free chunks coalesce into one free chunk
 *               that goes back on the free lists; marks are cleared
 *
 * Sweeping is lazy by default (`--opt sweep=lazy`; Hughes 1982, GC Handbook
 * §2.5), as production non-moving collectors do (Boehm, MMTk's mark-sweep,
 * Go): a collection triggered by allocation only marks, into a side mark
 * bitmap, and the mutator's allocations sweep the heap a 32 KiB step at a
 * time when the free lists run dry, so the pause does not grow with the heap
 * and the sweeping is mutator time. A collection is triggered only once the
 * sweep is complete and the request still does not fit. An explicit
 * collection (the workload's `collect`, the end of a run) is complete: it
 * finishes any pending sweep, marks and sweeps the whole heap in the pause.
 * `--opt sweep=eager` sweeps inside every pause, with header mark bits.
 *
 * Invariants: headers carry no mark outside a pause (lazy marks are side
 * bits); the mark stack is explicit (no recursion), so a million-node list
 * cannot overflow the JS stack; the heap is always parseable (every byte is
 * in an object or a formatted free chunk; unswept garbage is still objects).
 * Trigger: allocation failure.
 * Fragmentation is the share of free bytes outside the largest free chunk
 * (1 - largest / total free), sampled after each complete sweep.
 * Objects over the `large` threshold live in the large-object space, swept
 * in the pause (its list is short); the free-list space gives its free top
 * back to the heap budget when a large object needs pages.
 */
import { objectBytes } from "../../heap/object-model.js";
import { MainAndLargeObjectPlan, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { DEFAULT_LARGE_OBJECT_OPTIONS, choice, largeObjectOptions, type ParsedOptions } from "../options.js";
import { FreeListSpace } from "../spaces/free-list-space.js";
import { LargeObjectSpace } from "../spaces/large-object-space.js";
import { Marker, markBitmapFor } from "../trace/marker.js";

const constraints: CollectorConstraints = { moving: false, storeBarrier: false, rootBarrier: false, reclaims: "all" };

const markSweepOptions = {
  ...largeObjectOptions,
  sweep: choice(["lazy", "eager"], "lazy", "lazy: allocation sweeps the heap step by step after a collection marks; eager: the pause sweeps the whole heap"),
};
type Options = ParsedOptions<typeof markSweepOptions>;

export class MarkSweepCollector extends MainAndLargeObjectPlan {
  readonly constraints = constraints;
  protected readonly space: FreeListSpace;
  protected readonly marker: Marker;
  /** The side mark bitmap under lazy sweeping (its marks outlive the pause); null for header marks. */
  protected readonly markBits: Uint32Array | null;
  protected readonly los: LargeObjectSpace;

  /** Without options (a subclass trying a variation), sweeping is eager: every collection goes through collectGarbage. */
  constructor(context: CollectorContext, options: Options = { ...DEFAULT_LARGE_OBJECT_OPTIONS, sweep: "eager" }) {
    super(context);
    this.los = new LargeObjectSpace(this.heap, this.work, options.large);
    this.space = new FreeListSpace(this.heap, this.heap.start, this.heap.end, this.los);
    this.markBits = options.sweep === "lazy" ? markBitmapFor(this.mem) : null;
    this.marker = new Marker(this.mem, this.work, this.markBits);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    if (bytes > this.los.threshold) {
      return this.finishAlloc(this.allocLargeAfterFullCollection(bytes, site, this.los, this.space), nslots, payloadBytes, bytes);
    }
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.markBits ? this.allocSweepingLazily(bytes, site) : this.allocAfterFullCollection(bytes, site, this.space);
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  /**
   * The slow path under lazy sweeping: sweep a step at a time until the
   * request fits; with the sweep complete, collect (marking only) and sweep
   * again; if it still does not fit - free chunks never span a sweep step, so
   * a large request may need them coalesced - run a complete collection.
   */
  private allocSweepingLazily(bytes: number, site: number): number {
    this.work.allocationSlowPaths++;
    let a = this.space.sweepUntilFits(bytes);
    if (a !== 0) return a;
    this.pause("full", "allocation-failure", () => {
      this.recorder.markedLive(this.marker.markFromRoots(this.roots));
      this.los.sweep(this.recorder, this.markBits);
      this.space.beginSweep(this.recorder, this.markBits);
      return false;
    });
    a = this.space.sweepUntilFits(bytes);
    return a !== 0 ? a : this.allocAfterFullCollection(bytes, site, this.space);
  }

  /** A complete collection: finishes a pending lazy sweep, then marks and sweeps the whole heap. */
  collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      this.space.finishSweep();
      this.marker.markFromRoots(this.roots);
      this.los.sweep(this.recorder, this.markBits);
      this.space.sweep(this.recorder, this.markBits);
      return true;
    });
  }

  override fragmentation(): number {
    return this.space.fragmentation();
  }
}

const markSweep = defineCollector({
  name: "mark-sweep",
  description: "non-moving mark-sweep over segregated-fits free lists, swept lazily by allocation",
  constraints,
  options: markSweepOptions,
  create: (context, options) => new MarkSweepCollector(context, options),
});
export default markSweep;
