/**
 * The plan of incremental and concurrent mark-sweep: mark-sweep whose
 * marking is spread over a cycle instead of one pause (GC Handbook, 2nd
 * ed., chs. 15-16). One class for both collectors; what differs is the
 * schedule it is built with (pacing/schedule.ts): increments that stop the
 * mutator (incremental-mark-sweep) or a collector thread beside it
 * (concurrent-mark-sweep).
 *
 *   1. trigger       - when the bytes allocated since the last cycle reach
 *                      the pacer's trigger (pacing/pacer.ts), the next poll
 *                      starts a cycle
 *   2. initial mark  - pause: finish the previous sweep, grey the roots
 *   3. marking       - at every poll (an allocation or a reference store,
 *                      the only points where the mutator and the marker can
 *                      observe each other) the schedule says how much to
 *                      mark: an `increment` pause, or concurrent work on the
 *                      collector thread's clock; the barrier
 *                      (barriers/marking-barriers.ts) greys what the
 *                      mutator would otherwise hide; with assists on, an
 *                      allocation that outruns the marker marks its debt
 *                      inline (`assist`)
 *   4. remark        - when the grey stack is empty at an allocation:
 *                      pause; rescan the roots if the barrier needs it,
 *                      drain, measure floating garbage, start the sweep
 *   5. sweep         - lazy, by allocation, paced to end before the next
 *                      trigger; what is left is swept in the initial mark
 *
 * Exhaustion: an allocation that fails mid-cycle finishes marking
 * stop-the-world (`degenerated`), then sweeps; if that is not enough, or
 * outside a cycle, a complete stop-the-world collection (`full`); then out
 * of memory. With `on-exhaustion=oom` any such failure is out of memory,
 * so `gcsim minheap` measures the heap needed to stay incremental.
 * An explicit collection (`collect`, the end of a run) mid-cycle abandons
 * the cycle (its marks are cleared) and runs a complete one.
 *
 * Invariants: marks are side bits (the verifier finds no header mark
 * between pauses); while marking, every object is white (unmarked), grey
 * (marked, on the stack) or black (marked, scanned), and the barrier keeps
 * the invariant it names; the sweep never runs while marking; marking only
 * completes at an allocation, where no reference is held outside the roots
 * and the heap (a store's operands are, so it may mark but not complete).
 */
import { InputError } from "../../errors.js";
import { traceGraph } from "../../heap/trace.js";
import { objectBytes } from "../../heap/object-model.js";
import type { MarkingView } from "../../metrics/recorder.js";
import type { CycleOutcome } from "../../metrics/cycle-log.js";
import { MainAndLargeObjectPlan, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { choice, largeObjectOptions, type OptionSpec } from "../options.js";
import { MARKING_BARRIERS, type MarkingBarrier, type MarkingBarrierName } from "../barriers/marking-barriers.js";
import { assistRatio, consMarkRatio, smoothConsMark, sweepPace, triggerBytes } from "../pacing/pacer.js";
import type { MarkingSchedule, Weights } from "../pacing/schedule.js";
import { FreeListSpace, LAZY_SWEEP_STEP_BYTES } from "../spaces/free-list-space.js";
import { LargeObjectSpace } from "../spaces/large-object-space.js";
import { Marker, markBitmapFor } from "../trace/marker.js";

export const markingConstraints: CollectorConstraints = { moving: false, storeBarrier: true, rootBarrier: false, reclaims: "all" };

/** Go's over-assist chunk: an allocation assists only once it owes this many bytes of marking. */
export const ASSIST_CHUNK_BYTES = 64 * 1024;

/** A share of the free space, "NN%", or auto. */
function triggerOption(description: string): OptionSpec<number | null> {
  return {
    description,
    default: "auto",
    parse(value) {
      if (value === "auto") return null;
      const m = /^(\d+(?:\.\d+)?)%$/.exec(value);
      if (!m || Number(m[1]) <= 0 || Number(m[1]) > 100) throw new Error("expected auto or a share of the free space such as 50%");
      return Number(m[1]) / 100;
    },
  };
}


/** Options both collectors share. */
export const markingOptions = {
  ...largeObjectOptions,
  barrier: choice(["satb", "iu"], "satb", "satb: Yuasa deletion barrier, snapshot at the beginning (weak invariant); iu: Dijkstra insertion barrier, incremental update (strong invariant; the remark rescans the roots)"),
  alloc: choice(["black", "white"], "black", "colour of objects allocated while marking; white (iu only) lets objects that die during marking be reclaimed, but the remark must trace the survivors"),
  trigger: triggerOption("when a cycle starts: auto (the pacer: free space less the runway the last cycles needed) or a fixed share of the free space after the last cycle, e.g. 50%"),
  "on-exhaustion": choice(["stw", "oom"], "stw", "an allocation that fails mid-cycle: stw finishes marking stop-the-world (degenerated), then collects fully; oom ends the run out of memory (minheap then measures the heap needed to stay incremental)"),
};

export interface MarkingPlanOptions {
  /** Objects over this many bytes go to the large-object space. */
  large: number;
  barrier: MarkingBarrierName;
  alloc: "black" | "white";
  trigger: number | null;
  "on-exhaustion": "stw" | "oom";
  /** Mutator assists (concurrent only). */
  assists: boolean;
}

export class MarkingCycleCollector extends MainAndLargeObjectPlan {
  readonly constraints = markingConstraints;
  protected readonly space: FreeListSpace;
  protected readonly los: LargeObjectSpace;
  protected readonly markBits: Uint32Array;
  protected readonly marker: Marker;
  protected readonly barrier: MarkingBarrier;
  private readonly weights: Weights;
  private readonly allocateBlack: boolean;
  private readonly view: MarkingView;
  private readonly spaceBytes: number;
  /** True between the initial mark and the end of marking. */
  protected markingActive = false;
  /** Allocation count at which the idle poll runs next (trigger or sweep pacing). */
  private pollAt = 0;
  private triggerAt = 0;
  private nextSweepAt = Infinity;
  private sweepEvery = 1;
  /** Objects and bytes allocated black in the current cycle. */
  private blackObjects = 0;
  private blackBytes = 0;
  private consMark: number | null = null;
  private lastLive = 0;
  /** Bytes reachable when the last cycle ended: what the next is expected to scan. */
  private lastScan = 0;
  private cycleAllocatedAtStart = 0;
  private cycleAssistRatio = 0;

  constructor(
    context: CollectorContext,
    private readonly options: MarkingPlanOptions,
    private readonly schedule: MarkingSchedule,
    weights: "ns" | "bytes",
  ) {
    super(context);
    if (options.barrier === "satb" && options.alloc === "white") {
      throw new InputError("--opt alloc=white needs --opt barrier=iu: under a snapshot barrier an object allocated white during marking is never marked (nothing rescans the roots), so it would be swept while in use");
    }
    this.los = new LargeObjectSpace(this.heap, this.work, options.large);
    this.space = new FreeListSpace(this.heap, this.heap.start, this.heap.end, this.los);
    this.spaceBytes = this.heap.end - this.heap.start;
    this.markBits = markBitmapFor(this.mem);
    this.marker = new Marker(this.mem, this.work, this.markBits);
    this.barrier = new MARKING_BARRIERS[options.barrier](this.mem, this.marker, this.work);
    this.allocateBlack = options.alloc === "black" || this.barrier.needsBlackAllocation;
    const costs = this.recorder.clock.costs;
    this.weights = weights === "ns" ? { object: costs.objectMarked, slot: costs.slotScanned, byte: 0 } : { object: 0, slot: 0, byte: 1 };
    const marker = this.marker;
    this.view = {
      invariant: this.barrier.invariant,
      isMarked: (a) => marker.isMarked(a),
      forEachGrey: (f) => marker.forEachGrey(f),
    };
    this.scheduleNextCycle();
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    if (this.markingActive) this.pollMarking(true);
    else if (this.recorder.allocatedBytes >= this.pollAt) this.pollIdle();
    const large = bytes > this.los.threshold;
    let a = large ? this.allocLarge(bytes) : this.space.alloc(bytes);
    if (a === 0) a = this.allocSlow(bytes, site, large);
    this.finishAlloc(a, nslots, payloadBytes, bytes);
    if (this.markingActive && this.allocateBlack) {
      this.marker.markBlack(a);
      this.blackObjects++;
      this.blackBytes += bytes;
    }
    return a;
  }

  override writeRef(obj: number, slot: number, value: number): void {
    this.work.barrierExecutions++;
    if (this.markingActive) {
      this.pollMarking(false);
      this.barrier.beforeStore(obj, slot, value);
    }
    this.mem[(obj >> 2) + 2 + 2 * slot] = value;
  }

  /** Outside a cycle: sweep the steps the sweep pacing owes, and start a cycle at the trigger. */
  private pollIdle(): void {
    const allocated = this.recorder.allocatedBytes;
    while (this.space.sweepPending && allocated >= this.nextSweepAt) {
      this.space.sweepStep();
      this.nextSweepAt += this.sweepEvery;
    }
    if (allocated >= this.triggerAt) this.startCycle("allocation-trigger");
    else this.pollAt = Math.min(this.triggerAt, this.space.sweepPending ? this.nextSweepAt : Infinity);
  }

  /** During a cycle: do the marking the schedule (and the assist debt) asks for; at an allocation, end marking when nothing is grey. */
  private pollMarking(atAllocation: boolean): void {
    const recorder = this.recorder;
    const schedule = this.schedule;
    const w = this.weights;
    const now = recorder.elapsedNs();
    const budget = schedule.budget(now, recorder.allocatedBytes);
    if (budget > 0 && this.marker.greyEntries > 0) {
      let spent = 0;
      if (schedule.concurrent) {
        recorder.beginConcurrent();
        spent = this.marker.drainBudget(budget, w.object, w.slot, w.byte);
        recorder.endConcurrent();
      } else {
        recorder.pause(
          this,
          "increment",
          "pacing",
          () => {
            spent = this.marker.drainBudget(budget, w.object, w.slot, w.byte);
            return false;
          },
          "stop",
        );
      }
      schedule.ran(spent, budget, recorder.elapsedNs(), recorder.allocatedBytes);
      if (this.marker.greyEntries > 0) recorder.markingStep(this);
    } else if (budget > 0) {
      schedule.ran(0, budget, now, recorder.allocatedBytes);
    }
    if (!atAllocation) return;
    if (this.options.assists && this.marker.greyEntries > 0) this.assist();
    if (this.marker.greyEntries === 0) this.completeMarking("remark", "marking-done", "completed");
  }

  /**
   * A mutator assist (Go's): when the bytes allocated this cycle, times the
   * assist ratio, exceed the bytes marked by more than a chunk, the
   * allocating mutator marks the difference itself, inline.
   */
  private assist(): void {
    const owed = this.cycleAssistRatio * (this.recorder.allocatedBytes - this.cycleAllocatedAtStart) - this.marker.scannedBytes;
    if (owed <= ASSIST_CHUNK_BYTES) return;
    this.event("assist", "allocation-outran-marking", () => {
      this.marker.drainBudget(owed, 0, 0, 1);
      return false;
    });
    if (this.marker.greyEntries > 0) this.recorder.markingStep(this);
  }

  private startCycle(reason: string): void {
    const recorder = this.recorder;
    recorder.beginCycle();
    this.pause("initial-mark", reason, () => {
      // Sweep termination: what the paced sweep has not done yet is done here, where it is visible.
      this.space.finishSweep();
      this.marker.resetScanned();
      this.blackObjects = 0;
      this.blackBytes = 0;
      this.marker.markRoots(this.roots);
      this.markingActive = true;
      return false;
    });
    this.nextSweepAt = Infinity;
    const used = recorder.heapUsedBytes;
    // Assists budget on everything the last cycle marked, floating garbage included: erring high keeps the
    // cycle ahead of the allocation that would otherwise degenerate it.
    const expectedScan = this.lastLive > 0 ? this.lastLive : used;
    this.cycleAssistRatio = assistRatio(expectedScan, this.spaceBytes - used);
    this.cycleAllocatedAtStart = recorder.allocatedBytes;
    this.schedule.begin(recorder.elapsedNs(), recorder.allocatedBytes, this.cycleAssistRatio);
    recorder.cycleStarted(this);
  }

  /**
   * Ends marking in a pause: a `remark` when the grey stack emptied, a
   * `degenerated` finish when an allocation failed mid-cycle. Rescans the
   * roots if the barrier needs it, drains, lets the verifier check that
   * everything reachable is marked, measures floating garbage, and starts
   * the lazy sweep.
   */
  private completeMarking(kind: "remark" | "degenerated", reason: string, outcome: CycleOutcome): void {
    const recorder = this.recorder;
    let floatingObjects = 0;
    let floatingBytes = 0;
    const w = this.weights;
    recorder.pause(
      this,
      kind,
      reason,
      () => {
        if (this.barrier.rescansRoots) this.marker.markRoots(this.roots);
        this.marker.drainBudget(Infinity, w.object, w.slot, w.byte);
        recorder.cycleMarked(this);
        this.markingActive = false;
        // Floating garbage: marked, but unreachable now (an exact, untimed trace).
        const reachable = traceGraph(this.heap, this.roots);
        floatingObjects = this.markedObjects() - reachable.objects;
        floatingBytes = this.markedBytes() - reachable.bytes;
        recorder.markedLive(this.markedBytes());
        // The large objects are swept in the pause (their list is short), the free-list space lazily after it.
        this.los.sweep(recorder, this.markBits);
        this.space.beginSweep(recorder, this.markBits);
        return false;
      },
      // A snapshot remark only stops the mutator; one that rescans the roots is a full safepoint.
      this.barrier.rescansRoots ? true : "stop",
    );
    const allocatedDuring = recorder.allocatedBytes - this.cycleAllocatedAtStart;
    recorder.endCycle({ outcome, markedObjects: this.markedObjects(), markedBytes: this.markedBytes(), floatingObjects, floatingBytes });
    this.consMark = smoothConsMark(this.consMark, consMarkRatio(allocatedDuring, this.marker.scannedBytes));
    this.lastLive = this.markedBytes();
    this.lastScan = this.markedBytes() - floatingBytes;
    this.scheduleNextCycle();
  }

  private markedObjects(): number {
    return this.marker.scannedObjects + this.blackObjects;
  }

  private markedBytes(): number {
    return this.marker.scannedBytes + this.blackBytes;
  }

  /** Sets the next trigger from the last live size, and the pace of the sweep that runs until then. */
  private scheduleNextCycle(): void {
    const allocated = this.recorder.allocatedBytes;
    const after = triggerBytes({ heapBytes: this.spaceBytes, liveBytes: this.lastLive, scanBytes: this.lastScan, consMarkRatio: this.consMark, fixedShare: this.options.trigger });
    this.triggerAt = allocated + after;
    if (this.space.sweepPending) {
      this.sweepEvery = sweepPace(after, this.spaceBytes, LAZY_SWEEP_STEP_BYTES);
      this.nextSweepAt = allocated + this.sweepEvery;
    } else {
      this.nextSweepAt = Infinity;
    }
    this.pollAt = Math.min(this.triggerAt, this.nextSweepAt);
  }

  /** A large object's pages, within the budget the free-list space leaves (which gives back free pages if it can), or 0. */
  private allocLarge(bytes: number): number {
    return this.los.allocBeside(bytes, this.space, this.heap.heapBytes);
  }

  /** The allocation slow path: sweep until it fits; mid-cycle, finish marking stop-the-world; then collect fully; then out of memory. */
  private allocSlow(bytes: number, site: number, large: boolean): number {
    this.work.allocationSlowPaths++;
    let a = large ? 0 : this.space.sweepUntilFits(bytes);
    if (a !== 0) return a;
    if (this.options["on-exhaustion"] === "oom") this.outOfMemory(site, bytes);
    if (this.markingActive) {
      this.completeMarking("degenerated", "allocation-failure", "degenerated");
      a = large ? this.allocLarge(bytes) : this.space.sweepUntilFits(bytes);
      if (a !== 0) return a;
    }
    return large ? this.allocLargeAfterFullCollection(bytes, site, this.los, this.space) : this.allocAfterFullCollection(bytes, site, this.space);
  }

  /** A complete stop-the-world collection; mid-cycle, the cycle is abandoned first. */
  collectGarbage(reason: string): void {
    if (this.markingActive) this.abandonCycle();
    this.pause("full", reason, () => {
      this.space.finishSweep();
      this.marker.markFromRoots(this.roots);
      this.los.sweep(this.recorder, this.markBits);
      this.space.sweep(this.recorder, this.markBits);
      return true;
    });
    this.lastLive = this.recorder.heapUsedBytes;
    this.lastScan = this.lastLive;
    this.scheduleNextCycle();
  }

  /** Gives up the open cycle: its greys are forgotten and its marks cleared, so the full collection after it starts white. */
  private abandonCycle(): void {
    this.marker.clearStack();
    this.markBits.fill(0);
    this.markingActive = false;
    this.recorder.endCycle({ outcome: "abandoned", markedObjects: this.markedObjects(), markedBytes: this.markedBytes(), floatingObjects: 0, floatingBytes: 0 });
  }

  marking(): MarkingView | null {
    return this.markingActive ? this.view : null;
  }

  override fragmentation(): number {
    return this.space.fragmentation();
  }
}
