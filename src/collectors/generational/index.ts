/**
 * generational: a copying nursery in front of a mature space (Lieberman and
 * Hewitt 1983; Ungar 1984; Appel 1989; GC Handbook, 2nd ed., chapter 9).
 *
 * Layout: mature space [heap start, nursery start), nursery [nursery start,
 * heap end). New objects are bump-allocated in the nursery's eden; objects
 * larger than a quarter of the eden are allocated straight into the mature
 * space (pretenured, as HotSpot and MMTk do with large objects). With
 * --opt promote-age=N > 1 the nursery also holds two survivor semispaces of a
 * tenth of the nursery each (HotSpot's SurvivorRatio=8): a survivor is copied
 * between them, its age counted in its header, until it has survived N minor
 * collections or the survivor space is full, and only then promoted.
 *
 * Write barrier: a store of a nursery reference into a mature object is
 * remembered, either by logging the object once in a remembered set (an
 * object barrier with a LOGGED header bit, as MMTk's ObjectBarrier;
 * --opt barrier=remset, the default) or by dirtying the 512-byte card that
 * holds the slot (--opt barrier=cards). Every barrier execution is counted.
 *
 * Minor collection ("minor"): survivors - reached from the roots, from the
 * remembered objects' slots or the dirty cards, and transitively from other
 * survivors - are copied into the survivor space or promoted into the mature
 * space; eden is then empty. Minor collections never look at the rest of the
 * mature space. A mature object left pointing at a survivor stays remembered.
 *
 * Major collection ("major"): when the mature space cannot guarantee room
 * for every nursery object (HotSpot's promotion guarantee), the whole heap is
 * collected:
 *   --opt mature=mark-sweep (default): mark everything, drop dead objects
 *     from the remembered set, sweep the mature space, then evacuate the
 *     nursery's survivors into it;
 *   --opt mature=mark-compact: mark everything, then one Lisp 2 sliding
 *     compaction over mature and nursery together, which leaves every
 *     survivor packed at the bottom of the mature space.
 */
import { BumpAllocator } from "../../alloc/bump.js";
import { SegregatedFitAllocator } from "../../alloc/segregated-fit.js";
import type { Heap, Roots } from "../../heap/heap.js";
import { IntStack } from "../../heap/int-stack.js";
import { AGE_MASK, AGE_SHIFT, FORWARDED_BIT, FREE_BIT, LOGGED_BIT, MARK_BIT, NSLOTS_MASK, cellBytes, objectBytes } from "../../heap/object-model.js";
import { Collector, updateRoots, type CollectorConstraints, type MemoryFigures, type Region } from "../collector.js";
import { choice, heapShare, integer, type ParsedOptions } from "../options.js";
import { Compactor } from "../parts/compact.js";
import { Marker } from "../parts/marker.js";
import { sweepSpace } from "../parts/sweep.js";

const CARD_SHIFT = 9; // 512-byte cards, as in HotSpot

export const generationalOptions = {
  nursery: heapShare("25%", "nursery size: bytes (4MiB) or a share of the heap (25%)"),
  mature: choice(["mark-sweep", "mark-compact"], "mark-sweep", "how major collections collect the mature space"),
  barrier: choice(["remset", "cards"], "remset", "remember old-to-young stores by object (remset) or by 512-byte card"),
  "promote-age": integer(1, 15, 1, "minor collections an object survives before promotion; above 1, survivor spaces are used"),
};

export class GenerationalCollector extends Collector {
  static readonly constraints: CollectorConstraints = { moving: true, storeBarrier: true, rootBarrier: false };
  readonly constraints = GenerationalCollector.constraints;
  readonly name = "generational";

  /** Everything at or above this address is young (eden and survivor spaces). */
  private readonly nurseryStart: number;
  private readonly eden: BumpAllocator;
  /** Survivor semispaces (empty when promote-age is 1): `survivorFrom` holds last minor's survivors. */
  private survivorFrom: BumpAllocator;
  private survivorTo: BumpAllocator;
  private readonly promoteAge: number;
  /** During a major collection every young survivor is promoted, whatever its age. */
  private promoteAll = false;
  private readonly largeObjectBytes: number;
  private readonly compactMature: boolean;
  private readonly useCards: boolean;
  /** Mature space: free lists (mark-sweep) or a bump region (mark-compact); one of the two is used. */
  private readonly matureLists: SegregatedFitAllocator | undefined;
  private readonly matureBump: BumpAllocator | undefined;
  /** Lower bound on the largest free chunk of a free-list mature space: what a minor can count on. */
  private contiguousFree: number;

  private readonly remembered = new IntStack();
  private readonly cards: Uint8Array;
  /** Per card: the address of a cell (object or free chunk) that starts at or before the card. */
  private readonly crossing: Int32Array;
  private readonly gray = new IntStack();
  private readonly cardSlots = new IntStack();
  private readonly marker: Marker;
  private readonly compactor: Compactor;

  /** Objects in eden and the survivor spaces (their bytes are the two bump allocators' used bytes). */
  private youngObjects = 0;
  private promotedBytes = 0;
  private promotedObjects = 0;
  /** Bytes allocated straight into the mature space; everything else was allocated in eden. */
  private pretenuredBytes = 0;
  private peakRemembered = 0;
  private fragmentation = 0;
  /** The allocation being served when a collection started, for out-of-memory messages. */
  private requestSite = -1;
  private requestBytes = 0;

  constructor(heap: Heap, roots: Roots, options: ParsedOptions<typeof generationalOptions>) {
    super(heap, roots);
    const nurseryBytes = Math.min(Math.floor(options.nursery / 8) * 8, Math.floor(heap.heapBytes / 16) * 8);
    this.nurseryStart = heap.end - nurseryBytes;
    this.promoteAge = options["promote-age"];
    const survivorBytes = this.promoteAge > 1 ? Math.floor(nurseryBytes / 80) * 8 : 0;
    const edenStart = this.nurseryStart + 2 * survivorBytes;
    this.survivorFrom = new BumpAllocator(this.nurseryStart, this.nurseryStart + survivorBytes);
    this.survivorTo = new BumpAllocator(this.nurseryStart + survivorBytes, edenStart);
    this.eden = new BumpAllocator(edenStart, heap.end);
    this.largeObjectBytes = Math.max(64, (heap.end - edenStart) >> 2);
    this.compactMature = options.mature === "mark-compact";
    this.useCards = options.barrier === "cards";
    if (this.compactMature) this.matureBump = new BumpAllocator(heap.start, this.nurseryStart);
    else this.matureLists = new SegregatedFitAllocator(heap.mem, heap.start, this.nurseryStart);
    this.contiguousFree = this.nurseryStart - heap.start;
    const cardCount = ((this.nurseryStart - heap.start) >> CARD_SHIFT) + 1;
    this.cards = new Uint8Array(this.useCards ? cardCount : 0);
    this.crossing = new Int32Array(this.useCards ? cardCount : 0).fill(heap.start);
    this.marker = new Marker(heap.mem, this.work);
    this.compactor = new Compactor(heap.mem, this.work);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    let a: number;
    if (bytes > this.largeObjectBytes) {
      a = this.allocLarge(bytes, site);
    } else {
      a = this.eden.alloc(bytes);
      if (a === 0) {
        this.work.allocationSlowPaths++;
        this.requestSite = site;
        this.requestBytes = bytes;
        this.collect("allocation-failure");
        a = this.eden.alloc(bytes);
        if (a === 0) this.outOfMemory(site, bytes);
      }
      this.youngObjects++;
    }
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  private allocLarge(bytes: number, site: number): number {
    let a = this.allocMature(bytes);
    if (a === 0) {
      this.work.allocationSlowPaths++;
      this.requestSite = site;
      this.requestBytes = bytes;
      this.collectGarbage("allocation-failure");
      a = this.allocMature(bytes);
      if (a === 0) this.outOfMemory(site, bytes);
    }
    this.pretenuredBytes += bytes;
    return a;
  }

  /** Zeroed mature memory, or 0. Keeps the card crossing map and the contiguity bound up to date. */
  private allocMature(bytes: number): number {
    let a: number;
    if (this.matureBump) {
      a = this.matureBump.alloc(bytes);
    } else {
      a = this.matureLists!.alloc(bytes);
      this.contiguousFree -= bytes;
    }
    if (a !== 0 && this.useCards) this.noteCellStart(a, bytes);
    return a;
  }

  /** Records `a` as the cell covering the start of every card that begins inside [a, a + bytes). */
  private noteCellStart(a: number, bytes: number): void {
    const base = this.heap.start;
    const first = (a - base + (1 << CARD_SHIFT) - 1) >> CARD_SHIFT;
    const last = (a + bytes - 1 - base) >> CARD_SHIFT;
    for (let c = first; c <= last; c++) this.crossing[c] = a;
  }

  override writeRef(obj: number, slot: number, value: number): void {
    const s = (obj >> 2) + 2 + 2 * slot;
    this.mem[s] = value;
    this.work.barrierExecutions++;
    if (value >= this.nurseryStart && obj < this.nurseryStart) this.remember(obj, s);
  }

  private remember(obj: number, slotIndex: number): void {
    if (this.useCards) {
      this.cards[((slotIndex << 2) - this.heap.start) >> CARD_SHIFT] = 1;
      return;
    }
    const w = obj >> 2;
    if ((this.mem[w] & LOGGED_BIT) === 0) {
      this.mem[w] |= LOGGED_BIT;
      this.remembered.push(obj);
      if (this.remembered.length > this.peakRemembered) this.peakRemembered = this.remembered.length;
    }
  }

  /** A minor collection if the mature space can take every young object; otherwise a major one. */
  private collect(reason: string): void {
    const youngUsed = this.eden.usedBytes + this.survivorFrom.usedBytes;
    const room = this.matureBump ? this.matureBump.limit - this.matureBump.cursor : this.contiguousFree;
    if (room >= youngUsed) this.minor(reason);
    else this.collectGarbage(reason === "allocation-failure" ? "promotion-guarantee" : reason);
  }

  private minor(reason: string): void {
    this.recordCollection("minor", reason, () => {
      this.evacuateNursery();
      return false;
    });
  }

  /**
   * Copies every young object reachable from the roots, the remembered
   * objects or dirty cards, and other survivors into the survivor space or
   * the mature space, then empties eden and the old survivor space.
   */
  private evacuateNursery(): void {
    const copiedBefore = this.work.objectsCopied;
    const bytesBefore = this.work.bytesCopied;
    const promotedBefore = this.promotedObjects;
    const youngBytes = this.eden.usedBytes + this.survivorFrom.usedBytes;
    this.work.rootsScanned += updateRoots(this.roots, (ref) => (ref >= this.nurseryStart ? this.evacuate(ref) : ref));
    if (this.useCards) this.scanDirtyCards();
    else this.scanRemembered();
    this.scanCopied();
    const survivors = this.work.objectsCopied - copiedBefore;
    const survivingBytes = this.work.bytesCopied - bytesBefore;
    this.freedObjects += this.youngObjects - survivors;
    this.freedBytes += youngBytes - survivingBytes;
    // What stays young is what went to the survivor space.
    this.youngObjects = survivors - (this.promotedObjects - promotedBefore);
    this.mem.fill(0, this.eden.start >> 2, this.eden.cursor >> 2);
    this.eden.reset(this.eden.start, this.eden.limit);
    this.mem.fill(0, this.survivorFrom.start >> 2, this.survivorFrom.cursor >> 2);
    this.survivorFrom.reset(this.survivorFrom.start, this.survivorFrom.limit);
    [this.survivorFrom, this.survivorTo] = [this.survivorTo, this.survivorFrom];
  }

  private scanRemembered(): void {
    const mem = this.mem;
    const remembered = this.remembered;
    this.work.remsetEntriesProcessed += remembered.length;
    const entries = remembered.length;
    for (let i = 0; i < entries; i++) {
      const w = remembered.at(i) >> 2;
      mem[w] &= ~LOGGED_BIT;
    }
    // Objects re-logged while forwarding (still pointing at survivors) are pushed after the old entries.
    for (let i = 0; i < entries; i++) {
      const obj = remembered.at(i);
      this.forwardSlots(obj >> 2, 0, this.mem[obj >> 2] & NSLOTS_MASK);
    }
    let kept = 0;
    for (let i = entries; i < remembered.length; i++) remembered.set(kept++, remembered.at(i));
    remembered.length = kept;
  }

  /**
   * Finds the nursery references in the slots lying on dirty cards, then
   * forwards them. The two steps are separate because promoting allocates in
   * the mature space, which would change the cells the card walk is reading.
   */
  private scanDirtyCards(): void {
    const mem = this.mem;
    const base = this.heap.start;
    const slots = this.cardSlots;
    this.matureLists?.makeParseable();
    const matureTop = this.matureBump ? this.matureBump.cursor : this.nurseryStart;
    let scanned = 0;
    for (let c = 0; c < this.cards.length; c++) {
      if (this.cards[c] === 0) continue;
      this.cards[c] = 0;
      this.work.remsetEntriesProcessed++;
      const cardStart = base + (c << CARD_SHIFT);
      const cardEnd = Math.min(cardStart + (1 << CARD_SHIFT), matureTop);
      for (let a = this.crossing[c]; a < cardEnd; a += cellBytes(mem, a)) {
        const w = a >> 2;
        if (mem[w] & FREE_BIT) continue;
        // Only the slots that lie inside this card.
        const n = mem[w] & NSLOTS_MASK;
        const firstSlot = Math.max(0, Math.ceil((cardStart - a - 8) / 8));
        const lastSlot = Math.min(n, Math.ceil((cardEnd - a - 8) / 8));
        for (let i = firstSlot; i < lastSlot; i++) {
          if (mem[w + 2 + 2 * i] >= this.nurseryStart) slots.push(w + 2 + 2 * i);
        }
        scanned += Math.max(0, lastSlot - firstSlot);
      }
    }
    this.work.slotsScanned += scanned;
    while (slots.length > 0) {
      const s = slots.pop();
      const to = this.evacuate(mem[s]);
      mem[s] = to;
      if (to >= this.nurseryStart) this.cards[((s << 2) - base) >> CARD_SHIFT] = 1;
    }
  }

  /**
   * Forwards the young references in slots [from, to) of the object whose
   * header is at word w. A mature object left pointing at a survivor is
   * remembered again for the next minor collection.
   */
  private forwardSlots(w: number, from: number, to: number): void {
    const mem = this.mem;
    const nurseryStart = this.nurseryStart;
    const mature = w << 2 < nurseryStart;
    for (let s = w + 2 + 2 * from, last = w + 2 + 2 * to; s < last; s += 2) {
      const child = mem[s];
      if (child >= nurseryStart) {
        const moved = this.evacuate(child);
        mem[s] = moved;
        if (mature && moved >= nurseryStart) this.remember(w << 2, s);
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
   * is younger than promote-age and the space has room, otherwise into the
   * mature space - and returns its new address.
   */
  private evacuate(a: number): number {
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
      to = this.allocMature(bytes);
      // A minor collection is guaranteed its room; only a major one can fail here.
      if (to === 0) this.outOfMemory(this.requestSite, this.requestBytes, this.liveBytesAfterFull);
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

  collectGarbage(reason: string): void {
    this.recordCollection("major", reason, () => {
      if (this.compactMature) this.majorCompact();
      else this.majorSweep();
      return true;
    });
  }

  private majorSweep(): void {
    const space = this.matureLists!;
    const mem = this.mem;
    const markedBytes = this.marker.markFromRoots(this.roots);
    // Fail before changing anything when everything live cannot fit in the mature space.
    if (markedBytes > this.nurseryStart - this.heap.start) {
      this.outOfMemory(this.requestSite, this.requestBytes, markedBytes);
    }
    // Dead objects leave the remembered set before the sweep turns them into free chunks.
    const remembered = this.remembered;
    let kept = 0;
    for (let i = 0; i < remembered.length; i++) {
      const obj = remembered.at(i);
      if (mem[obj >> 2] & MARK_BIT) remembered.set(kept++, obj);
      else mem[obj >> 2] &= ~LOGGED_BIT;
    }
    remembered.length = kept;
    const swept = sweepSpace(mem, space);
    this.freedObjects += swept.freedObjects;
    this.freedBytes += swept.freedBytes;
    this.work.cellsSwept += swept.cellsVisited;
    this.contiguousFree = swept.largestFree;
    if (this.useCards) this.rebuildCrossingMap(space.start, space.end);
    // Nursery survivors are marked; evacuation copies exactly those (and clears their marks).
    this.liveBytesAfterFull = markedBytes;
    this.promoteAll = true;
    this.evacuateNursery();
    this.promoteAll = false;
    this.fragmentation = space.freeBytes > 0 ? 1 - space.largestFreeChunk() / space.freeBytes : 0;
  }

  private majorCompact(): void {
    const bump = this.matureBump!;
    const markedBytes = this.marker.markFromRoots(this.roots);
    if (markedBytes > this.nurseryStart - this.heap.start) {
      this.outOfMemory(this.requestSite, this.requestBytes, markedBytes);
    }
    // The nursery will be empty, so nothing stays remembered; unlog while the addresses are still valid.
    const mem = this.mem;
    for (let i = 0; i < this.remembered.length; i++) mem[this.remembered.at(i) >> 2] &= ~LOGGED_BIT;
    this.remembered.clear();
    const oldMatureTop = bump.cursor;
    const young = this.youngRegions().sort((x, y) => x[0] - y[0]);
    for (const [start, end] of young) this.promotedBytes += this.markedBytesIn(start, end);
    const plan = this.compactor.computeForwarding([[this.heap.start, oldMatureTop], ...young], this.heap.start);
    this.compactor.updateReferences(this.roots, undefined);
    this.compactor.relocate();
    // Everything now lies packed in the mature space: eden and the survivor spaces are empty.
    if (plan.top < oldMatureTop) mem.fill(0, plan.top >> 2, oldMatureTop >> 2);
    for (const [start, end] of young) mem.fill(0, start >> 2, end >> 2);
    for (const space of [this.eden, this.survivorFrom, this.survivorTo]) space.reset(space.start, space.limit);
    bump.cursor = plan.top;
    this.cards.fill(0);
    if (this.useCards) this.rebuildCrossingMap(this.heap.start, plan.top);
    this.freedObjects = this.allocatedObjects - plan.liveObjects;
    this.freedBytes = this.allocatedBytes - plan.liveBytes;
    this.youngObjects = 0;
  }

  /** The parts of the nursery holding objects: the old survivor space and eden. */
  private youngRegions(): Region[] {
    return [
      [this.survivorFrom.start, this.survivorFrom.cursor],
      [this.eden.start, this.eden.cursor],
    ];
  }

  /** Bytes of the marked objects in a bump-allocated region. */
  private markedBytesIn(start: number, end: number): number {
    let bytes = 0;
    for (let a = start; a < end; ) {
      const size = cellBytes(this.mem, a);
      if (this.mem[a >> 2] & MARK_BIT) bytes += size;
      a += size;
    }
    return bytes;
  }

  private rebuildCrossingMap(start: number, end: number): void {
    this.crossing.fill(start);
    for (let a = start; a < end; ) {
      const size = cellBytes(this.mem, a);
      this.noteCellStart(a, size);
      a += size;
    }
  }

  override memoryFigures(): MemoryFigures {
    return { fragmentation: this.fragmentation };
  }

  override collectorFigures(): Record<string, number> {
    return {
      promotedBytes: this.promotedBytes,
      nurserySurvival: this.allocatedBytes > this.pretenuredBytes ? this.promotedBytes / (this.allocatedBytes - this.pretenuredBytes) : 0,
      nurserySize: this.heap.end - this.nurseryStart,
      peakRemembered: this.peakRemembered,
    };
  }

  /** The mature space's high-water mark plus the whole nursery, which is always committed. */
  footprint(): number {
    const mature = this.matureBump ? this.matureBump.usedBytes : this.matureLists!.highWater - this.heap.start;
    return mature + (this.heap.end - this.nurseryStart);
  }

  parseableRegions(): Region[] {
    this.matureLists?.makeParseable();
    const matureTop = this.matureBump ? this.matureBump.cursor : this.nurseryStart;
    return [[this.heap.start, matureTop], ...this.youngRegions()];
  }
}
