/**
 * A bump-allocated space: one contiguous region filled in address order,
 * parseable up to its cursor. The no-GC baseline uses it as is; the compact
 * space builds on it.
 */
import { BumpAllocator } from "../../alloc/bump.js";
import type { Heap, Region } from "../../heap/heap.js";

export class BumpSpace extends BumpAllocator {
  constructor(heap: Heap, start: number, end: number) {
    super(start, end, heap.pages);
  }

  footprint(): number {
    return this.usedBytes;
  }

  region(): Region {
    return [this.start, this.cursor];
  }
}
