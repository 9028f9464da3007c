/**
 * Bump-pointer allocation over one contiguous region [cursor, limit).
 * The fast path is a compare and an add; failure is the sentinel 0 (NULL),
 * and the owning collector decides what to do about it.
 */
export class BumpAllocator {
  cursor: number;
  limit: number;

  constructor(
    public start: number,
    end: number,
  ) {
    this.cursor = start;
    this.limit = end;
  }

  /** Returns the address of `bytes` fresh bytes, or 0 if the region is full. */
  alloc(bytes: number): number {
    const a = this.cursor;
    const next = a + bytes;
    if (next > this.limit) return 0;
    this.cursor = next;
    return a;
  }

  /** Re-targets the allocator at a new empty region. */
  reset(start: number, end: number): void {
    this.start = start;
    this.cursor = start;
    this.limit = end;
  }

  get usedBytes(): number {
    return this.cursor - this.start;
  }
}
