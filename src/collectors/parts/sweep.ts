/**
 * Sweeping a free-list space in address order (GC Handbook, 2nd ed., §2.5):
 * unmarked objects and free chunks next to each other coalesce into one free
 * chunk that goes back on the segregated-fit lists; marked objects are
 * unmarked. The space must be parseable (every byte in an object or a
 * formatted free chunk).
 */
import type { SegregatedFitAllocator } from "../../alloc/segregated-fit.js";
import { FREE_BIT, MARK_BIT, cellBytes } from "../../heap/object-model.js";

export interface SweepResult {
  /** Cells examined: live and dead objects and free chunks. */
  cellsVisited: number;
  freedObjects: number;
  freedBytes: number;
  /** Size of the largest free chunk after the sweep. */
  largestFree: number;
}

export function sweepSpace(mem: Int32Array, space: SegregatedFitAllocator): SweepResult {
  space.makeParseable();
  space.reset();
  let freedObjects = 0;
  let freedBytes = 0;
  let largestFree = 0;
  let runStart = 0;
  let cellsVisited = 0;
  const end = space.end;
  for (let a = space.start; a < end; cellsVisited++) {
    const w = a >> 2;
    const status = mem[w];
    const size = cellBytes(mem, a);
    if (status & MARK_BIT) {
      mem[w] = status & ~MARK_BIT;
      if (runStart !== 0) {
        if (a - runStart > largestFree) largestFree = a - runStart;
        space.addFree(runStart, a - runStart);
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
    space.addFree(runStart, end - runStart);
  }
  return { cellsVisited, freedObjects, freedBytes, largestFree };
}
