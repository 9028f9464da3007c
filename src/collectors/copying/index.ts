/**
 * copying: Cheney's semispace collector (Cheney 1970; GC Handbook, 2nd ed.,
 * chapter 4).
 *
 * The heap is two equal semispaces; the mutator bump-allocates in one, and
 * the other is the copy reserve, so only half the heap ever holds objects.
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
 * Invariant: outside a collection no header carries FORWARDED, and every
 * object lies in [current.start, cursor).
 * Trigger: allocation failure.
 */
import { BumpAllocator } from "../../alloc/bump.js";
import type { Heap, Roots } from "../../heap/heap.js";
import { FORWARDED_BIT, NSLOTS_MASK, objectBytes } from "../../heap/object-model.js";
import { Collector, type CollectorConstraints, updateRoots, type Region } from "../collector.js";

export class CopyingCollector extends Collector {
  readonly name = "copying";
  static readonly constraints: CollectorConstraints = { moving: true, storeBarrier: false, rootBarrier: false };
  readonly constraints = CopyingCollector.constraints;
  private readonly semispaceBytes: number;
  private readonly space: BumpAllocator;
  /** Copy pointer into to-space during a collection. */
  private copyCursor = 0;

  constructor(heap: Heap, roots: Roots) {
    super(heap, roots);
    this.semispaceBytes = Math.floor(heap.heapBytes / 16) * 8;
    this.space = new BumpAllocator(heap.start, heap.start + this.semispaceBytes);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterFullCollection(bytes, site, (n) => this.space.alloc(n));
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  collectGarbage(reason: string): void {
    this.recordCollection("full", reason, () => {
      this.evacuate();
      return true;
    });
  }

  /** One whole collection: flip, copy everything reachable, release from-space. */
  protected evacuate(): void {
    const fromStart = this.space.start;
    const fromEnd = this.space.cursor;
    const toStart = fromStart === this.heap.start ? this.heap.start + this.semispaceBytes : this.heap.start;
    this.copyCursor = toStart;
    const objectsBefore = this.work.objectsCopied;
    const bytesBefore = this.work.bytesCopied;

    this.work.rootsScanned += updateRoots(this.roots, (ref) => this.forward(ref));
    this.scan(toStart);

    // Everything not copied is garbage: the heap now holds exactly the survivors.
    this.freedObjects = this.allocatedObjects - (this.work.objectsCopied - objectsBefore);
    this.freedBytes = this.allocatedBytes - (this.work.bytesCopied - bytesBefore);
    this.mem.fill(0, fromStart >> 2, fromEnd >> 2);
    this.space.reset(toStart, toStart + this.semispaceBytes);
    this.space.cursor = this.copyCursor;
  }

  /** Cheney scan: to-space between scan and copyCursor is the gray queue. */
  private scan(scan: number): void {
    const mem = this.mem;
    let slots = 0;
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
    this.work.slotsScanned += slots;
  }

  /** Returns the to-space address of the object at `a`, copying it on first visit. */
  private forward(a: number): number {
    const mem = this.mem;
    const w = a >> 2;
    const status = mem[w];
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
    this.work.objectsCopied++;
    this.work.bytesCopied += bytes;
    return to;
  }

  /** The objects plus an equal copy reserve: what the next collection needs. */
  footprint(): number {
    return 2 * this.space.usedBytes;
  }

  parseableRegions(): Region[] {
    return [[this.space.start, this.space.cursor]];
  }
}
