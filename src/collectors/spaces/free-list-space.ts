/**
 * A non-moving space of segregated-fits free lists (GC Handbook, 2nd ed.,
 * §7.4), with what a collector does to it: sweep in address order (§2.5),
 * coalesce free cells, list its unmarked objects (rc's backup trace), and
 * report its fragmentation and footprint. Shared by
 * mark-sweep, rc and generational's mark-sweep mature space.
 *
 * Sweep: unmarked objects and free chunks next to each other coalesce into
 * one free chunk that goes back on the lists; marked objects are unmarked.
 * The space is always parseable after makeParseable (every byte in an
 * object or a formatted free chunk), so the sweeper and the verifier can
 * walk it cell by cell. A sweep examines the cells below the top chunk; the
 * free run it ends with joins the top. Given a large-object space, the
 * space's ceiling is lowered by the pages large objects hold (the heap is
 * one budget, as MMTk's page accounting across spaces).
 */
import { SegregatedFitAllocator } from "../../alloc/segregated-fit.js";
import type { Heap, Region } from "../../heap/heap.js";
import type { IntStack } from "../../heap/int-stack.js";
import { FREE_BIT, MARK_BIT, MIN_LISTED_CHUNK, cellBytes } from "../../heap/object-model.js";
import type { Recorder } from "../../metrics/recorder.js";
import type { RememberingBarrier } from "../barriers/barrier.js";
import type { BudgetedSpace, LargeObjectSpace } from "./large-object-space.js";
import type { MatureSpace, YoungGeneration } from "./mature.js";

/**
 * A lazy sweep's unit of work (Hughes 1982; Boehm's collector sweeps a block
 * at a time when its free lists run dry). 32 KiB is the block of Immix and
 * of MMTk's mark-sweep space; a free chunk found by a lazy sweep never spans
 * a step boundary.
 */
export const LAZY_SWEEP_STEP_BYTES = 32 * 1024;

export class FreeListSpace extends SegregatedFitAllocator implements MatureSpace, BudgetedSpace {
  /** The next cell a sweep in progress will examine; 0 when no sweep is pending. */
  private sweepCursor = 0;
  /** Where the sweep in progress stops: the top chunk's start when it began. */
  private sweepEnd = 0;
  /** The first released run (releasedRuns) the sweep in progress has not passed. */
  private sweepReleased = 0;
  /** Where the sweep in progress counts what it frees and the cells it visits. */
  private sweepRecorder: Recorder | null = null;
  /** The side mark bitmap the sweep reads and clears, or null when marks are header bits. */
  private sweepMarks: Uint32Array | null = null;

  /** True when the space shares the budget with a large-object space, which its major collections then sweep. */
  readonly sweepsLargeObjects: boolean;

  constructor(
    heap: Heap,
    start: number,
    end: number,
    private readonly los?: LargeObjectSpace,
  ) {
    super(heap.mem, start, end, heap.pages);
    los?.limitSpace(this);
    this.sweepsLargeObjects = los !== undefined;
  }

  /** Committed bytes + large objects' pages <= the space's size. */
  applyLargeObjectBudget(committedBytes: number): void {
    this.setBudget(this.end - this.start - committedBytes);
  }

  /** Sweeps the whole space now, counting the work and what it freed into `recorder`. */
  sweep(recorder: Recorder, markBits: Uint32Array | null = null): void {
    this.beginSweep(recorder, markBits);
    this.finishSweep();
  }

  /**
   * Starts a sweep that allocation will carry out step by step (`sweepStep`):
   * the free lists are emptied and refilled as the cursor moves through the
   * space in address order. `markBits` are the side marks, when the collector
   * marked there. Until it completes, the top chunk is not handed out: the
   * footprint grows only once every swept chunk has been tried.
   */
  beginSweep(recorder: Recorder, markBits: Uint32Array | null): void {
    this.makeParseable();
    this.reset();
    this.sweepEnd = this.topStart;
    this.sweepReleased = 0;
    this.sweepCursor = this.sweepEnd > this.start ? this.start : 0;
    this.topOpen = this.sweepCursor === 0;
    this.sweepRecorder = recorder;
    this.sweepMarks = markBits;
  }

  /** True while a sweep has cells left to examine. */
  get sweepPending(): boolean {
    return this.sweepCursor !== 0;
  }

  /**
   * Sweeps the cells that start below `limit` (at least one cell): unmarked
   * objects and free chunks next to each other coalesce into one free chunk
   * that goes back on the lists, and marks are cleared. A free run still open
   * at the limit is closed there, or joins the top chunk when the limit is
   * the sweep's end. Returns the cells examined.
   */
  sweepStep(limit = this.sweepCursor + LAZY_SWEEP_STEP_BYTES): number {
    const mem = this.mem;
    const bits = this.sweepMarks;
    const end = this.sweepEnd;
    const releasedStart = this.releasedStart;
    let nextReleased = this.sweepReleased < releasedStart.length ? releasedStart[this.sweepReleased] : end;
    let freedObjects = 0;
    let freedBytes = 0;
    let runStart = 0;
    let cellsVisited = 0;
    let a = this.sweepCursor;
    if (limit > end) limit = end;
    do {
      if (a === nextReleased) {
        // Pages given back to the system: not the sweep's, and no free run spans them.
        if (runStart !== 0) {
          this.addFree(runStart, a - runStart);
          runStart = 0;
        }
        a += this.releasedLength[this.sweepReleased++];
        nextReleased = this.sweepReleased < releasedStart.length ? releasedStart[this.sweepReleased] : end;
        continue;
      }
      const w = a >> 2;
      const status = mem[w];
      const size = cellBytes(mem, a);
      let marked: number;
      if (bits === null) {
        marked = status & MARK_BIT;
        if (marked) mem[w] = status & ~MARK_BIT;
      } else {
        const g = a >> 3;
        marked = bits[g >> 5] & (1 << (g & 31));
        if (marked) bits[g >> 5] ^= marked;
      }
      if (marked) {
        if (runStart !== 0) {
          this.addFree(runStart, a - runStart);
          runStart = 0;
        }
      } else {
        if ((status & FREE_BIT) === 0) {
          freedObjects++;
          freedBytes += size;
        }
        if (runStart === 0) runStart = a;
      }
      a += size;
      cellsVisited++;
    } while (a < limit);
    if (a < end) {
      if (runStart !== 0) this.addFree(runStart, a - runStart);
      this.sweepCursor = a;
    } else {
      if (runStart !== 0) this.growTopDown(runStart);
      this.sweepCursor = 0;
      this.topOpen = true;
    }
    const recorder = this.sweepRecorder!;
    recorder.freed(freedObjects, freedBytes);
    recorder.work.cellsSwept += cellsVisited;
    return cellsVisited;
  }

  /** The lazy sweeper's slow path: sweeps a step at a time until a cell of `bytes` can be had; 0 once the sweep is done and none can. */
  sweepUntilFits(bytes: number): number {
    while (this.sweepPending) {
      this.sweepStep();
      const a = this.alloc(bytes);
      if (a !== 0) return a;
    }
    return 0;
  }

  /** Finishes a pending sweep (before the next marking, or when a request needs every free chunk). */
  finishSweep(): void {
    if (this.sweepPending) this.sweepStep(this.sweepEnd);
  }

  /** Merges adjacent free cells into larger chunks: a sweep that frees nothing (for collectors that never mark). */
  coalesce(): void {
    const mem = this.mem;
    this.makeParseable();
    this.reset();
    const end = this.topStart;
    let r = 0;
    let runStart = 0;
    for (let a = this.start; a < end; ) {
      if (r < this.releasedStart.length && a === this.releasedStart[r]) {
        if (runStart !== 0) this.addFree(runStart, a - runStart);
        runStart = 0;
        a += this.releasedLength[r++];
        continue;
      }
      const size = cellBytes(mem, a);
      if (mem[a >> 2] & FREE_BIT) {
        if (runStart === 0) runStart = a;
      } else if (runStart !== 0) {
        this.addFree(runStart, a - runStart);
        runStart = 0;
      }
      a += size;
    }
    if (runStart !== 0) this.growTopDown(runStart);
  }

  /**
   * Pushes onto `into` every object whose side mark in `markBits` is clear
   * (rc's backup trace: the unreachable objects, which rc frees one by one),
   * changing nothing. Returns the cells examined.
   */
  collectUnmarked(into: IntStack, markBits: Uint32Array): number {
    const mem = this.mem;
    this.makeParseable();
    const end = this.topStart;
    let r = 0;
    let cells = 0;
    for (let a = this.start; a < end; ) {
      if (r < this.releasedStart.length && a === this.releasedStart[r]) {
        a += this.releasedLength[r++];
        continue;
      }
      const g = a >> 3;
      if ((mem[a >> 2] & FREE_BIT) === 0 && (markBits[g >> 5] & (1 << (g & 31))) === 0) into.push(a);
      a += cellBytes(mem, a);
      cells++;
    }
    return cells;
  }

  /** Finishes a pending sweep (its free runs must be found first), then gives back `bytes` of free pages if it can. */
  override releaseFreePages(bytes: number): void {
    this.finishSweep();
    super.releaseFreePages(bytes);
  }

  /** Free bytes outside the largest free chunk, as a share of free bytes. */
  fragmentation(): number {
    return this.freeBytes > 0 ? 1 - this.largestFreeChunk() / this.freeBytes : 0;
  }

  /** The memory the space holds committed: the span it has touched, less the free pages it gave back. */
  footprint(): number {
    return this.committedBytes;
  }

  region(): Region {
    this.makeParseable();
    return [this.start, this.end];
  }

  // As a generational mature space.

  allocMature(bytes: number): number {
    return this.alloc(bytes);
  }

  /** Free bytes less what each free chunk might leave unused (see guaranteedBytes). */
  promotionRoom(largestYoungObject: number): number {
    return this.guaranteedBytes(Math.max(largestYoungObject, MIN_LISTED_CHUNK));
  }

  parseableTop(): number {
    this.makeParseable();
    return this.end;
  }

  /**
   * A major collection with everything reachable marked: dead objects leave
   * the remembered set before the sweep turns them into free chunks, then the
   * nursery's survivors are evacuated into the swept space.
   */
  collectWithNursery(young: YoungGeneration, barrier: RememberingBarrier, recorder: Recorder, liveBytes: number): boolean {
    if (liveBytes > this.end - this.start) return false;
    barrier.forgetUnmarked();
    // Dead large objects give their pages back before the survivors are promoted into this space's budget.
    this.los?.sweep(recorder);
    this.sweep(recorder);
    barrier.cellsChanged(this.start, this.end);
    young.evacuate(true);
    return true;
  }
}
