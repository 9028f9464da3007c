/**
 * A bump-allocated space: one contiguous region filled in address order,
 * parseable up to its cursor. The no-GC baseline uses it as is; the compact
 * space builds on it. Given a large-object space, its limit is lowered by the
 * pages the large objects hold, since the heap is one budget for both.
 */
import { BumpAllocator } from "../../alloc/bump.js";
import type { Heap, Region } from "../../heap/heap.js";
import type { BudgetedSpace, LargeObjectSpace } from "./large-object-space.js";

export class BumpSpace extends BumpAllocator implements BudgetedSpace {
  readonly end: number;

  constructor(heap: Heap, start: number, end: number, los?: LargeObjectSpace) {
    super(start, end, heap.pages);
    this.end = end;
    los?.limitSpace(this);
  }

  /** Used bytes + large objects' pages <= the space's size. */
  applyLargeObjectBudget(committedBytes: number): void {
    this.setLimit(this.end - committedBytes);
  }

  footprint(): number {
    return this.usedBytes;
  }

  region(): Region {
    return [this.start, this.cursor];
  }
}
