/**
 * The contract between the mutator and a collector, and the shape of a
 * collector definition - what the registry lists and what a user's collector
 * file default-exports.
 *
 * The mutator (generated workload code) calls only:
 *   alloc(nslots, payloadBytes, site)  -> address of a zeroed object
 *   writeRef(obj, slot, value)         -> only if constraints.storeBarrier
 *   writeRoot, moveRoot, retainRoot, releaseFrame -> only if constraints.rootBarrier
 * and otherwise reads and writes simulated memory directly. Roots are the
 * shadow stack and globals in `Roots`, which a collector scans and (if it
 * moves objects) rewrites. Differences between collectors are data in
 * `CollectorConstraints`, read once when the workload is compiled, so the
 * choice of barrier costs nothing per operation.
 *
 * A collector is built from a CollectorContext and is complete when its
 * constructor returns: the heap, the roots, and the Recorder it reports
 * allocations, frees and pauses to (which carries the simulated clock and
 * the verifier, when one watches) all come in through the context.
 * `BaseCollector` supplies the parts every collector writes the same way.
 */
import { OutOfMemoryError } from "../errors.js";
import type { Heap, Region, Roots } from "../heap/heap.js";
import { traceGraph } from "../heap/trace.js";
import type { Collected, Recorder } from "../metrics/recorder.js";
import type { WorkCounters } from "../metrics/collection-log.js";
import type { OptionSpecs, ParsedOptions } from "./options.js";
import type { LargeObjectNeighbour, LargeObjectSpace } from "./spaces/large-object-space.js";

export interface CollectorConstraints {
  /** Objects change address during collection. */
  readonly moving: boolean;
  /** The mutator must call writeRef for every reference store into the heap. */
  readonly storeBarrier: boolean;
  /** The mutator must report writes of reference variables and frame exits (reference counting). */
  readonly rootBarrier: boolean;
  /**
   * What garbage the collector reclaims by the end of a run: all of it (every
   * tracing collector), only what is not on or below a cycle (plain reference
   * counting), or nothing (the no-GC baseline). `test-collector` holds a
   * collector to leaking exactly what it declares.
   */
  readonly reclaims: "all" | "acyclic" | "nothing";
}

/** Everything a collector is built from. */
export interface CollectorContext {
  readonly heap: Heap;
  readonly roots: Roots;
  readonly recorder: Recorder;
  /** Turns an allocation site number into the workload statement path, for messages. */
  describeSite(site: number): string;
}

export interface Collector extends Collected {
  readonly constraints: CollectorConstraints;
  /** The simulated memory it manages (the mutator reads and writes objects there directly). */
  readonly heap: Heap;
  readonly recorder: Recorder;
  /** Allocates a zeroed object; throws OutOfMemoryError when even a full collection cannot make room. */
  alloc(nslots: number, payloadBytes: number, site: number): number;
  /** The store barrier: called for every reference store into the heap when constraints.storeBarrier. */
  writeRef(obj: number, slot: number, value: number): void;
  /** Root barrier: writes a reference variable (frame slot in R, or global in G). */
  writeRoot(roots: Int32Array, index: number, value: number): void;
  /**
   * Root barrier: `roots[index]` takes over the reference `from[fromIndex]`
   * holds, which becomes -1 (empty: a frame release skips it). A returned
   * reference moves this way from the returning frame to the return register
   * and from there to the caller's variable, so a reference count can stay
   * as it is (BaseCollector's default counts the copy and the release).
   */
  moveRoot(roots: Int32Array, index: number, from: Int32Array, fromIndex: number): void;
  /** Root barrier: a reference parameter has just been stored into a new frame. */
  retainRoot(ref: number): void;
  /** Root barrier: the frame occupying stack slots [from, to) is about to be popped. */
  releaseFrame(stack: Int32Array, from: number, to: number): void;
  /** Runs a collection of the whole heap. */
  collectGarbage(reason: string): void;
  /** Figures only this kind of collector has (e.g. promotion for generational), added to the result's memory section. */
  collectorFigures(): Record<string, number>;
}

/**
 * A collector as the registry lists it and as a user's collector file
 * default-exports it: its name, what it is, its constraints, its `--opt`
 * options (defaults, meanings, parsers) and a factory.
 */
export interface CollectorDefinition<S extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  readonly description: string;
  readonly constraints: CollectorConstraints;
  readonly options: S;
  /** Builds the collector; `options` holds every option of `options`, parsed. */
  create(context: CollectorContext, options: ParsedOptions<S>): Collector;
}

/** Types a collector definition, so `create` sees its options parsed and typed. */
export function defineCollector<const S extends OptionSpecs>(definition: CollectorDefinition<S>): CollectorDefinition<S> {
  return definition;
}

/**
 * What most collectors share: the context's parts as fields, barriers that
 * just store, the allocation epilogue, the collect-and-retry slow path and
 * the out-of-memory ending.
 */
export abstract class BaseCollector implements Collector {
  abstract readonly constraints: CollectorConstraints;
  readonly heap: Heap;
  readonly roots: Roots;
  readonly mem: Int32Array;
  readonly recorder: Recorder;
  /** The recorder's work counters, which the collector's parts bump directly. */
  readonly work: WorkCounters;
  private readonly describeSite: (site: number) => string;

  constructor(context: CollectorContext) {
    this.heap = context.heap;
    this.roots = context.roots;
    this.mem = context.heap.mem;
    this.recorder = context.recorder;
    this.work = context.recorder.work;
    this.describeSite = context.describeSite;
  }

  abstract alloc(nslots: number, payloadBytes: number, site: number): number;
  abstract collectGarbage(reason: string): void;
  abstract parseableRegions(): Region[];
  abstract footprint(): number;

  /** Writes a fresh object's header and counts the allocation: the end of every allocation fast path. */
  protected finishAlloc(a: number, nslots: number, payloadBytes: number, bytes: number): number {
    const w = a >> 2;
    this.mem[w] = nslots;
    this.mem[w + 1] = payloadBytes;
    this.recorder.allocated(bytes, a);
    return a;
  }

  /**
   * The slow path of a collector whose only remedy is a full collection:
   * collect, retry once in `space`, else out of memory. It takes the space,
   * not a closure: an arrow function in `alloc` would make V8 allocate a
   * context on every allocation, fast path included.
   */
  protected allocAfterFullCollection(bytes: number, site: number, space: { alloc(bytes: number): number }): number {
    this.work.allocationSlowPaths++;
    this.collectGarbage("allocation-failure");
    const a = space.alloc(bytes);
    if (a === 0) this.outOfMemory(site, bytes);
    return a;
  }

  /**
   * The same for a large object: allocate it in `los` if the main spaces'
   * footprint (`space`) plus its pages stay within the heap, else let a
   * free-list space give back free pages, else collect (and let it give
   * back pages again) and retry once, else out of memory.
   */
  protected allocLargeAfterFullCollection(bytes: number, site: number, los: LargeObjectSpace, space: LargeObjectNeighbour): number {
    let a = los.allocBeside(bytes, space, this.heap.heapBytes);
    if (a === 0) {
      this.collectGarbage("allocation-failure");
      a = los.allocBeside(bytes, space, this.heap.heapBytes);
      if (a === 0) this.outOfMemory(site, bytes);
    }
    this.work.allocationSlowPaths++;
    return a;
  }

  /** Wraps one stop-the-world collection in the recorder's pause accounting (with the fixed cost of a safepoint). */
  protected pause(kind: string, reason: string, body: () => boolean): void {
    this.recorder.pause(this, kind, reason, body);
  }

  /** Wraps work the mutator does inline, without a safepoint (rc's cascade of frees), as a pause of its own. */
  protected event(kind: string, reason: string, body: () => boolean): void {
    this.recorder.pause(this, kind, reason, body, false);
  }

  writeRef(obj: number, slot: number, value: number): void {
    this.mem[(obj >> 2) + 2 + 2 * slot] = value;
  }

  writeRoot(roots: Int32Array, index: number, value: number): void {
    roots[index] = value;
  }

  /** A copy and a release, through writeRoot: right for any root barrier, and what one that does not override this counts. */
  moveRoot(roots: Int32Array, index: number, from: Int32Array, fromIndex: number): void {
    this.writeRoot(roots, index, from[fromIndex]);
    this.writeRoot(from, fromIndex, -1);
  }

  retainRoot(_ref: number): void {}

  releaseFrame(_stack: Int32Array, _from: number, _to: number): void {}

  fragmentation(): number {
    return 0;
  }

  collectorFigures(): Record<string, number> {
    return {};
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
}

/** A plan's main space, as its plan reports it. */
export interface MainSpace {
  footprint(): number;
  /** The space's cells, parseable. */
  region(): Region;
}

/**
 * A plan of one main space beside the shared large-object space (MMTk's
 * plans over the large-object space their common plan holds): what it
 * commits, the regions the verifier walks and the large-object figures are
 * those of the pair.
 */
export abstract class MainAndLargeObjectPlan extends BaseCollector {
  protected abstract readonly space: MainSpace;
  protected abstract readonly los: LargeObjectSpace;

  footprint(): number {
    return this.space.footprint() + this.los.committedBytes;
  }

  parseableRegions(): Region[] {
    return [...this.los.regions(), this.space.region()];
  }

  override collectorFigures(): Record<string, number> {
    return this.los.figures();
  }
}
