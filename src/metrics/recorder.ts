/**
 * The bookkeeping every collector is measured by, kept outside the
 * collectors: what the mutator allocated and the collector freed, the
 * collection log, the work counters, simulated time spent in pauses, and
 * the peaks sampled around each pause. A collector is handed a Recorder when
 * it is built; it counts allocations and frees into it and wraps each
 * stop-the-world piece of work in `pause`, which also calls the observer
 * (the heap verifier) before and after.
 */
import type { Region } from "../heap/heap.js";
import type { SimClock } from "./clock.js";
import { CollectionLog, WORK_NAMES, WorkCounters, snapshotWork } from "./collection-log.js";
import { CycleLog, type CycleEnd } from "./cycle-log.js";
import type { PeakLiveProbe } from "./peak-live.js";

/** What the recorder and its observer may ask of the collector whose pause is being recorded. */
export interface Collected {
  /** Bytes of the heap in use, as a real runtime would have to keep them committed. */
  footprint(): number;
  /** Free bytes outside the largest free chunk, as a share of free bytes (0 for bump-allocated spaces). */
  fragmentation(): number;
  /** Regions holding every allocated object, formatted for a linear walk. */
  parseableRegions(): readonly Region[];
  /** The reference count kept for an object, by a collector that counts references. */
  referenceCount?(address: number): number;
  /** Whether the object at `address` is young (in the nursery, or not yet sticky-marked), by a collector with generations. */
  isYoung?(address: number): boolean;
  /** The colours of a marking in progress (incremental and concurrent collectors), or null outside one. */
  marking?(): MarkingView | null;
}

/**
 * What the verifier may read of a marking in progress, to check the
 * tri-colour invariant its barrier promises (Dijkstra et al. 1978; GC
 * Handbook ch. 15). White: not marked; grey: marked and still on the mark
 * stack; black: marked and scanned.
 *   strong (incremental update): no black object refers to a white one;
 *   weak (snapshot at the beginning): every white object a black object or a
 *     root refers to is reachable from a grey object through white objects.
 */
export interface MarkingView {
  readonly invariant: "strong" | "weak";
  isMarked(address: number): boolean;
  /** Calls `f` with every grey object (an object may be reported more than once). */
  forEachGrey(f: (address: number) => void): void;
}

/** Cycle milestones, for observers that check a marking (the verifier). */
export interface CycleObserver {
  /** After the initial-mark pause: the roots are grey. */
  cycleStarted?(collector: Collected, recorder: Recorder, cycle: number): void;
  /** After a piece of marking that did not end it: an increment, a concurrent quantum. */
  markingStep?(collector: Collected, recorder: Recorder, cycle: number, step: number): void;
  /** When marking is complete, before anything is swept: everything reachable must be marked. */
  cycleMarked?(collector: Collected, recorder: Recorder, cycle: number): void;
}

/** Watches collections (and, optionally, marking cycles) from outside; the heap verifier is one. */
export interface CollectionObserver extends CycleObserver {
  beforeCollection(collector: Collected, recorder: Recorder, index: number): void;
  afterCollection(collector: Collected, recorder: Recorder, index: number, full: boolean): void;
}

export class Recorder {
  readonly log = new CollectionLog();
  /** Work counters when the current pause began (reused: no allocation per pause). */
  private readonly workBefore = new Float64Array(WORK_NAMES.length);

  /** Cumulative allocation by the mutator. */
  allocatedObjects = 0;
  allocatedBytes = 0;
  /** Cumulative reclamation by the collector. */
  freedObjects = 0;
  freedBytes = 0;
  /** Simulated nanoseconds spent in pauses so far. */
  gcNs = 0;
  peakFootprint = 0;
  /** Allocation count at which the live-size probe traces next (never, without a probe). */
  private liveProbeAt = Infinity;
  /** The objects the probe's last trace found live, one bit per granule; null without a probe that keeps marks. */
  private readonly liveMarks: Int32Array | null;
  /** Worst fragmentation seen after a full collection. */
  peakFragmentation = 0;
  gcWallMs = 0;
  maxPauseWallMs = 0;
  /** Live bytes the pause in progress found by marking without reclaiming (see markedLive); -1 if none. */
  private markedLiveBytes = -1;
  /** Simulated ns of collector work done beside the mutator (beginConcurrent/endConcurrent), on another CPU. */
  concurrentNs = 0;
  private concurrentWorkNsBefore = 0;
  /** Marking cycles of incremental and concurrent collectors. */
  readonly cycles = new CycleLog();
  /** The open cycle's index, or -1. */
  private openCycle = -1;
  private cycleStartNs = 0;
  private cycleAllocatedAtStart = 0;
  private cycleUsedAtStart = 0;
  private cycleConcurrentAtStart = 0;
  private cycleShadesAtStart = 0;
  private cyclePauses = 0;
  private cyclePauseNs = 0;
  private cycleSteps = 0;

  constructor(
    readonly clock: SimClock,
    private readonly observer?: CollectionObserver,
    /** The work counters; shared with the heap's page tracker, which counts first touches into them. */
    readonly work = new WorkCounters(),
    /** Measures the true peak of live bytes by exact traces at allocations (peak-live.ts); not simulated time. */
    readonly liveProbe?: PeakLiveProbe,
  ) {
    if (liveProbe) this.liveProbeAt = liveProbe.nextAt();
    this.liveMarks = liveProbe?.marks ?? null;
  }

  /**
   * Counts one allocation by the mutator, at `address` (0: not said). A
   * collector calls it once the object is allocated and before the mutator
   * can store it, outside any collection: the live-size probe may trace the
   * heap from the roots here.
   */
  allocated(bytes: number, address = 0): void {
    this.allocatedObjects++;
    this.allocatedBytes += bytes;
    // A new object where the probe's last trace found a live one: memory was reclaimed outside a pause.
    if (this.liveMarks !== null && (this.liveMarks[address >> 8] & (1 << ((address >> 3) & 31))) !== 0) this.liveProbe!.markedAddressReused();
    if (this.allocatedBytes > this.liveProbeAt) this.liveProbeAt = this.liveProbe!.probe(this.allocatedBytes, bytes);
  }

  /** Counts objects reclaimed one by one. */
  freed(objects: number, bytes: number): void {
    this.freedObjects += objects;
    this.freedBytes += bytes;
  }

  /** Records that exactly `objects` objects of `bytes` bytes remain: for collectors that count survivors, not the dead. */
  survived(objects: number, bytes: number): void {
    this.freedObjects = this.allocatedObjects - objects;
    this.freedBytes = this.allocatedBytes - bytes;
  }

  get heapObjects(): number {
    return this.allocatedObjects - this.freedObjects;
  }

  get heapUsedBytes(): number {
    return this.allocatedBytes - this.freedBytes;
  }

  /** Simulated mutator time so far (ns). */
  mutatorNs(): number {
    return this.clock.mutatorNs(this.allocatedObjects, this.allocatedBytes, this.work, this.gcNs, this.concurrentNs);
  }

  /** Simulated elapsed time so far (ns): mutator time plus pauses. Collector-thread work overlaps it. */
  elapsedNs(): number {
    return this.mutatorNs() + this.gcNs;
  }

  /**
   * Brackets collector work done on a collector thread beside the mutator:
   * its cost goes to `concurrentNs`, not to the mutator's time nor to pauses.
   * Two calls rather than a callback, so the poll that calls them allocates nothing.
   */
  beginConcurrent(): void {
    this.concurrentWorkNsBefore = this.clock.workNs(this.work);
  }

  endConcurrent(): void {
    this.concurrentNs += this.clock.workNs(this.work) - this.concurrentWorkNsBefore;
  }

  /** The open cycle's index, or -1. */
  get cycle(): number {
    return this.openCycle;
  }

  /** Opens a marking cycle; call it just before the initial-mark pause. */
  beginCycle(): void {
    if (this.openCycle >= 0) throw new Error("a marking cycle is already open");
    this.openCycle = this.cycles.length;
    this.cycleStartNs = this.elapsedNs();
    this.cycleAllocatedAtStart = this.allocatedBytes;
    this.cycleUsedAtStart = this.heapUsedBytes;
    this.cycleConcurrentAtStart = this.concurrentNs;
    this.cycleShadesAtStart = this.work.barrierShades;
    this.cyclePauses = 0;
    this.cyclePauseNs = 0;
    this.cycleSteps = 0;
  }

  /** Tells the observer the roots of the open cycle are grey (after its initial-mark pause). */
  cycleStarted(collector: Collected): void {
    this.observer?.cycleStarted?.(collector, this, this.openCycle);
  }

  /** Tells the observer a piece of marking ended without completing it. */
  markingStep(collector: Collected): void {
    this.observer?.markingStep?.(collector, this, this.openCycle, ++this.cycleSteps);
  }

  /** Tells the observer marking is complete (before the sweep). */
  cycleMarked(collector: Collected): void {
    this.observer?.cycleMarked?.(collector, this, this.openCycle);
  }

  /** Closes the open cycle. */
  endCycle(end: CycleEnd): void {
    if (this.openCycle < 0) throw new Error("no marking cycle is open");
    this.cycles.add({
      index: this.openCycle,
      startNs: this.cycleStartNs,
      endNs: this.elapsedNs(),
      outcome: end.outcome,
      pauses: this.cyclePauses,
      pauseNs: this.cyclePauseNs,
      concurrentNs: this.concurrentNs - this.cycleConcurrentAtStart,
      markedObjects: end.markedObjects,
      markedBytes: end.markedBytes,
      allocatedBytes: this.allocatedBytes - this.cycleAllocatedAtStart,
      usedAtStart: this.cycleUsedAtStart,
      usedAtEnd: this.heapUsedBytes,
      floatingObjects: end.floatingObjects,
      floatingBytes: end.floatingBytes,
      barrierShades: this.work.barrierShades - this.cycleShadesAtStart,
    });
    this.openCycle = -1;
  }

  /**
   * Called inside a pause that marks but leaves reclamation to later (lazy
   * sweeping): the bytes its marking found live, so the log knows the live
   * size although the heap still holds the garbage.
   */
  markedLive(bytes: number): void {
    this.markedLiveBytes = bytes;
  }

  /**
   * Wraps one stop-the-world piece of collector work. `body` does the work,
   * counting what it frees and the work it does, and says whether it
   * reclaimed every unreachable object (a full collection). A `safepoint`
   * pause (every collection) also pays the fixed cost of stopping and
   * resuming the mutator and scanning the runtime's roots; a `stop` pause
   * (an increment of marking, a snapshot remark) only the cost of stopping
   * and resuming; an event the mutator runs inline where it stands (rc's
   * cascade of frees at a store, a mutator assist) neither.
   */
  pause(collector: Collected, kind: string, reason: string, body: () => boolean, safepoint: boolean | "stop" = true): void {
    const index = this.log.length + 1;
    // A pause may move objects or reclaim dead ones: the probe's marks may no longer say what is live.
    this.liveProbe?.collectorPaused();
    this.observer?.beforeCollection(collector, this, index);
    const objectsBefore = this.heapObjects;
    const bytesBefore = this.heapUsedBytes;
    // The heap is at its fullest when a collection starts.
    const footprintBefore = collector.footprint();
    this.peakFootprint = Math.max(this.peakFootprint, footprintBefore);
    const startNs = this.mutatorNs() + this.gcNs;
    // Pause cost is the cost of the work counted while it ran (workNs is linear in the counters).
    const workNsBefore = this.clock.workNs(this.work);
    snapshotWork(this.work, this.workBefore);
    if (safepoint === "stop") this.work.mutatorStops++;
    else if (safepoint) this.work.safepoints++;
    const t0 = performance.now();
    const full = body();
    const wallMs = performance.now() - t0;
    const pauseNs = this.clock.workNs(this.work) - workNsBefore;
    this.gcNs += pauseNs;
    if (this.openCycle >= 0) {
      this.cyclePauses++;
      this.cyclePauseNs += pauseNs;
    }
    const footprintAfter = collector.footprint();
    if (footprintAfter > this.peakFootprint) this.peakFootprint = footprintAfter;
    const bytesAfter = this.heapUsedBytes;
    // Measured after full collections only: elsewhere free memory still holds unreclaimed garbage.
    const fragmentationAfter = full ? collector.fragmentation() : null;
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
        liveAfter: full ? bytesAfter : this.markedLiveBytes >= 0 ? this.markedLiveBytes : null,
        footprintBefore,
        fragmentationAfter,
        cycle: this.openCycle,
      },
      this.workBefore,
      this.work,
    );
    this.markedLiveBytes = -1;
    this.gcWallMs += wallMs;
    if (wallMs > this.maxPauseWallMs) this.maxPauseWallMs = wallMs;
    if (fragmentationAfter !== null && fragmentationAfter > this.peakFragmentation) this.peakFragmentation = fragmentationAfter;
    this.observer?.afterCollection(collector, this, index, full);
  }
}
