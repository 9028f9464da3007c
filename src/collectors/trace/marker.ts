/**
 * Marking: the transitive closure from the roots with an explicit mark stack
 * (GC Handbook, 2nd ed., §2.1), so deep structures never recurse on the JS
 * stack. Shared by every collector that marks: mark-sweep, mark-compact and
 * generational's major collections.
 *
 * The mark is kept in one of two places:
 *   - the MARK bit in each object's header (the default), which the sweep or
 *     the compactor clears within the same pause;
 *   - a side mark bitmap, one bit per 8-byte granule (GC Handbook §2.2;
 *     Boehm's and MMTk's mark-sweep spaces keep side marks). A lazily swept
 *     space needs it: its marks outlive the pause until the mutator's
 *     allocations sweep them, and headers must stay clean meanwhile.
 *
 * Incremental and concurrent marking (incremental-mark-sweep/plan.ts) use the same
 * stack and bits through a second entry point: `markRoots` greys the roots,
 * `drainBudget` scans until a budget of work is spent, `shade` is a marking
 * barrier's grey. `drain` stays the stop-the-world hot loop, untouched.
 * drainBudget scans an object of more than SCAN_CHUNK_SLOTS slots a chunk
 * at a time, leaving a continuation on the stack (GHC's
 * MARK_ARRAY_CHUNK_LENGTH does the same), so one large array is not one
 * indivisible piece of work; `drain` must therefore not run on a stack
 * drainBudget left unfinished (use drainBudget(Infinity, ...)).
 */

import { IntStack } from "../../heap/int-stack.js";
import { MARK_BIT, NSLOTS_MASK, SLOT_BYTES, objectBytes } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import { updateRoots, type Roots } from "../../heap/heap.js";

/** A side mark bitmap covering `mem`: bit (a >> 3) is object a's mark. */
export function markBitmapFor(mem: Int32Array): Uint32Array {
  return new Uint32Array(Math.ceil(mem.length / 2 / 32));
}

/**
 * The most slots drainBudget scans of one object before yielding: 4,096
 * slots cost 4 µs at the default slotScanned, so GCBench's 500,000-slot
 * array is ~120 pieces instead of one 0.5 ms unit.
 */
export const SCAN_CHUNK_SLOTS = 4096;

export class Marker {
  private readonly stack = new IntStack();
  /** Objects and bytes drainBudget has scanned since resetScanned (an object counts once, at its first chunk). */
  scannedObjects = 0;
  scannedBytes = 0;

  constructor(
    private readonly mem: Int32Array,
    private readonly work: WorkCounters,
    /** The side mark bitmap, or null for header mark bits. */
    private readonly markBits: Uint32Array | null = null,
  ) {}

  /** Marks everything reachable from the roots. Returns the bytes marked. */
  markFromRoots(roots: Roots): number {
    this.markRoots(roots);
    return this.drain();
  }

  markAndPush(ref: number): void {
    if (this.testAndMark(ref)) this.stack.push(ref);
  }

  /** Greys every root (marks it and pushes it), without scanning anything. */
  markRoots(roots: Roots): void {
    this.work.rootsScanned += updateRoots(roots, (ref) => {
      this.markAndPush(ref);
      return ref;
    });
  }

  /** A marking barrier's shade: greys `ref` if it is white. True if it was. */
  shade(ref: number): boolean {
    if (!this.testAndMark(ref)) return false;
    this.stack.push(ref);
    return true;
  }

  /** Marks `ref` without scanning it: an object allocated black, whose slots are all null. */
  markBlack(ref: number): void {
    this.testAndMark(ref);
  }

  isMarked(ref: number): boolean {
    const bits = this.markBits;
    if (bits === null) return (this.mem[ref >> 2] & MARK_BIT) !== 0;
    const g = ref >> 3;
    return (bits[g >> 5] & (1 << (g & 31))) !== 0;
  }

  /** Objects still to scan, counting a partly scanned large object once. */
  get greyEntries(): number {
    return this.stack.length;
  }

  /** Calls `f` with every grey object, a partly scanned large object included. */
  forEachGrey(f: (address: number) => void): void {
    const stack = this.stack;
    for (let i = stack.length - 1; i >= 0; i--) {
      const v = stack.at(i);
      if (v < 0) {
        f(-v);
        i--; // the continuation's slot index, below it
      } else {
        f(v);
      }
    }
  }

  /** Forgets every grey object (an abandoned marking); the marks stay until the caller clears them. */
  clearStack(): void {
    this.stack.clear();
  }

  resetScanned(): void {
    this.scannedObjects = 0;
    this.scannedBytes = 0;
  }

  /**
   * Pops and scans until the stack is empty or `budget` is spent, in units
   * of `wObject` per object, `wSlot` per slot and `wByte` per byte scanned
   * (simulated ns with the cost model's weights; bytes with 0, 0, 1). The
   * piece that crosses the budget is finished, so the overshoot is at most
   * one object or one chunk of SCAN_CHUNK_SLOTS slots. Returns what was spent.
   * Counts objectsMarked and slotsScanned as drain does.
   */
  drainBudget(budget: number, wObject: number, wSlot: number, wByte: number): number {
    const mem = this.mem;
    const stack = this.stack;
    let spent = 0;
    let marked = 0;
    let scanned = 0;
    let bytes = 0;
    while (stack.length > 0 && spent < budget) {
      let ref = stack.pop();
      let from = 0;
      const continuation = ref < 0;
      if (continuation) {
        ref = -ref;
        from = stack.pop();
      }
      const w = ref >> 2;
      const n = mem[w] & NSLOTS_MASK;
      if (!continuation) {
        const whole = objectBytes(n, mem[w + 1]);
        marked++;
        bytes += whole;
        // The header and payload now; each chunk's slots as they are scanned.
        spent += wObject + wByte * (whole - n * SLOT_BYTES);
      }
      let to = n;
      if (to - from > SCAN_CHUNK_SLOTS) {
        to = from + SCAN_CHUNK_SLOTS;
        stack.push(to);
        stack.push(-ref);
      }
      scanned += to - from;
      spent += (to - from) * (wSlot + wByte * SLOT_BYTES);
      for (let s = w + 2 + 2 * from, last = w + 2 + 2 * to; s < last; s += 2) {
        const child = mem[s];
        if (child > 0 && this.testAndMark(child)) stack.push(child);
      }
    }
    this.work.objectsMarked += marked;
    this.work.slotsScanned += scanned;
    this.scannedObjects += marked;
    this.scannedBytes += bytes;
    return spent;
  }

  /** Marks `ref`; false if it was marked already. */
  private testAndMark(ref: number): boolean {
    const bits = this.markBits;
    if (bits === null) {
      const w = ref >> 2;
      if (this.mem[w] & MARK_BIT) return false;
      this.mem[w] |= MARK_BIT;
      return true;
    }
    const g = ref >> 3;
    const bit = 1 << (g & 31);
    if (bits[g >> 5] & bit) return false;
    bits[g >> 5] |= bit;
    return true;
  }

  /** Pops and scans until the mark stack is empty. Returns the bytes of the objects scanned. */
  drain(): number {
    const mem = this.mem;
    const stack = this.stack;
    const headerMarks = this.markBits === null;
    let marked = 0;
    let scanned = 0;
    let bytes = 0;
    while (stack.length > 0) {
      const w = stack.pop() >> 2;
      const n = mem[w] & NSLOTS_MASK;
      marked++;
      scanned += n;
      bytes += objectBytes(n, mem[w + 1]);
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
        const child = mem[s];
        if (child <= 0) continue;
        // Already marked means already pushed: this check is what stops cycles.
        if (headerMarks) {
          if ((mem[child >> 2] & MARK_BIT) === 0) {
            mem[child >> 2] |= MARK_BIT;
            stack.push(child);
          }
        } else if (this.testAndMark(child)) {
          stack.push(child);
        }
      }
    }
    this.work.objectsMarked += marked;
    this.work.slotsScanned += scanned;
    return bytes;
  }
}
