/**
 * mark-sweep: non-moving tracing collection over segregated-fits free lists
 * (McCarthy 1960; GC Handbook, 2nd ed., chapter 2).
 *
 *   1. markRoots   - mark every object a root refers to and push it on the mark stack
 *   2. traceFromMarkStack - pop, scan its slots, mark and push unmarked children
 *   3. sweep       - walk the heap in address order; unmarked objects and
 *                    adjacent free chunks coalesce into one free chunk that
 *                    goes back on the free lists; marked objects are unmarked
 *
 * Invariants: the mark bit lives in the object header and is clear on every
 * object outside a collection; the mark stack is explicit (no recursion), so
 * a million-node list cannot overflow the JS stack; the heap is always
 * parseable (every byte is in an object or a formatted free chunk).
 * Trigger: allocation failure.
 * Fragmentation is reported as the share of free bytes outside the largest
 * free chunk (1 - largest / total free), measured after each sweep.
 */
import { SegregatedFitAllocator } from "../../alloc/segregated-fit.js";
import type { Heap, Roots } from "../../heap/heap.js";
import { IntStack } from "../../heap/int-stack.js";
import { FREE_BIT, MARK_BIT, NSLOTS_MASK, cellBytes } from "../../heap/object-model.js";
import { Collector, type CollectorConstraints, updateRoots, type MemoryFigures, type Region } from "../collector.js";

export class MarkSweepCollector extends Collector {
  readonly name = "mark-sweep";
  static readonly constraints: CollectorConstraints = { moving: false, storeBarrier: false };
  readonly constraints = MarkSweepCollector.constraints;
  private readonly space: SegregatedFitAllocator;
  private readonly markStack = new IntStack();
  private fragmentation = 0;

  constructor(heap: Heap, roots: Roots) {
    super(heap, roots);
    this.space = new SegregatedFitAllocator(heap.mem, heap.start, heap.end);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = 8 + nslots * 8 + ((payloadBytes + 7) & ~7);
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocSlow(bytes, site);
    const w = a >> 2;
    this.mem[w] = nslots;
    this.mem[w + 1] = payloadBytes;
    this.allocatedObjects++;
    this.allocatedBytes += bytes;
    return a;
  }

  private allocSlow(bytes: number, site: number): number {
    this.collectGarbage("allocation-failure");
    const a = this.space.alloc(bytes);
    if (a === 0) this.outOfMemory(site, bytes);
    return a;
  }

  collectGarbage(reason: string): void {
    this.recordCollection("full", reason, () => {
      this.markRoots();
      this.traceFromMarkStack();
      this.sweep();
      return true;
    });
  }

  protected markRoots(): void {
    const mem = this.mem;
    const stack = this.markStack;
    let marked = 0;
    this.work.rootsScanned += updateRoots(this.roots, (ref) => {
      const w = ref >> 2;
      if ((mem[w] & MARK_BIT) === 0) {
        mem[w] |= MARK_BIT;
        stack.push(ref);
        marked++;
      }
      return ref;
    });
    this.work.objectsMarked += marked;
  }

  protected traceFromMarkStack(): void {
    const mem = this.mem;
    const stack = this.markStack;
    let marked = 0;
    let scanned = 0;
    while (stack.length > 0) {
      const w = stack.pop() >> 2;
      const n = mem[w] & NSLOTS_MASK;
      scanned += n;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
        const child = mem[s];
        // Already marked means already pushed: this check is what stops cycles.
        if (child > 0 && (mem[child >> 2] & MARK_BIT) === 0) {
          mem[child >> 2] |= MARK_BIT;
          stack.push(child);
          marked++;
        }
      }
    }
    this.work.objectsMarked += marked;
    this.work.slotsScanned += scanned;
  }

  protected sweep(): void {
    const mem = this.mem;
    const space = this.space;
    space.makeParseable();
    space.reset();
    let freedObjects = 0;
    let freedBytes = 0;
    let largest = 0;
    let runStart = 0;
    const end = space.end;
    for (let a = space.start; a < end; ) {
      const w = a >> 2;
      const status = mem[w];
      const size = cellBytes(mem, a);
      if (status & MARK_BIT) {
        mem[w] = status & ~MARK_BIT;
        if (runStart !== 0) {
          if (a - runStart > largest) largest = a - runStart;
          space.addFree(runStart, a - runStart);
          runStart = 0;
        }
      } else {
        if ((status & FREE_BIT) === 0) {
          freedObjects++;
          freedBytes += size;
        }
        if (runStart === 0) runStart = a;
      }
      a += size;
    }
    if (runStart !== 0) {
      if (end - runStart > largest) largest = end - runStart;
      space.addFree(runStart, end - runStart);
    }
    this.freedObjects += freedObjects;
    this.freedBytes += freedBytes;
    this.work.cellsSwept += freedObjects;
    this.fragmentation = space.freeBytes > 0 ? 1 - largest / space.freeBytes : 0;
  }

  override memoryFigures(): MemoryFigures {
    return { fragmentation: this.fragmentation };
  }

  parseableRegions(): Region[] {
    this.space.makeParseable();
    return [[this.space.start, this.space.end]];
  }
}
