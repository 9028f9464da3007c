/**
 * The contract between the mutator and a collector, and the bookkeeping every
 * collector shares.
 *
 * The mutator (generated workload code) calls only:
 *   alloc(nslots, payloadBytes, site)  -> address of a zeroed object
 *   writeRef(obj, slot, value)         -> only if constraints.storeBarrier
 *   writeRoot, retainRoot, releaseFrame -> only if constraints.rootBarrier
 * and otherwise reads and writes simulated memory directly. Roots are the
 * shadow stack and globals in `Roots`, which a collector scans and (if it
 * moves objects) rewrites. Differences between collectors are data in
 * `CollectorConstraints`, read once when the workload is compiled, so the
 * choice of barrier costs nothing per operation.
 *
 * A collector subclass implements its algorithm in `collectGarbage` and wraps
 * each stop-the-world piece of work in `recordCollection`, which keeps the
 * collection log, the wall clock, and calls the verifier when one is attached.
 */
import { OutOfMemoryError } from "../errors.js";
import type { Heap, Roots } from "../heap/heap.js";
import { CollectionLog, WORK_NAMES, WorkCounters, snapshotWork } from "../metrics/collection-log.js";
import { SimClock } from "../metrics/clock.js";
import { DEFAULT_COSTS } from "../metrics/cost-model.js";
import { traceGraph } from "../verify/verifier.js";

export interface CollectorConstraints {
  /** Objects change address during collection. */
  readonly moving: boolean;
  /** The mutator must call writeRef for every reference store into the heap. */
  readonly storeBarrier: boolean;
  /** The mutator must report writes of reference variables and frame exits (reference counting). */
  readonly rootBarrier: boolean;
}

/** Watches collections from outside; the heap verifier is one. */
export interface CollectionObserver {
  beforeCollection(collector: Collector, index: number): void;
  afterCollection(collector: Collector, index: number, full: boolean): void;
}

/** A half-open range of addresses that a linear walk can parse cell by cell. */
export type Region = readonly [start: number, end: number];

export interface MemoryFigures {
  /** Free bytes not in the largest free chunk, as a fraction of free bytes (0 for bump-allocated spaces). */
  fragmentation: number;
}

export abstract class Collector {
  abstract readonly name: string;
  abstract readonly constraints: CollectorConstraints;

  readonly mem: Int32Array;
  readonly log = new CollectionLog();
  readonly work = new WorkCounters();
  /** Work counters when the current pause began (reused: no allocation per pause). */
  private readonly workBefore = new Float64Array(WORK_NAMES.length);
  /** Simulated time; the runner installs one with the run's cost model and the mutator's counters. */
  clock = new SimClock(DEFAULT_COSTS);
  /** Simulated nanoseconds spent in pauses so far. */
  gcNs = 0;
  peakFootprint = 0;
  observer: CollectionObserver | undefined;
  /** Turns an allocation site number into the workload path for messages. */
  describeSite: (site: number) => string = (site) => `site ${site}`;

  /** Cumulative allocation by the mutator. */
  allocatedObjects = 0;
  allocatedBytes = 0;
  /** Cumulative reclamation by the collector. */
  freedObjects = 0;
  freedBytes = 0;
  /** Bytes that survived the most recent full collection, and the most seen. */
  liveBytesAfterFull = 0;
  peakLiveBytes = 0;
  /** Worst fragmentation seen after a collection. */
  peakFragmentation = 0;
  gcWallMs = 0;
  maxPauseWallMs = 0;

  constructor(
    readonly heap: Heap,
    readonly roots: Roots,
  ) {
    this.mem = heap.mem;
  }

  /** Allocates a zeroed object; throws OutOfMemoryError when even a full collection cannot make room. */
  abstract alloc(nslots: number, payloadBytes: number, site: number): number;

  /** Writes a fresh object's header and counts the allocation: the end of every allocation fast path. */
  protected finishAlloc(a: number, nslots: number, payloadBytes: number, bytes: number): number {
    const w = a >> 2;
    this.mem[w] = nslots;
    this.mem[w + 1] = payloadBytes;
    this.allocatedObjects++;
    this.allocatedBytes += bytes;
    return a;
  }

  /** The slow path of a collector whose only remedy is a full collection: collect, retry once, else out of memory. */
  protected allocAfterFullCollection(bytes: number, site: number, allocate: (bytes: number) => number): number {
    this.work.allocationSlowPaths++;
    this.collectGarbage("allocation-failure");
    const a = allocate(bytes);
    if (a === 0) this.outOfMemory(site, bytes);
    return a;
  }

  /** The store barrier; collectors without one never have it called. */
  writeRef(obj: number, slot: number, value: number): void {
    this.mem[(obj >> 2) + 2 + 2 * slot] = value;
  }

  /** Root barrier: writes a reference variable (frame slot in R, or global in G). */
  writeRoot(roots: Int32Array, index: number, value: number): void {
    roots[index] = value;
  }

  /** Root barrier: a reference parameter has just been stored into a new frame. */
  retainRoot(_ref: number): void {}

  /** Root barrier: the frame occupying stack slots [from, to) is about to be popped. */
  releaseFrame(_stack: Int32Array, _from: number, _to: number): void {}

  /** Runs a full collection of the whole heap. */
  abstract collectGarbage(reason: string): void;

  /** Regions holding every allocated object, formatted for a linear walk. */
  abstract parseableRegions(): Region[];

  /**
   * The reference count the collector keeps for an object, if it counts
   * references; the verifier then checks it against the references that
   * actually point at the object.
   */
  referenceCount?(address: number): number;

  /** Fragmentation of the free memory right now. */
  memoryFigures(): MemoryFigures {
    return { fragmentation: 0 };
  }

  /** Simulated mutator time so far (ns). */
  mutatorNs(): number {
    return this.clock.mutatorNs(this.allocatedObjects, this.allocatedBytes, this.work, this.gcNs);
  }

  /**
   * The span of the heap in use: bytes a real runtime would have to keep
   * committed - live and dead objects, unusable free fragments and any copy
   * reserve the algorithm needs.
   */
  abstract footprint(): number;

  get heapObjects(): number {
    return this.allocatedObjects - this.freedObjects;
  }

  get heapUsedBytes(): number {
    return this.allocatedBytes - this.freedBytes;
  }

  /**
   * Wraps one stop-the-world piece of collector work. `body` does the work,
   * updating freedObjects/freedBytes and the work counters, and says whether
   * it reclaimed every unreachable object (a full collection).
   */
  protected recordCollection(kind: string, reason: string, body: () => boolean): void {
    const index = this.log.length + 1;
    this.observer?.beforeCollection(this, index);
    const objectsBefore = this.heapObjects;
    const bytesBefore = this.heapUsedBytes;
    // The heap is at its fullest when a collection starts.
    this.peakFootprint = Math.max(this.peakFootprint, this.footprint());
    const startNs = this.mutatorNs() + this.gcNs;
    // Pause cost is the cost of the work counted while it ran (workNs is linear in the counters).
    const workNsBefore = this.clock.workNs(this.work);
    snapshotWork(this.work, this.workBefore);
    const t0 = performance.now();
    const full = body();
    const wallMs = performance.now() - t0;
    const pauseNs = this.clock.workNs(this.work) - workNsBefore;
    this.gcNs += pauseNs;
    const footprintAfter = this.footprint();
    if (footprintAfter > this.peakFootprint) this.peakFootprint = footprintAfter;
    const bytesAfter = this.heapUsedBytes;
    this.log.add(
      {
        kind,
        reason,
        objectsBefore,
        bytesBefore,
        objectsAfter: this.heapObjects,
        bytesAfter,
        allocatedBytesAtStart: this.allocatedBytes,
        wallMs,
        full,
        startNs,
        pauseNs,
        footprintAfter,
      },
      this.workBefore,
      this.work,
    );
    this.gcWallMs += wallMs;
    if (wallMs > this.maxPauseWallMs) this.maxPauseWallMs = wallMs;
    if (full) {
      this.liveBytesAfterFull = bytesAfter;
      if (bytesAfter > this.peakLiveBytes) this.peakLiveBytes = bytesAfter;
      const { fragmentation } = this.memoryFigures();
      if (fragmentation > this.peakFragmentation) this.peakFragmentation = fragmentation;
    }
    this.observer?.afterCollection(this, index, full);
  }

  /**
   * Ends the run. `live` in the message is what is reachable now, traced
   * independently, unless the caller already knows it (a collector that fails
   * half-way through moving objects cannot be traced).
   */
  protected outOfMemory(site: number, bytes: number, liveBytes?: number): never {
    const live = liveBytes ?? traceGraph(this.heap, this.roots).bytes;
    throw new OutOfMemoryError(this.describeSite(site), bytes, this.heap.heapBytes, live);
  }

  /** Figures only this kind of collector has (e.g. promotion for generational), added to the result's memory section. */
  collectorFigures(): Record<string, number> {
    return {};
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
