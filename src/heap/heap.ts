/**
 * The simulated address space and the root set.
 *
 * Heap: heapBytes of simulated memory in one Int32Array (plus the reserved
 * null granule). Collectors carve it into spaces; it knows nothing of them.
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

/** Largest simulated heap: addresses must stay below 2^31. */
export const MAX_HEAP_BYTES = 2 ** 31 - 2 * HEAP_BASE;

export class Heap {
  readonly mem: Int32Array;
  /** First usable address. */
  readonly start = HEAP_BASE;
  /** One past the last usable address. */
  readonly end: number;
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
    this.mem = new Int32Array((HEAP_BASE + heapBytes) >> 2);
    this.end = HEAP_BASE + heapBytes;
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
