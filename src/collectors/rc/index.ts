/**
 * rc: reference counting with synchronous cycle collection (Collins 1960;
 * Bacon and Rajan, "Concurrent Cycle Collection in Reference Counted
 * Systems", ECOOP 2001, the synchronous algorithm; GC Handbook, 2nd ed., ch. 5).
 *
 * Counting: every reference is counted - heap slots through the store barrier,
 * and root references (frame and global variables) through the root barrier:
 *   writeRef / writeRoot  increment the new target, then decrement the old one
 *   moveRoot              a returned reference moves, count unchanged: from the
 *                         returning frame's variable to the return register, and
 *                         from the register to the caller's variable (the owned
 *                         return of Swift and Objective-C ARC); only the value
 *                         it replaces is decremented
 *   releaseFrame          decrements every reference variable of a popped frame
 * Counts, colours and the "buffered" flag live in one side table, one int
 * per 8-byte granule: count << 3 | buffered (4) | colour (0-3), so an
 * increment or decrement is one read-modify-write.
 *
 * Freeing: a count reaching zero frees the object at once and decrements its
 * children, iteratively with a work list. One such cascade is one pause
 * ("rc-cascade"). Freed cells go back to the segregated-fit free lists.
 *
 * Cycles by trial deletion (--opt cycles=on, the default): a decrement
 * that leaves a count above zero makes the object a possible root of a
 * garbage cycle (purple) and buffers it. A cycle collection ("cycle") runs at the next allocation once
 * more than `cycle-threshold` roots are buffered, and when an allocation
 * fails:
 *   MarkGray    - from each purple root, trial-delete internal references (gray)
 *   Scan        - whatever still has a count was referenced from outside:
 *                 ScanBlack restores it and everything it reaches; the rest is white
 *   CollectWhite - free the white objects: garbage cycles and what hangs off them
 * All four traversals use explicit stacks.
 *
 * Cycles by backup tracing (--opt cycles=backup-trace; RC Immix, OOPSLA
 * 2013, and LXR, PLDI 2022): nothing is buffered, so a decrement that leaves
 * a count above zero does nothing more. A backup trace ("backup-trace")
 * runs before the allocation that takes the bytes allocated since the last
 * one past `trace-every`, and when an allocation fails:
 *   mark    - BackupTracer marks from the roots into a side bitmap
 *   release - every unmarked object is garbage: its references to marked
 *             objects are decremented (so every count stays exact), its
 *             count is cleared, and it is freed as a cascade frees
 * `--opt cycles=off` collects no cycles at all.
 * Allocation that still fails then coalesces adjacent free cells ("coalesce")
 * before giving up: reference counting never moves objects, so this is the
 * only defragmentation it has.
 * Objects over the `large` threshold live in the large-object space and are
 * freed there, page by page, when their count reaches zero.
 */
import { IntStack } from "../../heap/int-stack.js";
import { NSLOTS_MASK, cellBytes, objectBytes } from "../../heap/object-model.js";
import { MainAndLargeObjectPlan, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { choice, heapShare, integer, largeObjectOptions, type ParsedOptions } from "../options.js";
import { FreeListSpace } from "../spaces/free-list-space.js";
import { LargeObjectSpace } from "../spaces/large-object-space.js";
import { BackupTracer } from "./backup-trace.js";

const BLACK = 0;
const GRAY = 1;
const WHITE = 2;
const PURPLE = 3;
const COLOUR = 3;
const BUFFERED = 4;
/** The count sits above the colour and the buffered flag. */
const COUNT_SHIFT = 3;
const COUNT_ONE = 1 << COUNT_SHIFT;

const rcOptions = {
  ...largeObjectOptions,
  cycles: choice(
    ["on", "off", "backup-trace"],
    "on",
    "on: cycle collection by trial deletion; backup-trace: by tracing the heap from the roots, with no buffering of possible roots; off: plain reference counting, which leaks cyclic garbage",
  ),
  "cycle-threshold": integer(1, 1 << 30, 10_000, "possible roots buffered before a cycle collection runs (cycles=on)"),
  "trace-every": heapShare("50%", "bytes allocated between backup traces (cycles=backup-trace): a size (8MiB) or a share of the heap (50%)"),
};

const constraints: CollectorConstraints = { moving: false, storeBarrier: true, rootBarrier: true, reclaims: "all" };

export class RefCountCollector extends MainAndLargeObjectPlan {
  readonly constraints: CollectorConstraints;
  protected readonly space: FreeListSpace;
  protected readonly los: LargeObjectSpace;
  /**
   * Per granule, the object starting there: count << COUNT_SHIFT | BUFFERED |
   * colour. `>> COUNT_SHIFT` reads the count back (arithmetic: a count below
   * zero would survive too). Counts stay below 2^28: a heap of at most 2^30
   * bytes has fewer reference slots than that.
   */
  private readonly countAndColour: Int32Array;
  /** Possible roots of garbage cycles (the purple buffer). */
  private readonly candidates = new IntStack();
  private readonly pending = new IntStack();
  private readonly traversal = new IntStack();
  private readonly blackening = new IntStack();
  /** cycles=on: decrements buffer possible roots for trial deletion. */
  private readonly trialDeletion: boolean;
  private readonly cycleThreshold: number;
  /** cycles=backup-trace: the tracer, and the allocation volume between traces; null and Infinity otherwise. */
  private readonly tracer: BackupTracer | null;
  private readonly traceEvery: number;
  /** Bytes left to allocate before the next periodic backup trace (Infinity without backup tracing). */
  private untilBackupTrace: number;

  constructor(context: CollectorContext, options: ParsedOptions<typeof rcOptions>) {
    super(context);
    this.los = new LargeObjectSpace(this.heap, this.work, options.large);
    this.space = new FreeListSpace(this.heap, this.heap.start, this.heap.end, this.los);
    const granules = this.mem.length >> 1;
    this.countAndColour = new Int32Array(granules);
    this.trialDeletion = options.cycles === "on";
    this.constraints = { ...constraints, reclaims: options.cycles === "off" ? "acyclic" : "all" };
    this.cycleThreshold = options["cycle-threshold"];
    const backup = options.cycles === "backup-trace";
    this.tracer = backup ? new BackupTracer(this.mem, this.work, this.space, this.los) : null;
    this.traceEvery = backup ? Math.max(8, options["trace-every"]) : Infinity;
    this.untilBackupTrace = this.traceEvery;
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    if (this.candidates.length > this.cycleThreshold && this.trialDeletion) this.collectCycles("threshold");
    const bytes = objectBytes(nslots, payloadBytes);
    if ((this.untilBackupTrace -= bytes) < 0) {
      this.backupTrace("allocation-volume");
      this.untilBackupTrace -= bytes; // this allocation opens the next period
    }
    let a = bytes > this.los.threshold ? this.allocLarge(bytes) : this.space.alloc(bytes);
    if (a === 0) a = this.allocSlow(bytes, site);
    this.countAndColour[a >> 3] = BLACK; // count 0, not buffered
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  /** A large object's pages, within the budget the free-list space's footprint leaves (free pages given back if need be). */
  private allocLarge(bytes: number): number {
    return this.los.allocBeside(bytes, this.space, this.heap.heapBytes);
  }

  private allocSlow(bytes: number, site: number): number {
    this.work.allocationSlowPaths++;
    const large = bytes > this.los.threshold;
    let a = 0;
    if (this.trialDeletion || this.tracer !== null) {
      this.collectGarbage("allocation-failure");
      a = large ? this.allocLarge(bytes) : this.space.alloc(bytes);
    }
    if (a === 0) {
      // Coalescing also lets a free run at the end join the top chunk, which a large object may need.
      this.pause("coalesce", "allocation-failure", () => {
        this.space.coalesce();
        return false;
      });
      a = large ? this.allocLarge(bytes) : this.space.alloc(bytes);
    }
    if (a === 0) this.outOfMemory(site, bytes);
    return a;
  }

  override writeRef(obj: number, slot: number, value: number): void {
    const s = (obj >> 2) + 2 + 2 * slot;
    if (value > 0) this.increment(value);
    const old = this.mem[s];
    this.mem[s] = value;
    if (old > 0) this.decrement(old);
  }

  override writeRoot(roots: Int32Array, index: number, value: number): void {
    if (value > 0) this.increment(value);
    const old = roots[index];
    roots[index] = value;
    if (old > 0) this.decrement(old);
  }

  /** The moved reference keeps its count: only the value it replaces is released. */
  override moveRoot(roots: Int32Array, index: number, from: Int32Array, fromIndex: number): void {
    const value = from[fromIndex];
    from[fromIndex] = -1;
    const old = roots[index];
    roots[index] = value;
    if (old > 0) this.decrement(old);
  }

  override retainRoot(ref: number): void {
    if (ref > 0) this.increment(ref);
  }

  override releaseFrame(stack: Int32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const ref = stack[i];
      stack[i] = -1;
      if (ref > 0) this.decrement(ref);
    }
  }

  referenceCount(address: number): number {
    return this.countAndColour[address >> 3] >> COUNT_SHIFT;
  }

  private increment(ref: number): void {
    const g = ref >> 3;
    this.countAndColour[g] = (this.countAndColour[g] + COUNT_ONE) & ~COLOUR; // black, keeping the buffered flag
    this.work.rcIncrements++;
  }

  /** The object whose count reached zero, for `cascade`. */
  private cascadeRoot = 0;
  /**
   * One cascade's pause body, made once: a closure built in `decrement` would
   * make V8 allocate a context on every decrement.
   */
  private readonly cascade = (): boolean => {
    this.releaseCascade(this.cascadeRoot);
    return false;
  };

  private decrement(ref: number): void {
    const g = ref >> 3;
    this.work.rcDecrements++;
    if ((this.countAndColour[g] -= COUNT_ONE) >> COUNT_SHIFT === 0) {
      this.cascadeRoot = ref;
      this.event("rc-cascade", "count reached zero", this.cascade);
    } else if (this.trialDeletion) {
      this.possibleRoot(ref);
    }
  }

  private possibleRoot(ref: number): void {
    const g = ref >> 3;
    const c = this.countAndColour[g];
    if ((c & COLOUR) !== PURPLE) {
      this.countAndColour[g] = (c & ~COLOUR) | PURPLE | BUFFERED;
      if ((c & BUFFERED) === 0) this.candidates.push(ref);
    }
  }

  /** Frees `ref` (count zero) and every object whose count its freeing drops to zero. */
  private releaseCascade(ref: number): void {
    const mem = this.mem;
    const pending = this.pending;
    pending.push(ref);
    let scanned = 0;
    let decrements = 0;
    while (pending.length > 0) {
      const a = pending.pop();
      const w = a >> 2;
      const n = mem[w] & NSLOTS_MASK;
      scanned += n;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
        const child = mem[s];
        if (child <= 0) continue;
        mem[s] = 0; // a dead object holds no counted references
        decrements++;
        if ((this.countAndColour[child >> 3] -= COUNT_ONE) >> COUNT_SHIFT === 0) pending.push(child);
        else if (this.trialDeletion) this.possibleRoot(child);
      }
      const g = a >> 3;
      const buffered = this.countAndColour[g] & BUFFERED;
      this.countAndColour[g] &= ~COLOUR; // black
      // A buffered object stays allocated until the cycle collector drops it from the buffer.
      if (buffered === 0) this.free(a);
    }
    this.work.slotsScanned += scanned;
    this.work.rcDecrements += decrements;
  }

  private free(a: number): void {
    let size: number;
    if (this.los.contains(a)) {
      size = this.los.free(a);
    } else {
      size = cellBytes(this.mem, a);
      this.space.addFree(a, size);
    }
    this.recorder.freed(1, size);
    this.work.objectsFreed++;
  }

  override collectGarbage(reason: string): void {
    if (this.trialDeletion) this.collectCycles(reason);
    else if (this.tracer !== null) this.backupTrace(reason);
  }

  /**
   * A backup trace: mark from the roots; every unmarked object is garbage.
   * Each one's references to marked objects are decremented (the counts of
   * survivors then equal their references from the survivors and the roots
   * again), its count and colour are cleared, and it is freed: every
   * unreachable object is reclaimed.
   */
  private backupTrace(reason: string): void {
    this.untilBackupTrace = this.traceEvery;
    const tracer = this.tracer!;
    this.pause("backup-trace", reason, () => {
      const unreachable = tracer.findUnreachable(this.roots);
      const mem = this.mem;
      const counts = this.countAndColour;
      let scanned = 0;
      let decrements = 0;
      for (let i = 0; i < unreachable.length; i++) {
        const a = unreachable.at(i);
        const w = a >> 2;
        const n = mem[w] & NSLOTS_MASK;
        scanned += n;
        for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
          const child = mem[s];
          // References between garbage objects die with them; only survivors' counts change.
          if (child > 0 && tracer.isMarked(child)) {
            counts[child >> 3] -= COUNT_ONE;
            decrements++;
          }
        }
        counts[a >> 3] = BLACK; // count 0, not buffered
        this.free(a);
      }
      this.work.slotsScanned += scanned;
      this.work.rcDecrements += decrements;
      tracer.clearMarks();
      return true;
    });
  }

  private collectCycles(reason: string): void {
    this.pause("cycle", reason, () => {
      const roots = this.markRoots();
      for (let i = 0; i < roots.length; i++) this.scan(roots[i]);
      for (let i = 0; i < roots.length; i++) {
        this.countAndColour[roots[i] >> 3] &= ~BUFFERED;
        this.collectWhite(roots[i]);
      }
      return true;
    });
  }

  /** Trial-deletes from each purple candidate; drops the others from the buffer. Returns the roots kept. */
  private markRoots(): Int32Array {
    const kept = new IntStack(Math.max(16, this.candidates.length));
    const all = this.candidates;
    while (all.length > 0) {
      const s = all.pop();
      const g = s >> 3;
      const c = this.countAndColour[g];
      if ((c & COLOUR) === PURPLE && c >> COUNT_SHIFT > 0) {
        this.markGray(s);
        kept.push(s);
      } else {
        this.countAndColour[g] = c & ~BUFFERED;
        if ((c & COLOUR) === BLACK && c >> COUNT_SHIFT === 0) this.free(s);
      }
    }
    const roots = new Int32Array(kept.length);
    for (let i = roots.length - 1; i >= 0; i--) roots[i] = kept.pop();
    return roots;
  }

  private setColour(ref: number, colour: number): void {
    const g = ref >> 3;
    this.countAndColour[g] = (this.countAndColour[g] & ~COLOUR) | colour;
  }

  private colour(ref: number): number {
    return this.countAndColour[ref >> 3] & COLOUR;
  }

  /** MarkGray: remove the counts contributed by references inside the gray subgraph. */
  private markGray(root: number): void {
    if (this.colour(root) === GRAY) return;
    const mem = this.mem;
    const stack = this.traversal;
    this.setColour(root, GRAY);
    stack.push(root);
    while (stack.length > 0) {
      const w = stack.pop() >> 2;
      const n = mem[w] & NSLOTS_MASK;
      this.work.objectsMarked++;
      this.work.slotsScanned += n;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
        const child = mem[s];
        if (child <= 0) continue;
        this.countAndColour[child >> 3] -= COUNT_ONE;
        if (this.colour(child) !== GRAY) {
          this.setColour(child, GRAY);
          stack.push(child);
        }
      }
    }
  }

  /** Scan: gray objects still counted are live (ScanBlack); the rest turn white. */
  private scan(root: number): void {
    const mem = this.mem;
    const stack = this.traversal;
    stack.push(root);
    while (stack.length > 0) {
      const a = stack.pop();
      if (this.colour(a) !== GRAY) continue;
      if (this.countAndColour[a >> 3] >> COUNT_SHIFT > 0) {
        this.scanBlack(a);
        continue;
      }
      this.setColour(a, WHITE);
      const w = a >> 2;
      const n = mem[w] & NSLOTS_MASK;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) if (mem[s] > 0) stack.push(mem[s]);
    }
  }

  /** ScanBlack: restore the counts trial deletion removed, for everything reachable from a live object. */
  private scanBlack(root: number): void {
    const mem = this.mem;
    const stack = this.blackening;
    this.setColour(root, BLACK);
    stack.push(root);
    while (stack.length > 0) {
      const w = stack.pop() >> 2;
      const n = mem[w] & NSLOTS_MASK;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
        const child = mem[s];
        if (child <= 0) continue;
        this.countAndColour[child >> 3] += COUNT_ONE;
        if (this.colour(child) !== BLACK) {
          this.setColour(child, BLACK);
          stack.push(child);
        }
      }
    }
  }

  /** CollectWhite: free every white object not still in the buffer. */
  private collectWhite(root: number): void {
    const g = root >> 3;
    if ((this.countAndColour[g] & (COLOUR | BUFFERED)) !== WHITE) return; // white and not buffered
    const mem = this.mem;
    const stack = this.traversal;
    this.countAndColour[g] &= ~COLOUR; // black
    stack.push(root);
    while (stack.length > 0) {
      const a = stack.pop();
      const w = a >> 2;
      const n = mem[w] & NSLOTS_MASK;
      for (let s = w + 2, last = w + 2 + 2 * n; s < last; s += 2) {
        const child = mem[s];
        if (child <= 0) continue;
        const cg = child >> 3;
        if ((this.countAndColour[cg] & (COLOUR | BUFFERED)) === WHITE) {
          this.countAndColour[cg] &= ~COLOUR; // black
          stack.push(child);
        }
      }
      this.free(a);
    }
  }

  override fragmentation(): number {
    return this.space.fragmentation();
  }
}

const rc = defineCollector({
  name: "rc",
  description: "reference counting with Bacon-Rajan synchronous cycle collection (trial deletion)",
  constraints,
  options: rcOptions,
  create: (context, options) => new RefCountCollector(context, options),
});
export default rc;
