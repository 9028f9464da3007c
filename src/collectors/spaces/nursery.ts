/**
 * A copying nursery (Ungar 1984; Appel 1989; GC Handbook, 2nd ed., §9.2):
 * new objects are bump-allocated in eden; a minor collection copies the
 * young objects that are still reachable - into a survivor semispace while
 * they are younger than `promoteAge` and it has room, otherwise into the
 * mature space (promotion) - and empties eden.
 *
 * Layout of [start, end): eden, then two survivor semispaces of a tenth of
 * the nursery each when promoteAge > 1 (HotSpot's SurvivorRatio=8). Eden
 * comes first so that a major collection sliding survivors down from the
 * bottom of the heap can continue into it when the mature space is full. An
 * object's age (minor collections survived) lives in its header.
 *
 * Survivors are found from the roots, from what the barrier remembered, and
 * transitively from other survivors (a gray stack of copied objects). A
 * mature object left pointing at a survivor is remembered again.
 */
import { BumpAllocator } from "../../alloc/bump.js";
import { updateRoots, type Heap, type Region, type Roots } from "../../heap/heap.js";
import type { PageTracker } from "../../heap/pages.js";
import { IntStack } from "../../heap/int-stack.js";
import { AGE_MASK, AGE_SHIFT, FORWARDED_BIT, MARK_BIT, NSLOTS_MASK, cellBytes, objectBytes } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { Recorder } from "../../metrics/recorder.js";
import type { RememberingBarrier, YoungCopier } from "../barriers/barrier.js";
import type { MatureSpace, YoungGeneration } from "./mature.js";

export class CopyNursery implements YoungGeneration, YoungCopier {
  readonly eden: BumpAllocator;
  /** Survivor semispaces (empty when promoteAge is 1): `survivorFrom` holds the last minor's survivors. */
  private survivorFrom: BumpAllocator;
  private survivorTo: BumpAllocator;
  private promoteAll = false;
  private readonly gray = new IntStack();
  private readonly mem: Int32Array;
  private readonly pages: PageTracker;
  /** The recorder's work counters, bumped on every copy. */
  private readonly work: WorkCounters;
  /** Objects in eden and the survivor spaces (their bytes are the bump allocators' used bytes). */
  objects = 0;
  promotedBytes = 0;
  private promotedObjects = 0;
  /** Bytes that survived minor collections since eden last grew (V8's survived_since_last_expansion_). */
  private survivedSinceGrowth = 0;

  constructor(
    heap: Heap,
    readonly start: number,
    readonly end: number,
    private readonly promoteAge: number,
    private readonly roots: Roots,
    private readonly mature: MatureSpace,
    private readonly barrier: RememberingBarrier,
    private readonly recorder: Recorder,
    /** Ends the run when the mature space cannot take a survivor (only possible in a major collection). */
    private readonly promotionFailed: () => never,
    /** Eden's capacity at the start (0: all of it); see growEden. */
    initialEdenBytes = 0,
  ) {
    this.mem = heap.mem;
    this.pages = heap.pages;
    this.work = recorder.work;
    const survivorBytes = promoteAge > 1 ? Math.floor((end - start) / 80) * 8 : 0;
    const edenEnd = end - 2 * survivorBytes;
    const edenCapacity = initialEdenBytes > 0 ? Math.min(edenEnd, start + Math.floor(initialEdenBytes / 8) * 8) : edenEnd;
    this.eden = new BumpAllocator(start, edenCapacity, heap.pages);
    this.survivorFrom = new BumpAllocator(edenEnd, edenEnd + survivorBytes, heap.pages);
    this.survivorTo = new BumpAllocator(edenEnd + survivorBytes, end, heap.pages);
    this.edenStart = start;
    this.edenEnd = edenEnd;
  }

  readonly edenStart: number;
  readonly edenEnd: number;

  get usedBytes(): number {
    return this.eden.usedBytes + this.survivorFrom.usedBytes;
  }

  regions(): Region[] {
    return [
      [this.eden.start, this.eden.cursor],
      [this.survivorFrom.start, this.survivorFrom.cursor],
    ];
  }

  /**
   * Copies every young object reachable from the roots, the remembered
   * objects or dirty cards, and other survivors into the survivor space or
   * the mature space, then empties eden and the old survivor space.
   */
  evacuate(promoteAll: boolean): void {
    const work = this.work;
    const copiedBefore = work.objectsCopied;
    const bytesBefore = work.bytesCopied;
    const promotedBefore = this.promotedObjects;
    const youngBytes = this.usedBytes;
    this.promoteAll = promoteAll;
    work.rootsScanned += updateRoots(this.roots, (ref) => (ref >= this.start ? this.forward(ref) : ref));
    this.barrier.forwardRemembered(this, this.mature);
    this.scanCopied();
    this.promoteAll = false;
    // Emptying eden and flipping the survivor spaces resets the nursery page by page (eden's in use, not its reserve).
    work.pagesPrepared += this.pages.pagesIn(this.start, this.eden.limit) + this.pages.pagesIn(this.edenEnd, this.end);
    const survivors = work.objectsCopied - copiedBefore;
    const survivingBytes = work.bytesCopied - bytesBefore;
    this.recorder.freed(this.objects - survivors, youngBytes - survivingBytes);
    // What stays young is what went to the survivor space.
    this.objects = survivors - (this.promotedObjects - promotedBefore);
    this.mem.fill(0, this.eden.start >> 2, this.eden.cursor >> 2);
    this.eden.reset(this.eden.start, this.grownEdenLimit(survivingBytes));
    this.mem.fill(0, this.survivorFrom.start >> 2, this.survivorFrom.cursor >> 2);
    this.survivorFrom.reset(this.survivorFrom.start, this.survivorFrom.limit);
    [this.survivorFrom, this.survivorTo] = [this.survivorTo, this.survivorFrom];
  }

  /**
   * Eden's end after a collection in which `survivingBytes` survived. Eden
   * doubles, up to all of it, once more bytes have survived since it last
   * grew than it holds: V8's new-space growth rule
   * (Heap::CheckNewSpaceExpansionCriteria), which makes a young generation
   * start small and grow while the program builds long-lived data.
   */
  private grownEdenLimit(survivingBytes: number): number {
    const capacity = this.eden.limit - this.eden.start;
    this.survivedSinceGrowth += survivingBytes;
    if (this.eden.limit === this.edenEnd || this.survivedSinceGrowth <= capacity) return this.eden.limit;
    this.survivedSinceGrowth = 0;
    return Math.min(this.edenEnd, this.eden.start + 2 * capacity);
  }

  forwardSlots(w: number, from: number, to: number): void {
    const mem = this.mem;
    const start = this.start;
    const mature = w << 2 < start;
    for (let s = w + 2 + 2 * from, last = w + 2 + 2 * to; s < last; s += 2) {
      const child = mem[s];
      if (child >= start) {
        const moved = this.forward(child);
        mem[s] = moved;
        if (mature && moved >= start) this.barrier.remember(w << 2, s);
      }
    }
    this.work.slotsScanned += to - from;
  }

  /** Scans copied objects (the gray stack) until no survivor is left unscanned. */
  private scanCopied(): void {
    const mem = this.mem;
    while (this.gray.length > 0) {
      const w = this.gray.pop() >> 2;
      this.forwardSlots(w, 0, mem[w] & NSLOTS_MASK);
    }
  }

  /**
   * Copies a young object on first visit - into the survivor space while it
   * is younger than promoteAge and the space has room, otherwise into the
   * mature space - and returns its new address.
   */
  forward(a: number): number {
    // Already copied into the survivor space this collection: a slot can be seen twice
    // (a promoted object on a dirty card is scanned from its card and from the gray stack).
    if (a >= this.survivorTo.start && a < this.survivorTo.limit) return a;
    const mem = this.mem;
    const w = a >> 2;
    const status = mem[w];
    if (status & FORWARDED_BIT) return mem[w + 1];
    const bytes = objectBytes(status & NSLOTS_MASK, mem[w + 1]);
    const age = ((status & AGE_MASK) >>> AGE_SHIFT) + 1;
    let to = 0;
    let header = status & ~MARK_BIT & ~AGE_MASK;
    if (age < this.promoteAge && !this.promoteAll) {
      to = this.survivorTo.alloc(bytes);
      header |= age << AGE_SHIFT;
    }
    if (to === 0) {
      to = this.mature.allocMature(bytes);
      // A minor collection is guaranteed its room; only a major one can fail here.
      if (to === 0) this.promotionFailed();
      this.barrier.noteCell(to, bytes);
      header = status & ~MARK_BIT & ~AGE_MASK;
      this.promotedBytes += bytes;
      this.promotedObjects++;
    }
    const words = bytes >> 2;
    for (let i = 0, d = to >> 2; i < words; i++) mem[d + i] = mem[w + i];
    mem[to >> 2] = header;
    mem[w] = status | FORWARDED_BIT;
    mem[w + 1] = to;
    this.gray.push(to);
    this.work.objectsCopied++;
    this.work.bytesCopied += bytes;
    return to;
  }

  markedBytes(): number {
    let bytes = 0;
    for (const [start, end] of this.regions()) {
      for (let a = start; a < end; ) {
        const size = cellBytes(this.mem, a);
        if (this.mem[a >> 2] & MARK_BIT) bytes += size;
        a += size;
      }
    }
    return bytes;
  }

  emptied(promotedBytes: number): void {
    this.keptInEden(this.eden.start, 0, promotedBytes);
  }

  keptInEden(top: number, objects: number, promotedBytes: number): void {
    this.mem.fill(0, top >> 2, this.eden.cursor >> 2);
    this.mem.fill(0, this.survivorFrom.start >> 2, this.survivorFrom.cursor >> 2);
    // Survivors that stayed may lie past eden's current capacity: it grows to hold them.
    this.eden.reset(this.eden.start, Math.max(this.eden.limit, top), top);
    for (const space of [this.survivorFrom, this.survivorTo]) space.reset(space.start, space.limit);
    this.promotedBytes += promotedBytes;
    this.objects = objects;
  }
}
