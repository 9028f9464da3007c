/**
 * First touch of simulated memory, by page. A real runtime pays for memory
 * the first time it writes a page: the kernel's page fault and zeroing of a
 * fresh page (or one released back and reused). gcsim's address space is
 * simulated, so it counts those first writes itself: allocators report the
 * ranges they hand out beyond what they know is touched, copying collectors
 * the ranges they copy into, and each page is counted once, into the
 * `pagesTouched` work counter the cost model charges (`pageFirstTouch`). The
 * charge lands wherever the write happens: in mutator time for an
 * allocation, in the pause for a collector copying into fresh pages.
 */

/** Where first touches are counted: the recorder's work counters. */
export interface TouchCounter {
  pagesTouched: number;
}

export const DEFAULT_PAGE_BYTES = 4096;

export class PageTracker {
  private readonly touched: Uint8Array;
  private readonly shift: number;

  constructor(
    end: number,
    readonly pageBytes: number,
    private readonly counter: TouchCounter = { pagesTouched: 0 },
  ) {
    this.shift = 31 - Math.clz32(pageBytes);
    this.touched = new Uint8Array((end >> this.shift) + 1);
  }

  /** Records writes to [start, end), counting each page never written before. */
  touch(start: number, end: number): void {
    if (end <= start) return;
    const touched = this.touched;
    let fresh = 0;
    for (let p = start >> this.shift, last = (end - 1) >> this.shift; p <= last; p++) {
      if (touched[p] === 0) {
        touched[p] = 1;
        fresh++;
      }
    }
    this.counter.pagesTouched += fresh;
  }

  /**
   * Records that the pages inside [start, end) were released to the system
   * (the large-object space decommits the pages of a freed object): their
   * next write is a first touch again. Only whole pages are released.
   */
  release(start: number, end: number): void {
    const first = (start + this.pageBytes - 1) >> this.shift;
    const last = end >> this.shift;
    if (last > first) this.touched.fill(0, first, last);
  }

  /** The first address at or after `start` (and below `end`) on a page never written, or `end`. */
  touchedUpTo(start: number, end: number): number {
    let p = start >> this.shift;
    const last = (end - 1) >> this.shift;
    while (p <= last && this.touched[p] === 1) p++;
    return p > last ? end : Math.max(start, p << this.shift);
  }

  /** Pages that [start, end) spans. */
  pagesIn(start: number, end: number): number {
    return end <= start ? 0 : ((end - 1) >> this.shift) - (start >> this.shift) + 1;
  }
}
