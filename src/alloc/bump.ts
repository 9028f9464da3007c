/**
 * Bump-pointer allocation over one contiguous region [cursor, limit).
 * The fast path is a compare and an add; failure is the sentinel 0 (NULL),
 * and the owning collector decides what to do about it.
 */
import type { PageTracker } from "../heap/pages.js";

export class BumpAllocator {
  cursor: number;
  limit: number;
  /** Below this address every page of the region has been written before: no first touch to count. */
  private touchedTo: number;

  constructor(
    public start: number,
    end: number,
    /** Counts first writes to pages; without one, first touches are not counted. */
    private readonly pages?: PageTracker,
  ) {
    this.cursor = start;
    this.limit = end;
    this.touchedTo = pages ? pages.touchedUpTo(start, end) : end;
  }

  /** Returns the address of `bytes` fresh bytes, or 0 if the region is full. */
  alloc(bytes: number): number {
    const a = this.cursor;
    const next = a + bytes;
    if (next > this.limit) return 0;
    this.cursor = next;
    if (next > this.touchedTo) this.touchTo(next);
    return a;
  }

  /** Slow path: the allocation reaches pages that may never have been written. */
  private touchTo(next: number): void {
    this.pages!.touch(this.touchedTo, next);
    this.touchedTo = next;
  }

  /** Re-targets the allocator at a new empty region. */
  reset(start: number, end: number): void {
    this.start = start;
    this.cursor = start;
    this.limit = end;
    this.touchedTo = this.pages ? this.pages.touchedUpTo(start, end) : end;
  }

  get usedBytes(): number {
    return this.cursor - this.start;
  }
}
