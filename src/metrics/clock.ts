/**
 * Simulated time. Mutator time is the cost-weighted count of what the mutator
 * has done: statements, reference loads and stores, payload accesses, calls,
 * allocations, plus collector work done outside pauses (barriers, reference
 * count updates, allocation slow paths). A pause's duration is the
 * cost-weighted work done inside it. Nothing here reads a real clock.
 */
import type { WorkCounters, WorkName } from "./collection-log.js";
import type { CostModel } from "./cost-model.js";

/** Indices into the mutator counter array the generated workload code maintains. */
export const MutatorCounter = {
  statements: 0,
  loads: 1,
  stores: 2,
  calls: 3,
  payloadAccesses: 4,
} as const;
export const MUTATOR_COUNTERS = 5;

export class SimClock {
  private readonly counts = new Float64Array(MUTATOR_COUNTERS);

  constructor(
    readonly costs: CostModel,
    /** Copies the mutator's counters into `out`. */
    private readonly readMutator: (out: Float64Array) => void = () => {},
  ) {}

  readMutatorCounters(out: Float64Array): void {
    this.readMutator(out);
  }

  /** Simulated nanoseconds of the given collector work. */
  workNs(work: WorkCounters): number {
    const c = this.costs;
    return (
      work.rootsScanned * c.rootScanned +
      work.objectsMarked * c.objectMarked +
      work.slotsScanned * c.slotScanned +
      work.objectsCopied * c.objectCopied +
      (work.bytesCopied / 8) * c.wordCopied +
      work.cellsSwept * c.cellSwept +
      work.objectsFreed * c.objectFreed +
      work.rcIncrements * c.rcIncrement +
      work.rcDecrements * c.rcDecrement +
      work.barrierExecutions * c.barrierExecuted +
      work.remsetEntriesProcessed * c.remsetEntryProcessed +
      work.allocationSlowPaths * c.allocationSlowPath +
      work.safepoints * (c.safepoint + c.runtimeRoots) +
      work.pagesPrepared * c.pagePrepared +
      work.pagesTouched * c.pageFirstTouch +
      // Later terms go last: 0 for collectors without them, so every earlier sum stays bit-for-bit the same.
      work.barrierShades * c.barrierShade +
      work.mutatorStops * c.safepoint
    );
  }

  /**
   * Mutator time so far: the mutator's own operations, its allocations, and
   * the collector work done outside pauses - the cost of all work so far less
   * `gcNs`, the cost of the work done inside pauses, and less `concurrentNs`,
   * the cost of the work a collector thread did beside the mutator (on
   * another simulated CPU, so it is nobody's mutator time).
   */
  mutatorNs(allocatedObjects: number, allocatedBytes: number, work: WorkCounters, gcNs: number, concurrentNs = 0): number {
    this.readMutator(this.counts);
    const c = this.costs;
    const m = this.counts;
    return (
      m[MutatorCounter.statements] * c.statement +
      m[MutatorCounter.loads] * c.referenceLoad +
      m[MutatorCounter.stores] * c.referenceStore +
      m[MutatorCounter.calls] * c.call +
      m[MutatorCounter.payloadAccesses] * c.payloadAccess +
      allocatedObjects * c.allocation +
      allocatedBytes * c.allocationByte +
      (this.workNs(work) - gcNs - concurrentNs)
    );
  }
}

/**
 * What one unit of a work counter costs (simulated ns): the terms of
 * SimClock.workNs one by one, for figures that split a pause by counter (the
 * trace's phases). workNs keeps its own sum so pause times stay bit-for-bit
 * as they were; a test checks the two agree term by term.
 */
export function workUnitNs(work: WorkName, c: CostModel): number {
  switch (work) {
    case "rootsScanned":
      return c.rootScanned;
    case "objectsMarked":
      return c.objectMarked;
    case "slotsScanned":
      return c.slotScanned;
    case "objectsCopied":
      return c.objectCopied;
    case "bytesCopied":
      return c.wordCopied / 8;
    case "cellsSwept":
      return c.cellSwept;
    case "objectsFreed":
      return c.objectFreed;
    case "rcIncrements":
      return c.rcIncrement;
    case "rcDecrements":
      return c.rcDecrement;
    case "barrierExecutions":
      return c.barrierExecuted;
    case "remsetEntriesProcessed":
      return c.remsetEntryProcessed;
    case "allocationSlowPaths":
      return c.allocationSlowPath;
    case "safepoints":
      return c.safepoint + c.runtimeRoots;
    case "pagesPrepared":
      return c.pagePrepared;
    case "pagesTouched":
      return c.pageFirstTouch;
    case "barrierShades":
      return c.barrierShade;
    case "mutatorStops":
      return c.safepoint;
  }
}
