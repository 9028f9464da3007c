/**
 * When marking work happens during a cycle and how much: the schedules of
 * incremental and concurrent marking, laid out on the simulated clock. Each
 * is asked at every poll (an allocation or a reference store while marking)
 * how much work to do now, and told what was done. Pure arithmetic over
 * simulated ns and byte counts, tested without a heap.
 *
 *   TimeSlices      incremental, paced by time (Metronome; Bacon et al.,
 *                   POPL 2003): a `quantum` of marking at most once per
 *                   `period`, so any window of a period holds at most one
 *                   increment.
 *   AllocationPaced incremental, paced by allocation (Baker 1978): every
 *                   `incrementBytes` allocated, k bytes scanned per byte
 *                   allocated since the last increment.
 *   CollectorThread concurrent: a collector thread with a share `cpu` of
 *                   another core; at a poll it has done (elapsed since it
 *                   last ran) x cpu of work, in slices of at least
 *                   THREAD_SLICE_NS of its own time.
 *
 * Budgets are in the units `weights` names: cost-model ns for time-paced
 * schedules, bytes scanned for allocation pacing. A piece of work that
 * crosses its budget is finished (one object or one chunk of a large one);
 * the overshoot is a debt taken from the next budget.
 */

/** Units of a budget: weights of an object, a slot and a byte scanned (Marker.drainBudget). */
export interface Weights {
  object: number;
  slot: number;
  byte: number;
}

export interface MarkingSchedule {
  /** Whether the work runs beside the mutator (a collector thread) rather than in increments that stop it. */
  readonly concurrent: boolean;
  /** A cycle starts (after its initial-mark pause) at elapsed `nowNs` with `allocatedBytes` allocated so far. */
  begin(nowNs: number, allocatedBytes: number, k: number): void;
  /** The budget to spend now; 0 for none. */
  budget(nowNs: number, allocatedBytes: number): number;
  /** Work `spent` out of `budget` was done, finishing at elapsed `nowNs` (after its pause, if it was one). */
  ran(spent: number, budget: number, nowNs: number, allocatedBytes: number): void;
  /** A pause ended at `nowNs` (a collector thread does the stop-the-world work itself, so it does not mark during one). */
  paused(nowNs: number): void;
}

export class TimeSlices implements MarkingSchedule {
  readonly concurrent = false;
  private nextAt = 0;
  private debt = 0;

  constructor(
    /** Length of the period in which at most one increment runs (ns). */
    readonly periodNs: number,
    /** Marking work per increment (ns). */
    readonly quantumNs: number,
  ) {}

  begin(nowNs: number): void {
    this.nextAt = nowNs + Math.max(0, this.periodNs - this.quantumNs);
    this.debt = 0;
  }

  budget(nowNs: number): number {
    return nowNs >= this.nextAt ? Math.max(this.quantumNs - this.debt, this.quantumNs / 8) : 0;
  }

  ran(spent: number, budget: number, nowNs: number): void {
    this.debt = Math.max(0, spent - budget);
    this.nextAt = nowNs + Math.max(0, this.periodNs - this.quantumNs);
  }

  paused(): void {}
}

export class AllocationPaced implements MarkingSchedule {
  readonly concurrent = false;
  private lastAt = 0;
  private debt = 0;
  private k = 1;

  constructor(
    /** Bytes allocated between increments. */
    readonly incrementBytes: number,
    /** Bytes scanned per byte allocated; null: the pacer's estimate at each cycle start. */
    readonly fixedK: number | null,
  ) {}

  begin(_nowNs: number, allocatedBytes: number, k: number): void {
    this.lastAt = allocatedBytes;
    this.debt = 0;
    this.k = this.fixedK ?? k;
  }

  budget(_nowNs: number, allocatedBytes: number): number {
    const since = allocatedBytes - this.lastAt;
    return since >= this.incrementBytes ? Math.max(this.k * since - this.debt, 1) : 0;
  }

  ran(spent: number, budget: number, _nowNs: number, allocatedBytes: number): void {
    this.debt = Math.max(0, spent - budget);
    this.lastAt = allocatedBytes;
  }

  paused(): void {}
}

/** The least a collector thread marks at once (ns of its time): below it, a poll leaves the work for later. */
export const THREAD_SLICE_NS = 1_000;

export class CollectorThread implements MarkingSchedule {
  readonly concurrent = true;
  /** Elapsed time up to which the thread's work has been done. */
  private clock = 0;
  private debt = 0;

  constructor(
    /** Share of a core the thread runs on (1: a dedicated core). */
    readonly cpu: number,
  ) {}

  begin(nowNs: number): void {
    this.clock = nowNs;
    this.debt = 0;
  }

  budget(nowNs: number): number {
    const budget = (nowNs - this.clock) * this.cpu - this.debt;
    return budget >= THREAD_SLICE_NS ? budget : 0;
  }

  ran(spent: number, budget: number, nowNs: number): void {
    this.debt = Math.max(0, spent - budget);
    this.clock = nowNs;
  }

  paused(nowNs: number): void {
    if (nowNs > this.clock) this.clock = nowNs;
  }
}
