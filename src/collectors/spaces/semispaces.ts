/**
 * Two equal semispaces collected by Cheney's copying algorithm (Cheney 1970;
 * GC Handbook, 2nd ed., chapter 4). The mutator bump-allocates in one; the
 * other is the copy reserve.
 *
 *   1. flip      - the allocation space becomes from-space, the reserve to-space
 *   2. roots     - copy each root's object to to-space, leaving a forwarding
 *                  address in its from-space header, and update the root
 *   3. scan      - Cheney's breadth-first scan: walk to-space from its start,
 *                  forwarding every slot, until the scan pointer meets the
 *                  copy pointer
 *   4. release   - zero the old from-space so later bump allocation into it
 *                  hands out zeroed memory without per-object clearing
 *
 * Large objects (spaces/large-object-space.ts, below the semispaces) are
 * never copied: `forward` marks one in place and queues it, and the scan
 * forwards its slots like a to-space object's. The plan sweeps the large-
 * object space afterwards.
 *
 * Budget: the copy reserve counts, so 2 x used + the large-object space's
 * committed pages stay within the heap; the semispace's limit is half of what
 * the large objects leave.
 *
 * Invariant: outside a collection no header carries FORWARDED, and every
 * small object lies in [current.start, cursor).
 */
import { BumpAllocator } from "../../alloc/bump.js";
import { updateRoots, type Heap, type Region, type Roots } from "../../heap/heap.js";
import type { PageTracker } from "../../heap/pages.js";
import { IntStack } from "../../heap/int-stack.js";
import { FORWARDED_BIT, MARK_BIT, NSLOTS_MASK, objectBytes } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { Recorder } from "../../metrics/recorder.js";
import type { BudgetedSpace, LargeObjectSpace } from "./large-object-space.js";

export class SemiSpaces extends BumpAllocator implements BudgetedSpace {
  private readonly semispaceBytes: number;
  /** Copy pointer into to-space during a collection. */
  private copyCursor = 0;

  private readonly mem: Int32Array;
  private readonly base: number;
  private readonly tracker: PageTracker;
  /** The recorder's work counters, bumped on every copy. */
  private readonly work: WorkCounters;
  private readonly heapBytes: number;
  /** Large objects marked this collection and not yet scanned. */
  private readonly largeGray = new IntStack(64);

  constructor(
    heap: Heap,
    private readonly recorder: Recorder,
    private readonly los: LargeObjectSpace,
  ) {
    const semispaceBytes = Math.floor(heap.heapBytes / 16) * 8;
    super(heap.start, heap.start + semispaceBytes, heap.pages);
    this.mem = heap.mem;
    this.base = heap.start;
    this.tracker = heap.pages;
    this.work = recorder.work;
    this.semispaceBytes = semispaceBytes;
    this.heapBytes = heap.heapBytes;
    los.limitSpace(this);
  }

  /** 2 x used + large objects' pages <= heap: the semispace may fill to half of what the large objects leave. */
  applyLargeObjectBudget(committedBytes: number): void {
    this.setLimit(this.start + Math.min(this.semispaceBytes, Math.floor((this.heapBytes - committedBytes) / 16) * 8));
  }

  /** One whole collection: flip, copy everything reachable, release from-space. */
  evacuate(roots: Roots): void {
    const work = this.work;
    const fromStart = this.start;
    const fromEnd = this.cursor;
    const toStart = fromStart === this.base ? this.base + this.semispaceBytes : this.base;
    this.copyCursor = toStart;
    const objectsBefore = work.objectsCopied;
    const bytesBefore = work.bytesCopied;

    work.rootsScanned += updateRoots(roots, (ref) => this.forward(ref));
    this.scan(toStart);
    // Flipping resets both halves page by page; copying into never-written pages of to-space touches them.
    work.pagesPrepared += this.tracker.pagesIn(fromStart, fromStart + this.semispaceBytes);
    this.tracker.touch(toStart, this.copyCursor);

    // Everything not copied is garbage, but for the large objects, which the plan's sweep of their space settles.
    this.recorder.survived(work.objectsCopied - objectsBefore + this.los.objectCount, work.bytesCopied - bytesBefore + this.los.heldBytes);
    this.mem.fill(0, fromStart >> 2, fromEnd >> 2);
    this.reset(toStart, toStart + this.semispaceBytes);
    this.cursor = this.copyCursor;
    this.applyLargeObjectBudget(this.los.committedBytes);
  }

  /** Cheney scan: to-space between scan and copyCursor is the gray queue; marked large objects wait on largeGray. */
  private scan(scan: number): void {
    const mem = this.mem;
    const largeGray = this.largeGray;
    let slots = 0;
    do {
      while (scan < this.copyCursor) {
        const w = scan >> 2;
        const n = mem[w] & NSLOTS_MASK;
        slots += n;
        for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
          const child = mem[s];
          if (child > 0) mem[s] = this.forward(child);
        }
        scan += objectBytes(n, mem[w + 1]);
      }
      while (largeGray.length > 0) {
        const w = largeGray.pop() >> 2;
        const n = mem[w] & NSLOTS_MASK;
        slots += n;
        for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
          const child = mem[s];
          if (child > 0) mem[s] = this.forward(child);
        }
      }
    } while (scan < this.copyCursor);
    this.work.slotsScanned += slots;
  }

  /** Returns the to-space address of the object at `a`, copying it on first visit; a large object is marked in place. */
  private forward(a: number): number {
    const mem = this.mem;
    const w = a >> 2;
    const status = mem[w];
    // The large-object space lies below the semispaces.
    if (a < this.base) {
      if ((status & MARK_BIT) === 0) {
        mem[w] = status | MARK_BIT;
        this.largeGray.push(a);
        this.work.objectsMarked++;
      }
      return a;
    }
    if (status & FORWARDED_BIT) return mem[w + 1];
    const bytes = objectBytes(status & NSLOTS_MASK, mem[w + 1]);
    const to = this.copyCursor;
    this.copyCursor = to + bytes;
    const words = bytes >> 2;
    if (words <= 16) {
      for (let i = 0, d = to >> 2; i < words; i++) mem[d + i] = mem[w + i];
    } else {
      mem.copyWithin(to >> 2, w, w + words);
    }
    mem[w] = status | FORWARDED_BIT;
    mem[w + 1] = to;
    const work = this.work;
    work.objectsCopied++;
    work.bytesCopied += bytes;
    return to;
  }

  /** The objects plus an equal copy reserve: what the next collection needs (large objects not included). */
  footprint(): number {
    return 2 * this.usedBytes;
  }

  region(): Region {
    return [this.start, this.cursor];
  }
}
