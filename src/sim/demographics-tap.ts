/**
 * The mutator's view of the collector when a run tracks demographics: the
 * run's collector, with every allocation reported to the tracker (a census
 * first when one is due, then the birth with its site). Everything else is
 * passed straight through. Only runs with --demographics pay for it: other
 * runs hand the mutator the collector itself.
 */
import type { Collector, CollectorConstraints } from "../collectors/collector.js";
import type { Heap, Region } from "../heap/heap.js";
import type { DemographicsTracker } from "../metrics/demographics.js";
import type { Recorder } from "../metrics/recorder.js";

export class DemographicsTap implements Collector {
  readonly constraints: CollectorConstraints;
  readonly heap: Heap;
  readonly recorder: Recorder;

  constructor(
    private readonly gc: Collector,
    private readonly tracker: DemographicsTracker,
  ) {
    this.constraints = gc.constraints;
    this.heap = gc.heap;
    this.recorder = gc.recorder;
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    this.tracker.beforeAllocation();
    const a = this.gc.alloc(nslots, payloadBytes, site);
    this.tracker.born(a, nslots, payloadBytes, site);
    return a;
  }

  writeRef(obj: number, slot: number, value: number): void {
    this.gc.writeRef(obj, slot, value);
  }

  writeRoot(roots: Int32Array, index: number, value: number): void {
    this.gc.writeRoot(roots, index, value);
  }

  moveRoot(roots: Int32Array, index: number, from: Int32Array, fromIndex: number): void {
    this.gc.moveRoot(roots, index, from, fromIndex);
  }

  retainRoot(ref: number): void {
    this.gc.retainRoot(ref);
  }

  releaseFrame(stack: Int32Array, from: number, to: number): void {
    this.gc.releaseFrame(stack, from, to);
  }

  collectGarbage(reason: string): void {
    this.gc.collectGarbage(reason);
  }

  collectorFigures(): Record<string, number> {
    return this.gc.collectorFigures();
  }

  footprint(): number {
    return this.gc.footprint();
  }

  fragmentation(): number {
    return this.gc.fragmentation();
  }

  parseableRegions(): readonly Region[] {
    return this.gc.parseableRegions();
  }
}
