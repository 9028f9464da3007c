/**
 * A bump-allocated space: one contiguous region filled in address order,
 * parseable up to its cursor. The no-GC baseline uses it as is; the compact
 * space builds on it.
 */
import { BumpAllocator } from "../../alloc/bump.js";
import type { Region } from "../../heap/heap.js";

export class BumpSpace extends BumpAllocator {
  footprint(): number {
    return this.usedBytes;
  }

  region(): Region {
    return [this.start, this.cursor];
  }
}
