/**
 * The independent heap verifier. It shares nothing with the collectors but
 * the object layout (object-model.ts) and the regions a collector says hold
 * its objects; its tracing is its own deliberately simple code.
 *
 * Around every collection it checks:
 *  1. heap parse: every region parses cell by cell into objects and free
 *     chunks with sane headers (no stale MARK or FORWARDED bits, sizes inside
 *     the region), and the collector's own object count matches the walk;
 *  2. references: every root and every slot of every reachable object is
 *     null or the start of an object found by the walk;
 *  3. shape: a canonical hash of the reachable graph (objects numbered in
 *     breadth-first discovery order from the roots, hashing each object's
 *     slot count, payload size and payload words and the numbers its slots
 *     point at) is the same before and after - this is what catches a moving
 *     collector that loses, duplicates or mixes up objects;
 *  4. completeness: after a full collection no unreachable object remains.
 * A violation throws VerificationError naming the collection and address.
 */
import type { Collector, CollectionObserver } from "../collectors/collector.js";
import { VerificationError } from "../errors.js";
import type { Heap, Roots } from "../heap/heap.js";
import { FORWARDED_BIT, FREE_BIT, MARK_BIT, MAX_PAYLOAD_BYTES, NSLOTS_MASK } from "../heap/object-model.js";

interface HeapWalk {
  objects: number;
  bytes: number;
}

export class HeapVerifier implements CollectionObserver {
  /** Per 8-byte granule: 1 where an object starts (from the last walk). */
  private readonly objectStart: Uint8Array;
  /** Per granule: discovery number + 1 during a trace, 0 otherwise. */
  private readonly discovered: Int32Array;
  private queue = new Int32Array(1024);
  private hashBefore = 0;
  checks = 0;

  constructor(
    private readonly heap: Heap,
    private readonly roots: Roots,
  ) {
    const granules = heap.mem.length >> 1;
    this.objectStart = new Uint8Array(granules);
    this.discovered = new Int32Array(granules);
  }

  beforeCollection(collector: Collector, index: number): void {
    this.walkHeap(collector, index, "before");
    this.hashBefore = this.traceAndHash(index).hash;
  }

  afterCollection(collector: Collector, index: number, full: boolean): void {
    const walk = this.walkHeap(collector, index, "after");
    const trace = this.traceAndHash(index);
    if (trace.hash !== this.hashBefore) {
      throw new VerificationError(index, 0, "the reachable object graph changed shape or contents during the collection");
    }
    if (full && walk.objects !== trace.objects) {
      throw new VerificationError(
        index,
        this.firstUnreachable(collector),
        `${walk.objects - trace.objects} unreachable objects still allocated after a full collection`,
      );
    }
    this.checks++;
  }

  /** Checks the heap once the mutator has finished: it parses, and every reference is valid. */
  afterRun(collector: Collector): void {
    const index = collector.log.length;
    this.walkHeap(collector, index, "at the end of");
    this.traceAndHash(index);
    this.checks++;
  }

  /** Parses every region, recording object starts; checks headers and the collector's count. */
  private walkHeap(collector: Collector, index: number, when: string): HeapWalk {
    const mem = this.heap.mem;
    this.objectStart.fill(0);
    let objects = 0;
    let bytes = 0;
    for (const [start, end] of collector.parseableRegions()) {
      for (let a = start; a < end; ) {
        const status = mem[a >> 2];
        const word1 = mem[(a >> 2) + 1];
        let size: number;
        if (status & FORWARDED_BIT) {
          throw new VerificationError(index, a, `forwarded header ${when} the collection`);
        } else if (status & FREE_BIT) {
          size = word1;
          if (size < 8 || size % 8 !== 0) throw new VerificationError(index, a, `free chunk of bad size ${size}`);
        } else {
          if (status & MARK_BIT) throw new VerificationError(index, a, `stale mark bit ${when} the collection`);
          if (word1 < 0 || word1 > MAX_PAYLOAD_BYTES) throw new VerificationError(index, a, `bad payload size ${word1}`);
          size = 8 + (status & NSLOTS_MASK) * 8 + ((word1 + 7) & ~7);
          this.objectStart[a >> 3] = 1;
          objects++;
          bytes += size;
        }
        if (a + size > end) throw new VerificationError(index, a, `cell of ${size} bytes runs past its region end ${end}`);
        a += size;
      }
    }
    if (objects !== collector.heapObjects) {
      throw new VerificationError(
        index,
        0,
        `collector counts ${collector.heapObjects} objects in the heap ${when} the collection, the heap holds ${objects}`,
      );
    }
    return { objects, bytes };
  }

  private checkRef(ref: number, index: number, from: string): void {
    if (ref > 0 && (ref % 8 !== 0 || ref >= this.heap.end || this.objectStart[ref >> 3] === 0)) {
      throw new VerificationError(index, ref, `${from} points at ${ref}, which is not the start of an object`);
    }
  }

  /** Breadth-first trace from the roots in a fixed order, hashing the graph as it goes. */
  private traceAndHash(index: number): { hash: number; objects: number } {
    const mem = this.heap.mem;
    const { stack, globals } = this.roots;
    const sp = this.roots.stackTop();
    let count = 0;
    let h = 0x811c9dc5;
    const mix = (v: number) => {
      h = Math.imul(h ^ v, 0x01000193);
      h ^= h >>> 15;
    };
    const visit = (ref: number, from: string): number => {
      if (ref <= 0) return ref;
      this.checkRef(ref, index, from);
      const g = ref >> 3;
      if (this.discovered[g] === 0) {
        if (count === this.queue.length) {
          const bigger = new Int32Array(count * 2);
          bigger.set(this.queue);
          this.queue = bigger;
        }
        this.queue[count++] = ref;
        this.discovered[g] = count;
      }
      return this.discovered[g];
    };
    for (let i = 0; i < globals.length; i++) mix(visit(globals[i], `global ${i}`));
    mix(0x5eed);
    for (let i = 0; i < sp; i++) mix(visit(stack[i], `stack slot ${i}`));
    for (let q = 0; q < count; q++) {
      const a = this.queue[q];
      const w = a >> 2;
      const n = mem[w] & NSLOTS_MASK;
      const payload = mem[w + 1];
      mix(n);
      mix(payload);
      for (let i = 0; i < n; i++) mix(visit(mem[w + 2 + 2 * i], `slot ${i} of object ${a}`));
      const payloadStart = w + 2 + 2 * n;
      for (let p = 0, words = ((payload + 7) & ~7) >> 2; p < words; p++) mix(mem[payloadStart + p]);
    }
    for (let q = 0; q < count; q++) this.discovered[this.queue[q] >> 3] = 0;
    return { hash: h >>> 0, objects: count };
  }

  private firstUnreachable(collector: Collector): number {
    const reachable = new Set<number>();
    forEachReachable(this.heap, this.roots, (a) => reachable.add(a));
    const mem = this.heap.mem;
    for (const [start, end] of collector.parseableRegions()) {
      for (let a = start; a < end; ) {
        const status = mem[a >> 2];
        const size =
          status & FREE_BIT ? mem[(a >> 2) + 1] : 8 + (status & NSLOTS_MASK) * 8 + ((mem[(a >> 2) + 1] + 7) & ~7);
        if ((status & FREE_BIT) === 0 && !reachable.has(a)) return a;
        a += size;
      }
    }
    return 0;
  }
}

/** Calls `visit` once for each object reachable from the roots (not a hot path). */
export function forEachReachable(heap: Heap, roots: Roots, visit: (address: number) => void): void {
  const mem = heap.mem;
  const seen = new Set<number>();
  const work: number[] = [];
  const reach = (ref: number) => {
    if (ref > 0 && !seen.has(ref)) {
      seen.add(ref);
      work.push(ref);
    }
  };
  for (let i = 0; i < roots.globals.length; i++) reach(roots.globals[i]);
  for (let i = 0, sp = roots.stackTop(); i < sp; i++) reach(roots.stack[i]);
  while (work.length > 0) {
    const a = work.pop()!;
    visit(a);
    const w = a >> 2;
    const n = mem[w] & NSLOTS_MASK;
    for (let i = 0; i < n; i++) reach(mem[w + 2 + 2 * i]);
  }
}

/** Objects and bytes reachable from the roots right now. */
export function measureReachable(heap: Heap, roots: Roots): { objects: number; bytes: number } {
  const mem = heap.mem;
  let objects = 0;
  let bytes = 0;
  forEachReachable(heap, roots, (a) => {
    objects++;
    bytes += 8 + (mem[a >> 2] & NSLOTS_MASK) * 8 + ((mem[(a >> 2) + 1] + 7) & ~7);
  });
  return { objects, bytes };
}
