/**
 * The large-object space (LOS), shared by every built-in collector: objects
 * larger than the `large` threshold (default 8 KiB, whippet's
 * GC_LARGE_OBJECT_THRESHOLD) live here, each on a run of whole pages, and are
 * never copied or slid (MMTk's LargeObjectSpace, whippet's
 * large_object_space, V8's LO space; GC Handbook, 2nd ed., §10.1).
 *
 *   allocate - first fit over an address-ordered list of free page runs,
 *              else the frontier; the run's pages are committed and their
 *              first writes counted by the page tracker
 *   trace    - the plan's tracer marks a large object in place (the MARK bit,
 *              as for any object) and scans its slots; a moving plan updates
 *              the slots but never the object's address
 *   sweep    - after marking: walk the list of large objects; an unmarked one
 *              is freed (its pages decommitted: zeroed and released, so their
 *              next write is a first touch again), a marked one unmarked
 *   free     - reference counting frees one object when its count reaches 0
 *
 * The heap size is a budget on committed memory (as MMTk's
 * `collection_required`: reserved pages of every space against the heap's
 * pages): the plan allocates through `allocWithin(bytes, mainReserved, heapBytes)`,
 * and shrinks its main spaces' limits by `committedBytes` where it can.
 *
 * Invariants: every object in the space is on `objects`; a page run holds
 * exactly one object, starting at the run's first page; free pages are zero;
 * outside a collection no large object carries MARK.
 */
import type { Heap, Region } from "../../heap/heap.js";
import { IntStack } from "../../heap/int-stack.js";
import { MARK_BIT, NSLOTS_MASK, objectBytes } from "../../heap/object-model.js";
import type { PageTracker } from "../../heap/pages.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { Recorder } from "../../metrics/recorder.js";

/** What a plan's main space tells the large-object slow path: its footprint, and (a free-list space) how to shrink it. */
export interface LargeObjectNeighbour {
  footprint(): number;
  /** Gives back at least `bytes` of its committed memory if its free pages allow (finishing a pending sweep first). */
  releaseFreePages?(bytes: number): void;
}

/** A main space whose allocation limit shrinks while the large-object space holds pages. */
export interface BudgetedSpace {
  applyLargeObjectBudget(committedBytes: number): void;
}

export class LargeObjectSpace {
  readonly start: number;
  readonly end: number;
  private readonly pageShift: number;
  private readonly pageBytes: number;
  private readonly mem: Int32Array;
  private readonly pages: PageTracker;
  private readonly work: WorkCounters;
  /** Addresses of the objects in the space, in no particular order. */
  private readonly objects = new IntStack(64);
  /** Per page: for the first page of an object's run, its index in `objects`. */
  private readonly listIndex: Int32Array;
  /** Free page runs below the frontier, in address order: first page and length (pages). */
  private readonly freeFirst: number[] = [];
  private readonly freeLength: number[] = [];
  /** Main spaces whose limits follow committedBytes (registered by their constructors). */
  private readonly budgeted: BudgetedSpace[] = [];
  /** Pages at and above the frontier have never been handed out (or were all freed back down to it). */
  private frontier = 0;

  /** Bytes of pages held by objects now, and the most ever held at once. */
  committedBytes = 0;
  peakCommittedBytes = 0;
  /** Bytes of the objects themselves (not rounded to pages). */
  heldBytes = 0;
  /** Cumulative allocation into the space. */
  allocatedObjects = 0;
  allocatedBytes = 0;

  constructor(
    heap: Heap,
    work: WorkCounters,
    /** Objects of more than this many bytes belong here (Infinity: none). */
    readonly threshold: number,
  ) {
    this.start = heap.losStart;
    this.end = heap.losEnd;
    this.mem = heap.mem;
    this.pages = heap.pages;
    this.pageBytes = heap.pages.pageBytes;
    this.pageShift = 31 - Math.clz32(this.pageBytes);
    this.work = work;
    this.listIndex = new Int32Array((this.end - this.start) >> this.pageShift);
  }

  /** Makes `space`'s limit follow the pages this space commits, from now on. */
  limitSpace(space: BudgetedSpace): void {
    this.budgeted.push(space);
    space.applyLargeObjectBudget(this.committedBytes);
  }

  private budgetChanged(): void {
    for (const space of this.budgeted) space.applyLargeObjectBudget(this.committedBytes);
  }

  get objectCount(): number {
    return this.objects.length;
  }

  /** The bytes a new object of `bytes` commits: whole pages. */
  pagesBytes(bytes: number): number {
    return Math.ceil(bytes / this.pageBytes) * this.pageBytes;
  }

  /**
   * Allocates an object of `bytes` if its pages, the space's committed pages
   * and `mainReserved` (what the plan's main spaces hold against the budget,
   * a copy reserve included) stay within `budget` (the heap size); else 0.
   */
  allocWithin(bytes: number, mainReserved: number, budget: number): number {
    return this.shortfall(bytes, mainReserved, budget) <= 0 ? this.alloc(bytes) : 0;
  }

  /**
   * allocWithin beside a main space: `space`'s footprint (plus `otherReserved`,
   * e.g. a whole nursery) is what the main spaces hold; if the object does not
   * fit, a space that can give back free pages is asked for the shortfall
   * first.
   */
  allocBeside(bytes: number, space: LargeObjectNeighbour, budget: number, otherReserved = 0): number {
    const a = this.allocWithin(bytes, otherReserved + space.footprint(), budget);
    if (a !== 0 || space.releaseFreePages === undefined) return a;
    space.releaseFreePages(this.shortfall(bytes, otherReserved + space.footprint(), budget));
    return this.allocWithin(bytes, otherReserved + space.footprint(), budget);
  }

  /** Bytes by which a new object of `bytes` would overrun `budget` beside `mainReserved` (0 or less: it fits). */
  shortfall(bytes: number, mainReserved: number, budget: number): number {
    return mainReserved + this.committedBytes + this.pagesBytes(bytes) - budget;
  }

  contains(a: number): boolean {
    return a >= this.start && a < this.end;
  }

  /**
   * Commits a run of pages for an object of `bytes` and returns its address
   * (zeroed memory), or 0 when no run of free pages is long enough,
   * whatever the budget (allocWithin checks it).
   */
  alloc(bytes: number): number {
    const n = this.pagesBytes(bytes) >> this.pageShift;
    let first = -1;
    for (let i = 0; i < this.freeFirst.length; i++) {
      if (this.freeLength[i] < n) continue;
      first = this.freeFirst[i];
      if (this.freeLength[i] === n) {
        this.freeFirst.splice(i, 1);
        this.freeLength.splice(i, 1);
      } else {
        this.freeFirst[i] += n;
        this.freeLength[i] -= n;
      }
      break;
    }
    if (first < 0) {
      if (this.frontier + n > this.listIndex.length) return 0;
      first = this.frontier;
      this.frontier += n;
    }
    const a = this.start + (first << this.pageShift);
    const runBytes = n << this.pageShift;
    this.pages.touch(a, a + runBytes);
    this.listIndex[first] = this.objects.length;
    this.objects.push(a);
    this.committedBytes += runBytes;
    if (this.committedBytes > this.peakCommittedBytes) this.peakCommittedBytes = this.committedBytes;
    this.heldBytes += bytes;
    this.allocatedObjects++;
    this.allocatedBytes += bytes;
    this.budgetChanged();
    return a;
  }

  /** Frees the object at `a` (reference counting): zeroes it and decommits its pages. Returns its size in bytes. */
  free(a: number): number {
    const bytes = this.release(a);
    this.budgetChanged();
    return bytes;
  }

  private release(a: number): number {
    const w = a >> 2;
    const bytes = objectBytes(this.mem[w] & NSLOTS_MASK, this.mem[w + 1]);
    const first = (a - this.start) >> this.pageShift;
    const n = this.pagesBytes(bytes) >> this.pageShift;
    // Swap-remove from the object list.
    const i = this.listIndex[first];
    const last = this.objects.pop();
    if (last !== a) {
      this.objects.set(i, last);
      this.listIndex[(last - this.start) >> this.pageShift] = i;
    }
    // Released pages come back zero-filled from the system; the object's bytes are all that was ever written.
    this.mem.fill(0, w, w + (bytes >> 2));
    this.pages.release(a, a + (n << this.pageShift));
    this.committedBytes -= n << this.pageShift;
    this.heldBytes -= bytes;
    this.releaseRun(first, n);
    return bytes;
  }

  /** Returns pages [first, first + n) to the free runs, coalescing with neighbours and the frontier. */
  private releaseRun(first: number, n: number): void {
    const starts = this.freeFirst;
    const lengths = this.freeLength;
    let i = 0;
    while (i < starts.length && starts[i] < first) i++;
    // Merge with the run before and the run after.
    if (i > 0 && starts[i - 1] + lengths[i - 1] === first) {
      i--;
      first = starts[i];
      n += lengths[i];
      starts.splice(i, 1);
      lengths.splice(i, 1);
    }
    if (i < starts.length && first + n === starts[i]) {
      n += lengths[i];
      starts.splice(i, 1);
      lengths.splice(i, 1);
    }
    if (first + n === this.frontier) {
      this.frontier = first;
    } else {
      starts.splice(i, 0, first);
      lengths.splice(i, 0, n);
    }
  }

  /**
   * After marking: frees every unmarked object and unmarks the rest (header
   * marks, or side marks in `markBits` when the plan marks there). Counts
   * one cell swept per object examined and one object freed per free, and
   * the frees into the recorder.
   */
  sweep(recorder: Recorder, markBits: Uint32Array | null = null): void {
    const mem = this.mem;
    const objects = this.objects;
    const examined = objects.length;
    let freedObjects = 0;
    let freedBytes = 0;
    // Backwards, so the swap-remove in `release` only moves objects already examined.
    for (let i = objects.length - 1; i >= 0; i--) {
      const a = objects.at(i);
      const w = a >> 2;
      let marked: number;
      if (markBits === null) {
        marked = mem[w] & MARK_BIT;
        if (marked) mem[w] &= ~MARK_BIT;
      } else {
        const g = a >> 3;
        marked = markBits[g >> 5] & (1 << (g & 31));
        if (marked) markBits[g >> 5] ^= marked;
      }
      if (!marked) {
        freedBytes += this.release(a);
        freedObjects++;
      }
    }
    if (freedObjects > 0) this.budgetChanged();
    this.work.cellsSwept += examined;
    this.work.objectsFreed += freedObjects;
    recorder.freed(freedObjects, freedBytes);
  }

  /** Bytes of the marked objects (before a sweep). */
  markedBytes(): number {
    const mem = this.mem;
    let bytes = 0;
    for (let i = 0; i < this.objects.length; i++) {
      const w = this.objects.at(i) >> 2;
      if (mem[w] & MARK_BIT) bytes += objectBytes(mem[w] & NSLOTS_MASK, mem[w + 1]);
    }
    return bytes;
  }

  /** Bytes of the pages the marked objects hold (before a sweep): what the space commits once it is swept. */
  markedCommittedBytes(): number {
    const mem = this.mem;
    let bytes = 0;
    for (let i = 0; i < this.objects.length; i++) {
      const w = this.objects.at(i) >> 2;
      if (mem[w] & MARK_BIT) bytes += this.pagesBytes(objectBytes(mem[w] & NSLOTS_MASK, mem[w + 1]));
    }
    return bytes;
  }

  /** Pushes the marked objects onto `into` (a compactor's objects outside its regions). */
  collectMarked(into: IntStack): IntStack {
    into.clear();
    const mem = this.mem;
    for (let i = 0; i < this.objects.length; i++) {
      const a = this.objects.at(i);
      if (mem[a >> 2] & MARK_BIT) into.push(a);
    }
    return into;
  }

  /** Pushes the objects whose side mark in `markBits` is clear onto `into` (rc's backup trace frees them with `free`). Returns the objects examined. */
  collectUnmarked(into: IntStack, markBits: Uint32Array): number {
    for (let i = 0; i < this.objects.length; i++) {
      const g = this.objects.at(i) >> 3;
      if ((markBits[g >> 5] & (1 << (g & 31))) === 0) into.push(this.objects.at(i));
    }
    return this.objects.length;
  }

  /** One region per object, in address order (all below the main spaces, so a plan lists them first): each parses as exactly one cell. */
  regions(): Region[] {
    const mem = this.mem;
    const starts = Array.from(this.objects.view()).sort((x, y) => x - y);
    return starts.map((a): Region => [a, a + objectBytes(mem[a >> 2] & NSLOTS_MASK, mem[(a >> 2) + 1])]);
  }

  /** Figures for the result's memory section. */
  figures(): Record<string, number> {
    return {
      largeObjectsAllocated: this.allocatedObjects,
      largeBytesAllocated: this.allocatedBytes,
      losPeakCommittedBytes: this.peakCommittedBytes,
    };
  }
}
