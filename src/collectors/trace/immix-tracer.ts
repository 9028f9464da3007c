/**
 * The Immix trace: the transitive closure from the roots (and, for a sticky
 * nursery collection, from remembered objects) with an explicit mark stack
 * and marks in a side bitmap, evacuating objects that lie in the Immix
 * space's defragmentation candidate blocks while its copy reserve lasts and
 * marking them in place once it does not (Blackburn and McKinley 2008, §3.3).
 *
 * Marks are side bits (one per 8-byte granule, as in marker.ts) so that they
 * can outlive the pause: sticky-immix keeps old objects' marks between
 * collections, and the verifier forbids MARK header bits outside a pause.
 * An object already marked is not traced again - which is exactly what makes
 * a nursery collection with sticky marks stop at old objects.
 *
 * It is also a YoungCopier, so the object-remembering barrier can hand it
 * the remembered objects' slots (forwardSlots) in a nursery collection.
 */
import { updateRoots, type Roots } from "../../heap/heap.js";
import { IntStack } from "../../heap/int-stack.js";
import { FORWARDED_BIT, NSLOTS_MASK, objectBytes } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { YoungCopier } from "../barriers/barrier.js";
import type { ImmixSpace } from "../spaces/immix-space.js";

export class ImmixTracer implements YoungCopier {
  /** YoungCopier's bound on young addresses; object remembering never reads it, and sticky marks have no such bound. */
  readonly start = 0;
  private readonly stack = new IntStack();

  constructor(
    private readonly mem: Int32Array,
    private readonly space: ImmixSpace,
    private readonly markBits: Uint32Array,
    private readonly work: WorkCounters,
  ) {}

  /** Marks (or evacuates) everything reachable from the roots not marked already, rewriting moved references. */
  traceFromRoots(roots: Roots): void {
    this.work.rootsScanned += updateRoots(roots, (ref) => this.forward(ref));
    this.drain();
  }

  /**
   * Visits one reference: its new address if it was evacuated, itself if
   * marked already; otherwise copies it out of a candidate block (reserve
   * permitting) or marks it in place, and pushes it to be scanned.
   */
  forward(ref: number): number {
    const mem = this.mem;
    const w = ref >> 2;
    const status = mem[w];
    if (status & FORWARDED_BIT) return mem[w + 1];
    const bits = this.markBits;
    const g = ref >> 3;
    const bit = 1 << (g & 31);
    if (bits[g >> 5] & bit) return ref;
    const space = this.space;
    const bytes = objectBytes(status & NSLOTS_MASK, mem[w + 1]);
    if (space.isCandidate(ref)) {
      const to = space.allocCopy(bytes);
      if (to !== 0) {
        for (let i = 0, d = to >> 2, words = bytes >> 2; i < words; i++) mem[d + i] = mem[w + i];
        mem[w] = status | FORWARDED_BIT;
        mem[w + 1] = to;
        const gt = to >> 3;
        bits[gt >> 5] |= 1 << (gt & 31);
        this.stack.push(to);
        this.work.objectsCopied++;
        this.work.bytesCopied += bytes;
        space.stats.objectsEvacuated++;
        space.stats.bytesEvacuated += bytes;
        return to;
      }
    }
    bits[g >> 5] |= bit;
    this.stack.push(ref);
    this.work.objectsMarked++;
    if (space.holdsInBlocks(ref)) {
      space.stats.objectsMarkedInPlace++;
      space.stats.bytesMarkedInPlace += bytes;
    }
    return ref;
  }

  forwardSlots(w: number, from: number, to: number): void {
    const mem = this.mem;
    for (let s = w + 2 + 2 * from, last = w + 2 + 2 * to; s < last; s += 2) {
      const child = mem[s];
      if (child > 0) mem[s] = this.forward(child);
    }
    this.work.slotsScanned += to - from;
  }

  /** Scans pushed objects until the mark stack is empty. */
  drain(): void {
    const mem = this.mem;
    const stack = this.stack;
    while (stack.length > 0) {
      const w = stack.pop() >> 2;
      this.forwardSlots(w, 0, mem[w] & NSLOTS_MASK);
    }
  }
}
