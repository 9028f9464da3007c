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
}

/** Watches collections from outside; the heap verifier is one. */
export interface CollectionObserver {
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
  /** Worst fragmentation seen after a full collection. */
  peakFragmentation = 0;
  gcWallMs = 0;
  maxPauseWallMs = 0;
  /** Live bytes the pause in progress found by marking without reclaiming (see markedLive); -1 if none. */
  private markedLiveBytes = -1;

  constructor(
    readonly clock: SimClock,
    private readonly observer?: CollectionObserver,
    /** The work counters; shared with the heap's page tracker, which counts first touches into them. */
    readonly work = new WorkCounters(),
    /** Measures the true peak of live bytes by exact traces at allocations (peak-live.ts); not simulated time. */
    readonly liveProbe?: PeakLiveProbe,
  ) {
    if (liveProbe) this.liveProbeAt = liveProbe.nextAt();
  }

  /**
   * Counts one allocation by the mutator. A collector calls it once the
   * object is allocated and before the mutator can store it, outside any
   * collection: the live-size probe may trace the heap from the roots here.
   */
  allocated(bytes: number): void {
    this.allocatedObjects++;
    this.allocatedBytes += bytes;
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
    return this.clock.mutatorNs(this.allocatedObjects, this.allocatedBytes, this.work, this.gcNs);
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
   * resuming the mutator and scanning the runtime's roots; an event the
   * mutator runs inline where it stands (rc's cascade of frees at a store)
   * does not.
   */
  pause(collector: Collected, kind: string, reason: string, body: () => boolean, safepoint = true): void {
    const index = this.log.length + 1;
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
    if (safepoint) this.work.safepoints++;
    const t0 = performance.now();
    const full = body();
    const wallMs = performance.now() - t0;
    const pauseNs = this.clock.workNs(this.work) - workNsBefore;
    this.gcNs += pauseNs;
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
