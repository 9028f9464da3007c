/**
 * A bump-allocated space collected by Lisp 2 sliding compaction (GC
 * Handbook, 2nd ed., §3.2; the phases are in trace/compactor.ts). Objects
 * keep their allocation order and after a compaction the free space is one
 * block: no fragmentation. Used by mark-compact, and as a generational
 * mature space that a major collection compacts together with the nursery
 * (HotSpot Serial's full collection).
 */
import type { Heap, Region, Roots } from "../../heap/heap.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { Recorder } from "../../metrics/recorder.js";
import type { RememberingBarrier } from "../barriers/barrier.js";
import { Compactor } from "../trace/compactor.js";
import { BumpSpace } from "./bump-space.js";
import type { MatureSpace, YoungGeneration } from "./mature.js";

export class CompactSpace extends BumpSpace implements MatureSpace {
  private readonly compactor: Compactor;

  private readonly mem: Int32Array;

  constructor(
    heap: Heap,
    start: number,
    readonly end: number,
    private readonly roots: Roots,
    work: WorkCounters,
  ) {
    super(heap, start, end);
    this.mem = heap.mem;
    this.compactor = new Compactor(heap.mem, work);
  }

  /**
   * Slides the marked objects of this space and of `others` (regions above
   * it, in address order) down to the bottom of this space, updating every
   * reference, and counts the survivors.
   */
  compact(recorder: Recorder, others: readonly Region[] = []): void {
    const oldTop = this.cursor;
    const plan = this.compactor.computeForwarding([[this.start, oldTop], ...others], this.start);
    this.compactor.updateReferences(this.roots, undefined);
    this.compactor.relocate();
    // Bump allocation hands out memory unzeroed by the mutator: clear what the slide vacated.
    this.mem.fill(0, plan.top >> 2, oldTop >> 2);
    this.cursor = plan.top;
    recorder.survived(plan.liveObjects, plan.liveBytes);
  }

  fragmentation(): number {
    return 0;
  }

  // As a generational mature space.

  allocMature(bytes: number): number {
    return this.alloc(bytes);
  }

  promotionRoom(): number {
    return this.limit - this.cursor;
  }

  parseableTop(): number {
    return this.cursor;
  }

  /** One compaction over the mature space and the nursery together: every survivor ends up packed at the bottom. */
  collectWithNursery(young: YoungGeneration, barrier: RememberingBarrier, recorder: Recorder): void {
    // The nursery will be empty, so nothing stays remembered; unlog while the addresses are still valid.
    barrier.forgetAll();
    const youngRegions = young.regions().sort((x, y) => x[0] - y[0]);
    const promoted = young.markedBytes();
    this.compact(recorder, youngRegions);
    young.emptied(promoted);
    barrier.cellsChanged(this.start, this.cursor);
  }
}
