/**
 * Bump-pointer allocation over one contiguous region [cursor, limit).
 * The fast path is a compare and an add; failure is the sentinel 0 (NULL),
 * and the owning collector decides what to do about it.
 *
 * First touches (heap/pages.ts) cost nothing on the fast path: it bumps up
 * to `fastLimit`, the lower of the region's limit and the end of the pages
 * known to be written; crossing it takes the slow path, which counts the
 * next page's first touch (once per page, and only until every page of the
 * region has been written once).
 */
import type { PageTracker } from "../heap/pages.js";

export class BumpAllocator {
  cursor: number;
  limit: number;
  /** min(limit, the first address on a page never written): the fast path's bound. */
  private fastLimit: number;

  constructor(
    public start: number,
    end: number,
    /** Counts first writes to pages; without one, first touches are not counted. */
    private readonly pages?: PageTracker,
  ) {
    this.cursor = start;
    this.limit = end;
    this.fastLimit = this.touchedLimit(start);
  }

  /** Returns the address of `bytes` fresh bytes, or 0 if the region is full. */
  alloc(bytes: number): number {
    const a = this.cursor;
    const next = a + bytes;
    if (next > this.fastLimit) return this.allocOnFreshPages(a, next);
    this.cursor = next;
    return a;
  }

  /** Slow path: past the region's limit (0), or onto pages never written, which are counted as touched. */
  private allocOnFreshPages(a: number, next: number): number {
    if (next > this.limit) return 0;
    this.pages!.touch(a, next);
    this.cursor = next;
    this.fastLimit = this.touchedLimit(next);
    return a;
  }

  /** The fast path's bound from `from` on: the limit, or the first page at or after it never written. */
  private touchedLimit(from: number): number {
    return this.pages ? this.pages.touchedUpTo(from, this.limit) : this.limit;
  }

  /** Re-targets the allocator at the region [start, end), holding cells up to `cursor` (empty by default). */
  reset(start: number, end: number, cursor = start): void {
    this.start = start;
    this.cursor = cursor;
    this.limit = end;
    this.fastLimit = this.touchedLimit(cursor);
  }

  /** Moves the region's limit (not below the cursor): the large-object space's pages come out of the heap budget. */
  setLimit(limit: number): void {
    const old = this.limit;
    this.limit = limit;
    if (limit <= this.fastLimit) this.fastLimit = limit;
    // A bound below the old limit is a page never written, still the first one; at the old limit, look further.
    else if (this.fastLimit === old) this.fastLimit = this.touchedLimit(old);
  }

  get usedBytes(): number {
    return this.cursor - this.start;
  }
}
