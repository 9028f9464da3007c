/**
 * Sliding compaction, Lisp 2 style (GC Handbook, 2nd ed., §3.2), for spaces
 * whose cells are all objects laid out contiguously (bump-allocated), marked
 * by a Marker beforehand:
 *
 *   1. computeForwarding - walk the regions in address order; each marked
 *                          object's new address is the running total of the
 *                          live bytes before it. The new address goes in the
 *                          header's size word; the exact payload size and the
 *                          old address go on two side lists (live data only).
 *   2. updateReferences  - every root and every slot of every live object that
 *                          points into the regions gets the new address.
 *   3. relocate          - in address order, restore each header and slide
 *                          the object down to its new address.
 *
 * Objects keep their allocation order and the result is one contiguous run
 * of live objects from `to`, with no fragmentation.
 */
import { updateRoots, type Region, type Roots } from "../../heap/heap.js";
import { IntStack } from "../../heap/int-stack.js";
import { FREE_BIT, MARK_BIT, NSLOTS_MASK, objectBytes } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";


export interface CompactionPlan {
  /** Objects that survive, and their bytes. */
  liveObjects: number;
  liveBytes: number;
  /** Address one past the last live byte after compaction. */
  top: number;
  /** Objects and bytes that will lie at or above the boundary (none without one). */
  objectsAbove: number;
  bytesAbove: number;
  /** Start of the gap left below the boundary so that no object straddles it (0: none); the gap ends at the boundary. */
  gapStart: number;
}

export class Compactor {
  private readonly oldAddresses = new IntStack();
  private readonly payloads = new IntStack();
  private regions: readonly Region[] = [];

  constructor(
    private readonly mem: Int32Array,
    private readonly work: WorkCounters,
  ) {}

  /**
   * Phase 1. Returns where everything will go; nothing has moved yet. With a
   * `boundary` (a generational heap's nursery start), an object that would
   * straddle it starts at the boundary instead, and the caller formats the
   * gap below it as a free chunk after relocating. Free chunks in the regions
   * (such gaps from earlier compactions) are skipped.
   */
  computeForwarding(regions: readonly Region[], to: number, boundary = Infinity): CompactionPlan {
    const mem = this.mem;
    this.regions = regions;
    this.oldAddresses.clear();
    this.payloads.clear();
    let free = to;
    let liveObjects = 0;
    let cells = 0;
    let objectsAbove = 0;
    let gapStart = 0;
    for (const [start, end] of regions) {
      for (let a = start; a < end; cells++) {
        const w = a >> 2;
        const payload = mem[w + 1];
        if (mem[w] & FREE_BIT) {
          a += payload;
          continue;
        }
        const size = objectBytes(mem[w] & NSLOTS_MASK, payload);
        if (mem[w] & MARK_BIT) {
          if (free < boundary && free + size > boundary) {
            gapStart = free;
            free = boundary;
          }
          if (free >= boundary) objectsAbove++;
          this.oldAddresses.push(a);
          this.payloads.push(payload);
          mem[w + 1] = free;
          free += size;
          liveObjects++;
        }
        a += size;
      }
    }
    // The address-order walk costs like a sweep: it examines every cell, live or dead.
    this.work.cellsSwept += cells;
    const gap = gapStart === 0 ? 0 : boundary - gapStart;
    return {
      liveObjects,
      liveBytes: free - to - gap,
      top: free,
      objectsAbove,
      bytesAbove: free > boundary ? free - boundary : 0,
      gapStart,
    };
  }

  /** Phase 2: roots and the slots of every live object (and of `others`, live objects outside the regions). */
  updateReferences(roots: Roots, others: IntStack | undefined): void {
    const mem = this.mem;
    const moved = (ref: number) => this.inRegions(ref);
    this.work.rootsScanned += updateRoots(roots, (ref) => (moved(ref) ? mem[(ref >> 2) + 1] : ref));
    let scanned = 0;
    const visit = (a: number) => {
      const w = a >> 2;
      const n = mem[w] & NSLOTS_MASK;
      scanned += n;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
        const child = mem[s];
        if (child > 0 && moved(child)) mem[s] = mem[(child >> 2) + 1];
      }
    };
    for (let i = 0; i < this.oldAddresses.length; i++) visit(this.oldAddresses.at(i));
    if (others) for (let i = 0; i < others.length; i++) visit(others.at(i));
    this.work.slotsScanned += scanned;
  }

  /** Phase 3: slide every live object to its new address, in address order. */
  relocate(): void {
    const mem = this.mem;
    let bytesMoved = 0;
    let objectsMoved = 0;
    for (let i = 0; i < this.oldAddresses.length; i++) {
      const a = this.oldAddresses.at(i);
      const w = a >> 2;
      const to = mem[w + 1];
      const payload = this.payloads.at(i);
      mem[w] = mem[w] & ~MARK_BIT;
      mem[w + 1] = payload;
      const words = objectBytes(mem[w] & NSLOTS_MASK, payload) >> 2;
      if (to !== a) {
        mem.copyWithin(to >> 2, w, w + words);
        bytesMoved += words * 4;
        objectsMoved++;
      }
    }
    this.work.objectsCopied += objectsMoved;
    this.work.bytesCopied += bytesMoved;
  }

  private inRegions(ref: number): boolean {
    for (const [start, end] of this.regions) if (ref >= start && ref < end) return true;
    return false;
  }
}
