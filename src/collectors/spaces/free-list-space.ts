/**
 * A non-moving space of segregated-fits free lists (GC Handbook, 2nd ed.,
 * §7.4), with what a collector does to it: sweep in address order (§2.5),
 * coalesce free cells, and report its fragmentation and footprint. Shared by
 * mark-sweep, rc and generational's mark-sweep mature space.
 *
 * Sweep: unmarked objects and free chunks next to each other coalesce into
 * one free chunk that goes back on the lists; marked objects are unmarked.
 * The space is always parseable after makeParseable (every byte in an
 * object or a formatted free chunk), so the sweeper and the verifier can
 * walk it cell by cell.
 */
import { SegregatedFitAllocator } from "../../alloc/segregated-fit.js";
import type { Heap, Region } from "../../heap/heap.js";
import { FREE_BIT, MARK_BIT, cellBytes } from "../../heap/object-model.js";
import type { Recorder } from "../../metrics/recorder.js";
import type { RememberingBarrier } from "../barriers/barrier.js";
import type { MatureSpace, YoungGeneration } from "./mature.js";

export interface SweepResult {
  /** Cells examined: live and dead objects and free chunks. */
  cellsVisited: number;
  freedObjects: number;
  freedBytes: number;
  /** Size of the largest free chunk after the sweep. */
  largestFree: number;
}

export class FreeListSpace extends SegregatedFitAllocator implements MatureSpace {
  /**
   * A lower bound on the largest free chunk, kept for a generational plan:
   * the largest chunk after the last sweep less everything allocated since.
   */
  private contiguousFree: number;

  constructor(heap: Heap, start: number, end: number) {
    super(heap.mem, start, end, heap.pages);
    this.contiguousFree = end - start;
  }

  /** Sweeps the whole space, counting the work and what it freed. */
  sweep(recorder: Recorder): SweepResult {
    const result = this.sweepCells();
    recorder.freed(result.freedObjects, result.freedBytes);
    recorder.work.cellsSwept += result.cellsVisited;
    this.contiguousFree = result.largestFree;
    return result;
  }

  private sweepCells(): SweepResult {
    const mem = this.mem;
    this.makeParseable();
    this.reset();
    let freedObjects = 0;
    let freedBytes = 0;
    let largestFree = 0;
    let runStart = 0;
    let cellsVisited = 0;
    const end = this.end;
    for (let a = this.start; a < end; cellsVisited++) {
      const w = a >> 2;
      const status = mem[w];
      const size = cellBytes(mem, a);
      if (status & MARK_BIT) {
        mem[w] = status & ~MARK_BIT;
        if (runStart !== 0) {
          if (a - runStart > largestFree) largestFree = a - runStart;
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
    }
    if (runStart !== 0) {
      if (end - runStart > largestFree) largestFree = end - runStart;
      this.addFree(runStart, end - runStart);
    }
    return { cellsVisited, freedObjects, freedBytes, largestFree };
  }

  /** Merges adjacent free cells into larger chunks: a sweep that frees nothing (for collectors that never mark). */
  coalesce(): void {
    const mem = this.mem;
    this.makeParseable();
    this.reset();
    let runStart = 0;
    for (let a = this.start; a < this.end; ) {
      const size = cellBytes(mem, a);
      if (mem[a >> 2] & FREE_BIT) {
        if (runStart === 0) runStart = a;
      } else if (runStart !== 0) {
        this.addFree(runStart, a - runStart);
        runStart = 0;
      }
      a += size;
    }
    if (runStart !== 0) this.addFree(runStart, this.end - runStart);
  }

  /** Free bytes outside the largest free chunk, as a share of free bytes. */
  fragmentation(): number {
    return this.freeBytes > 0 ? 1 - this.largestFreeChunk() / this.freeBytes : 0;
  }

  /** The span ever handed out: what a real heap would have touched. */
  footprint(): number {
    return this.highWater - this.start;
  }

  region(): Region {
    this.makeParseable();
    return [this.start, this.end];
  }

  // As a generational mature space.

  allocMature(bytes: number): number {
    const a = this.alloc(bytes);
    this.contiguousFree -= bytes;
    return a;
  }

  promotionRoom(): number {
    return this.contiguousFree;
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
  collectWithNursery(young: YoungGeneration, barrier: RememberingBarrier, recorder: Recorder): void {
    barrier.forgetUnmarked();
    this.sweep(recorder);
    barrier.cellsChanged(this.start, this.end);
    young.evacuate(true);
  }
}
