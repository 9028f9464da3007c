/**
 * The simulated address space and the root set.
 *
 * Heap: heapBytes of simulated memory in one Int32Array, [start, end), which
 * collectors carve into their main spaces, below it the address range of the
 * large-object space (collectors/spaces/large-object-space.ts), and below
 * that the reserved null granule. It knows nothing of the spaces.
 *
 * Layout (addresses in bytes; P = pageBytes, H = heapBytes):
 *   [0, 8)                       null granule (address 0 is null)
 *   [P, P + roundUp(H, P))       large-object space: whole pages, so its
 *                                objects are page-aligned; H bounds what it
 *                                can commit, since --heap is a budget on
 *                                committed memory shared by every space
 *   one granule                  guard, so that `start` keeps the page offset
 *                                (8) it had before the range was added and the
 *                                main spaces' page counts do not move
 *   [start, end = start + H)     the main spaces
 * The range lies below the main spaces so that "mature" stays one compare in a
 * generational plan: everything below the nursery is old, large objects
 * included.
 *
 * Roots: the mutator's shadow stack (one contiguous run of reference slots
 * per active call: its reference parameters and locals) and the reference
 * globals. A slot holds an address, 0 for null, or UNSET (-1) for a variable
 * not yet assigned; collectors treat anything <= 0 as "no reference". Moving
 * collectors rewrite root slots in place.
 */
import { HEAP_BASE } from "./object-model.js";
import { DEFAULT_PAGE_BYTES, PageTracker, type TouchCounter } from "./pages.js";

export const UNSET = -1;

/** A half-open range of addresses that a linear walk can parse cell by cell. */
export type Region = readonly [start: number, end: number];

/**
 * Largest simulated heap: addresses must stay below 2^31, and the address
 * space holds the heap twice (the main spaces and the large-object range)
 * plus up to two pages of 512 KiB, the largest page size.
 */
export const MAX_HEAP_BYTES = 2 ** 30 - 2 ** 20;

export class Heap {
  readonly mem: Int32Array;
  /** First address of the main spaces. */
  readonly start: number;
  /** One past the last address of the main spaces. */
  readonly end: number;
  /** The large-object space's address range, [losStart, losEnd): page-aligned, heapBytes rounded up to whole pages. */
  readonly losStart: number;
  readonly losEnd: number;
  /** First writes to each page, which the cost model charges (pages.ts). */
  readonly pages: PageTracker;

  constructor(
    readonly heapBytes: number,
    pageBytes = DEFAULT_PAGE_BYTES,
    /** Where first touches are counted (a run's work counters). */
    touches?: TouchCounter,
  ) {
    if (!Number.isInteger(heapBytes) || heapBytes <= 0 || heapBytes % 8 !== 0 || heapBytes > MAX_HEAP_BYTES) {
      throw new RangeError(`heap size must be a positive multiple of 8 up to ${MAX_HEAP_BYTES} bytes, got ${heapBytes}`);
    }
    this.losStart = pageBytes;
    this.losEnd = pageBytes + Math.ceil(heapBytes / pageBytes) * pageBytes;
    this.start = this.losEnd + HEAP_BASE;
    this.end = this.start + heapBytes;
    this.mem = new Int32Array(this.end >> 2);
    this.pages = new PageTracker(this.end, pageBytes, touches);
  }
}

export class Roots {
  /**
   * Shadow stack: slots [0, stackTop()) belong to active frames. A script
   * workload's handle scopes may replace it with a larger copy (growStack),
   * so collectors read this field at each use rather than keeping the array.
   */
  stack: Int32Array;
  /**
   * The mutator's stack pointer. The generated mutator keeps it in a local
   * for speed and installs this reader, so collectors see its current value.
   */
  stackTop: () => number = () => 0;
  readonly globals: Int32Array;

  constructor(stackSlots: number, globalCount: number) {
    this.stack = new Int32Array(stackSlots);
    this.globals = new Int32Array(globalCount).fill(UNSET);
  }

  /** Replaces the stack by one of at least `slots` slots (doubling), keeping its contents; returns it. */
  growStack(slots: number): Int32Array {
    const grown = new Int32Array(Math.max(slots, 2 * this.stack.length));
    grown.set(this.stack);
    this.stack = grown;
    return grown;
  }
}

/**
 * Calls `update` on every root slot that holds a reference and stores what it
 * returns: a tracing collector returns the reference unchanged after marking
 * it, a moving one returns the new address. Returns the number of root slots.
 */
export function updateRoots(roots: Roots, update: (ref: number) => number): number {
  const { stack, globals } = roots;
  const sp = roots.stackTop();
  for (let i = 0; i < globals.length; i++) {
    const ref = globals[i];
    if (ref > 0) globals[i] = update(ref);
  }
  for (let i = 0; i < sp; i++) {
    const ref = stack[i];
    if (ref > 0) stack[i] = update(ref);
  }
  return globals.length + sp;
}
