/**
 * The true peak of live memory, measured by exact traces at allocations
 * (the live-size probe). It owns when to trace and what the traces prove;
 * the tracing itself is src/heap/reachable.ts, and the Recorder calls
 * `probe` from its allocation count when the allocated bytes pass `nextAt`.
 *
 * Live bytes at an instant: the bytes of the objects reachable from the
 * roots, plus the object an allocation has just returned (the mutator holds
 * it until it stores it). Live bytes only grow at an allocation, by that
 * object's size; stores, returns and frame pops can only lower them. So:
 *   - a trace at an allocation (after it, where the new object is not yet
 *     rooted) gives the exact live bytes at that instant: traced + its size;
 *   - between probes at allocations p and q, live bytes never exceed
 *     live(p) + the bytes allocated after p and before q.
 * The probe traces at the allocation that would let that bound pass
 * (1 + precision) x the largest exact figure so far, so
 *   peakLive            = the largest exact figure (live bytes at a real instant),
 *   peakLiveUpperBound  = the largest of those bounds (no instant had more),
 * and peakLive >= true peak / (1 + precision) while the budget allows.
 *
 * Budget: a workload that sits at its peak and churns would be traced every
 * precision x peak bytes. Tracing is held to
 *   trace work <= budget x allocated bytes + (1 + 1/precision) x peakLive,
 * (trace work: what a full trace reads, the live bytes plus 8 per root slot,
 * counted so whether or not the trace ran incrementally: so the schedule,
 * and every figure, is the same under every collector)
 * the second term being what one climb from nothing to the peak costs at
 * that precision; past it the probe waits for allocation to pay for the
 * next trace, and the upper bound says what precision that left.
 *
 * Incremental traces (IncrementalLiveTracer). A climb from nothing to a peak
 * P traced from scratch every precision x P bytes costs P / precision bytes
 * of tracing, 1.6 GB on GCBench's stretch tree. But between two traces the
 * objects the first one found live (O, still marked) mostly stay live, and
 * an object can only lose its last path when a reference to some object is
 * dropped: a root slot changes or its frame is popped, or a reference slot
 * is overwritten. So the mutator reports its reference stores (LiveStoreLog)
 * while O is current, logging every marked object whose reference a store
 * drops ("lost") and every marked object that is given a reference to an
 * unmarked one ("holders"). The next trace then marks, from the roots, only
 * through unmarked objects (N: born since, or reached for the first time),
 * and it must meet every object of L = (the root targets at the last trace)
 * + lost, as a root or referenced from an object it marks:
 *   - if it meets them all, every object of O is still live. Take a path
 *     that reached z in O at the last trace, and its last object v in L
 *     (its first object, a root target, is in L). v is live; no slot on the
 *     path after v was overwritten, or its old target would be in L after v.
 *     So the path from v to z still exists. Then the live set is O plus the
 *     N objects reachable through N objects from the roots and from the
 *     holders' slots (an edge from an O object to an N object was stored
 *     after the last trace, into a holder). The trace marks exactly those.
 *   - if not, it traces again from nothing.
 * The marks are dropped, and the next trace is a full one, by a pause of a
 * collector that moves objects (Recorder.pause), by a new object at a marked
 * address (Recorder.allocated: memory reused), and by a log grown past what
 * a full trace would cost. A pause that only reclaims dead objects keeps
 * them: a marked object among the dead is not met by the next trace. A
 * bottom-up climb (GCBench's MakeTree) meets its dropped root targets as the
 * children of the new parents it marks, so each of its traces costs what
 * was allocated since the last; a top-down one (Populate) does not, and is
 * traced in full, as before. `--verify` checks every incremental trace
 * against a full one.
 */

import type { Heap, Roots } from "../heap/heap.js";
import { IntStack } from "../heap/int-stack.js";
import { NSLOTS_MASK } from "../heap/object-model.js";
import { ReachableBytes } from "../heap/reachable.js";

/** Default relative precision of peakLive: the upper bound is at most 1% above it. */
export const DEFAULT_PEAK_LIVE_PRECISION = 0.01;
/** Default tracing budget: bytes traced per byte allocated, beyond one climb to the peak. */
export const DEFAULT_PEAK_LIVE_BUDGET = 2;

/** Counts the bytes reachable from the roots now. */
export interface LiveTracer {
  measure(): number;
  /** Root slots the last measure read. */
  readonly rootSlots: number;
  /** One bit per granule, set for the objects the last measure found live (IncrementalLiveTracer). */
  readonly marks?: Int32Array;
  /** A marked object's memory was reused: the marks no longer say what was live. */
  invalidate?(): void;
  /** A collector's pause began (it may move objects, or reclaim dead ones). */
  collectorPaused?(): void;
}

export class PeakLiveProbe {
  /** Largest exact live figure seen (bytes). */
  peak = 0;
  /** No instant so far had more live bytes than this. */
  upperBound = 0;
  /** Exact traces made, and their work: bytes of objects traced plus 8 per root slot read. */
  probes = 0;
  traceWork = 0;
  /** Wall-clock ms spent tracing (not deterministic; results' `wall`). */
  wallMs = 0;
  private lastWork = 0;
  /** Live bytes at the last probe, exact, and the allocation count then. */
  private lastLive = 0;
  private allocatedAtProbe = 0;

  /** The tracer's marks (the objects its last trace found live), if it keeps them. */
  readonly marks: Int32Array | null;

  constructor(
    private readonly tracer: LiveTracer,
    private readonly precision = DEFAULT_PEAK_LIVE_PRECISION,
    private readonly budget = DEFAULT_PEAK_LIVE_BUDGET,
  ) {
    this.marks = tracer.marks ?? null;
    if (!(precision > 0 && precision <= 1)) throw new RangeError(`peak-live precision must be in (0, 1], got ${precision}`);
    if (!(budget > 0)) throw new RangeError(`peak-live budget must be positive, got ${budget}`);
  }

  /**
   * The allocation count above which the next probe is due. The run starts
   * as a probe that found nothing live, so the first allocation probes.
   */
  nextAt(): number {
    const precise = this.allocatedAtProbe + this.peak * (1 + this.precision) - this.lastLive;
    // The next trace will cost about what the last one did.
    const spent = this.traceWork + this.lastWork - (1 + 1 / this.precision) * this.peak;
    return Math.max(precise, spent / this.budget);
  }

  /**
   * Traces now: just after an allocation of `justAllocated` bytes brought the
   * count to `allocatedBytes`, before the mutator has stored the new object.
   * Returns the allocation count of the next probe.
   */
  probe(allocatedBytes: number, justAllocated: number): number {
    // The interval since the last probe ends just before this allocation.
    this.bound(this.lastLive + (allocatedBytes - justAllocated - this.allocatedAtProbe));
    const started = performance.now();
    const traced = this.tracer.measure();
    this.wallMs += performance.now() - started;
    this.probes++;
    // Budgeted as a full trace costs, whether or not it was incremental: so the schedule, and every figure, is the same under every collector.
    this.lastWork = traced + 8 * this.tracer.rootSlots;
    this.traceWork += this.lastWork;
    this.lastLive = traced + justAllocated;
    this.allocatedAtProbe = allocatedBytes;
    if (this.lastLive > this.peak) this.peak = this.lastLive;
    this.bound(this.lastLive);
    return this.nextAt();
  }

  /** A collector's pause began. */
  collectorPaused(): void {
    this.tracer.collectorPaused?.();
  }

  /** A new object was allocated where the last trace found a live one: the next trace is a full one. */
  markedAddressReused(): void {
    this.tracer.invalidate?.();
  }

  /** Closes the last interval when the run ends; `finalLive` is exact at the end when known. */
  finish(allocatedBytes: number, finalLive: number | undefined): void {
    this.bound(this.lastLive + (allocatedBytes - this.allocatedAtProbe));
    if (finalLive !== undefined && finalLive > this.peak) this.peak = finalLive;
  }

  private bound(bytes: number): void {
    if (bytes > this.upperBound) this.upperBound = bytes;
  }
}

/**
 * What a mutator reports of its reference stores to the live-size probe,
 * which makes its traces incremental (see the module comment).
 */
export interface LiveStoreLog {
  /** One bit per granule: the objects the last trace found live (`a >> 8`, bit `(a >> 3) & 31`). */
  readonly marks: Int32Array;
  /**
   * Called before a reference store into `holder` replaces `old` by `value`.
   * A mutator may skip the call when `old` is null and `holder` unmarked
   * (there is nothing to log); the generated code does.
   */
  store(holder: number, old: number, value: number): void;
}

/** The probe's tracer: full traces, or incremental ones while the mutator reports its stores. */
export class IncrementalLiveTracer implements LiveTracer, LiveStoreLog {
  readonly marks: Int32Array;
  /** Incremental traces that proved the last live set still live, and those that had to trace in full. */
  incrementalTraces = 0;
  fullTraces = 0;
  /** Bytes of the objects all traces scanned: what the probe really traced (bench/probe-traces.mjs prints it). */
  scannedBytes = 0;
  /** Root slots the last trace read. */
  get rootSlots(): number {
    return this.tracer.rootSlots;
  }

  /** Whether the mutator reports every reference store (`store`); until then every trace is full. */
  private storesReported = false;
  /** The marks are the live set of the last trace, and every store since was logged. */
  private current = false;
  /** Bytes of the marked objects. */
  private markedBytes = 0;
  /** The root targets at the last trace, the marked objects stores dropped a reference to, and marked objects given an unmarked one. */
  private readonly rootTargets = new IntStack();
  private readonly lost = new IntStack();
  private readonly holders = new IntStack();
  /** One bit per granule: the objects in `holders`, each listed once however often it is stored into; their slots. */
  private readonly isHolder: Int32Array;
  private holderSlots = 0;
  private readonly mem: Int32Array;
  private logLimit = 0;
  private readonly tracer: ReachableBytes;
  /** With --verify: an independent full trace to check each incremental one against. */
  private readonly check: ReachableBytes | null;

  constructor(
    heap: Heap,
    private readonly roots: Roots,
    /** The collector moves objects (CollectorConstraints.moving): its pauses drop the marks. */
    private readonly collectorMoves: boolean,
    verify = false,
  ) {
    this.tracer = new ReachableBytes(heap, roots);
    this.marks = this.tracer.marks;
    this.isHolder = new Int32Array(this.marks.length);
    this.mem = heap.mem;
    this.check = verify ? new ReachableBytes(heap, roots) : null;
  }

  /** The mutator reports every reference store from now on. */
  reportsStores(): void {
    this.storesReported = true;
  }

  /** The marks no longer say what was live: the next trace is a full one. */
  invalidate(): void {
    this.current = false;
    this.lost.clear();
    this.clearHolders();
  }

  private clearHolders(): void {
    for (let i = 0; i < this.holders.length; i++) this.isHolder[this.holders.at(i) >> 8] = 0;
    this.holders.clear();
    this.holderSlots = 0;
  }

  /**
   * A pause of a moving collector invalidates the marks. One that does not
   * move objects only reclaims dead ones: a marked one among them fails the
   * next trace's proof, and a new object in its place invalidates the marks
   * as it is allocated (Recorder.allocated).
   */
  collectorPaused(): void {
    if (this.collectorMoves) this.invalidate();
  }

  store(holder: number, old: number, value: number): void {
    if (!this.current) return;
    const marks = this.marks;
    if (old > 0 && (marks[old >> 8] & (1 << ((old >> 3) & 31))) !== 0) this.lost.push(old);
    if (value > 0 && (marks[holder >> 8] & (1 << ((holder >> 3) & 31))) !== 0 && (marks[value >> 8] & (1 << ((value >> 3) & 31))) === 0) {
      const bit = 1 << ((holder >> 3) & 31);
      if ((this.isHolder[holder >> 8] & bit) === 0) {
        this.isHolder[holder >> 8] |= bit;
        this.holders.push(holder);
        this.holderSlots += this.mem[holder >> 2] & NSLOTS_MASK;
      }
    }
    // Past this, reading the log would cost more than tracing everything again.
    if (this.lost.length + this.holders.length + this.holderSlots > this.logLimit) this.invalidate();
  }

  measure(): number {
    const t = this.tracer;
    let bytes = this.current ? this.traceIncrementally() : -1;
    if (bytes < 0) {
      this.fullTraces++;
      t.forget();
      bytes = t.markUnmarked();
      this.scannedBytes += bytes;
    }
    this.markedBytes = bytes;
    this.rootTargets.clear();
    const { globals, stack } = this.roots;
    for (let i = 0; i < globals.length; i++) if (globals[i] > 0) this.rootTargets.push(globals[i]);
    for (let i = 0, sp = this.roots.stackTop(); i < sp; i++) if (stack[i] > 0) this.rootTargets.push(stack[i]);
    this.lost.clear();
    this.clearHolders();
    this.logLimit = Math.max(4096, bytes >> 4);
    this.current = this.storesReported;
    return bytes;
  }

  /** The live bytes now if the last live set is proved still live, else -1. */
  private traceIncrementally(): number {
    const t = this.tracer;
    t.requireProof(this.rootTargets.view(), this.rootTargets.length);
    t.requireProof(this.lost.view(), this.lost.length);
    let added = t.markUnmarked();
    this.scannedBytes += added;
    if (t.unproven > 0) {
      t.dropProofs(this.rootTargets.view(), this.rootTargets.length);
      t.dropProofs(this.lost.view(), this.lost.length);
      return -1;
    }
    const fromHolders = t.markFromHolders(this.holders.view(), this.holders.length);
    this.scannedBytes += fromHolders;
    added += fromHolders;
    this.incrementalTraces++;
    const live = this.markedBytes + added;
    if (this.check !== null) {
      const full = this.check.measure();
      if (full !== live) throw new Error(`internal: the live-size probe's incremental trace counted ${live} live bytes, a full trace ${full}`);
    }
    return live;
  }
}
