/**
 * A bump-allocated space collected by Lisp 2 sliding compaction (GC
 * Handbook, 2nd ed., §3.2; the phases are in trace/compactor.ts). Objects
 * keep their allocation order and after a compaction the free space is one
 * block: no fragmentation. Used by mark-compact, and as a generational
 * mature space that a major collection compacts together with the nursery
 * (HotSpot Serial's full collection).
 *
 * Large objects (spaces/large-object-space.ts) are never slid: the marked
 * ones are handed to the compactor as objects outside its regions, so their
 * slots are updated, and the plan sweeps their space afterwards. While they
 * hold pages the space's limit is lowered by as much (the heap is a budget).
 */
import type { Heap, Region, Roots } from "../../heap/heap.js";
import { IntStack } from "../../heap/int-stack.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { Recorder } from "../../metrics/recorder.js";
import type { RememberingBarrier } from "../barriers/barrier.js";
import { FREE_BIT, NSLOTS_MASK, cellBytes, writeFreeChunk } from "../../heap/object-model.js";
import { Compactor } from "../trace/compactor.js";
import { BumpSpace } from "./bump-space.js";
import type { LargeObjectSpace } from "./large-object-space.js";
import type { MatureSpace, YoungGeneration } from "./mature.js";

export class CompactSpace extends BumpSpace implements MatureSpace {
  private readonly compactor: Compactor;

  private readonly mem: Int32Array;
  /** The marked large objects, whose slots the compaction updates. */
  private readonly largeMarked = new IntStack(64);

  constructor(
    heap: Heap,
    start: number,
    end: number,
    private readonly roots: Roots,
    private readonly work: WorkCounters,
    private readonly los: LargeObjectSpace,
  ) {
    super(heap, start, end, los);
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
    this.compactor.updateReferences(this.roots, this.los.collectMarked(this.largeMarked));
    this.compactor.relocate();
    // Bump allocation hands out memory unzeroed by the mutator: clear what the slide vacated.
    this.mem.fill(0, plan.top >> 2, oldTop >> 2);
    this.cursor = plan.top;
    // Large objects are all counted as surviving here; the plan's sweep of their space then counts the dead ones.
    recorder.survived(plan.liveObjects + this.los.objectCount, plan.liveBytes + this.los.heldBytes);
  }

  fragmentation(): number {
    return 0;
  }

  // As a generational mature space.

  allocMature(bytes: number): number {
    return this.alloc(bytes);
  }

  promotionRoom(_largestYoungObject: number): number {
    return this.limit - this.cursor;
  }

  parseableTop(): number {
    return this.cursor;
  }

  /**
   * One compaction over the mature space and the nursery together: every
   * survivor slides to the bottom of the heap. What does not fit below the
   * nursery continues into the bottom of eden and stays young there, as in
   * HotSpot Serial's full collection, instead of ending the run.
   */
  collectWithNursery(young: YoungGeneration, barrier: RememberingBarrier, recorder: Recorder, liveBytes: number): boolean {
    if (liveBytes > this.end - this.start + (young.edenEnd - young.edenStart)) return false;
    // The nursery will be empty or hold only what stays in eden: unlog while the addresses are still valid.
    barrier.forgetAll();
    const youngRegions = young.regions().sort((x, y) => x[0] - y[0]);
    const youngMarked = young.markedBytes();
    const oldTop = this.cursor;
    const plan = this.compactor.computeForwarding([[this.start, oldTop], ...youngRegions], this.start, this.end);
    // A straddling object can push the slide past eden by less than its size.
    if (plan.top > young.edenEnd) return false;
    // Large objects are never slid; their slots are updated like a live object's.
    this.compactor.updateReferences(this.roots, this.los.collectMarked(this.largeMarked));
    this.compactor.relocate();
    // Bump allocation hands out memory unzeroed by the mutator: clear what the slide vacated.
    this.mem.fill(0, plan.top >> 2, oldTop >> 2);
    if (plan.gapStart !== 0) writeFreeChunk(this.mem, plan.gapStart, this.end - plan.gapStart);
    // Large objects are all counted as surviving here; the plan's sweep of their space then counts the dead ones.
    recorder.survived(plan.liveObjects + this.los.objectCount, plan.liveBytes + this.los.heldBytes);
    if (plan.top <= this.end) {
      this.cursor = plan.top;
      young.emptied(youngMarked);
    } else {
      this.cursor = this.end;
      young.keptInEden(plan.top, plan.objectsAbove, youngMarked - plan.bytesAbove);
    }
    barrier.cellsChanged(this.start, this.cursor);
    if (plan.top > this.end) this.rememberYoungReferences(barrier);
    return true;
  }

  /**
   * After survivors stayed in eden: every mature slot pointing at one is
   * remembered, as HotSpot dirties the whole old generation's cards when a
   * full collection leaves the young generation non-empty.
   */
  private rememberYoungReferences(barrier: RememberingBarrier): void {
    const mem = this.mem;
    let scanned = 0;
    for (let a = this.start; a < this.cursor; a += cellBytes(mem, a)) {
      const w = a >> 2;
      if (mem[w] & FREE_BIT) continue;
      const n = mem[w] & NSLOTS_MASK;
      scanned += n;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) if (mem[s] >= this.end) barrier.remember(a, s);
    }
    // The live large objects too (collected by the compaction above, still marked).
    for (let i = 0; i < this.largeMarked.length; i++) {
      const a = this.largeMarked.at(i);
      const w = a >> 2;
      const n = mem[w] & NSLOTS_MASK;
      scanned += n;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) if (mem[s] >= this.end) barrier.remember(a, s);
    }
    this.work.slotsScanned += scanned;
  }
}
