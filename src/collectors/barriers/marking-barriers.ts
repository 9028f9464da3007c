/**
 * Marking barriers: what a store does while an incremental or concurrent
 * marking is in progress, so the marker never misses an object the mutator
 * moves behind it (GC Handbook, 2nd ed., ch. 15; Pirinen 1998). Each runs
 * before the store, on every reference store into the heap while marking;
 * the plan (incremental-mark-sweep/plan.ts) picks one in its constructor, so the
 * call site sees one class for the whole run.
 *
 *   satb - Yuasa's deletion barrier (snapshot at the beginning): grey the
 *          reference about to be overwritten. Everything reachable when
 *          marking began is marked; objects allocated during marking must be
 *          black. Keeps the weak tri-colour invariant, so the remark need not
 *          rescan the roots.
 *   iu   - Dijkstra's insertion barrier (incremental update): grey the
 *          reference being stored. No black object ever refers to a white
 *          one (the strong invariant) - but roots are not barriered, so the
 *          remark rescans them and marks what they reach.
 *
 * A grey is `work.barrierShades` (mutator time, at costModel.barrierShade);
 * scanning the object is charged to whoever drains it.
 */
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { Marker } from "../trace/marker.js";

export interface MarkingBarrier {
  /** The tri-colour invariant this barrier keeps, which the verifier checks. */
  readonly invariant: "strong" | "weak";
  /** Whether marking can only end after the roots are scanned again (the remark). */
  readonly rescansRoots: boolean;
  /** Whether objects allocated during marking must be black for the barrier to be correct. */
  readonly needsBlackAllocation: boolean;
  /** Runs before `value` is stored into slot `slot` of `obj`, while marking. */
  beforeStore(obj: number, slot: number, value: number): void;
}

export class SnapshotBarrier implements MarkingBarrier {
  readonly invariant = "weak";
  readonly rescansRoots = false;
  readonly needsBlackAllocation = true;

  constructor(
    private readonly mem: Int32Array,
    private readonly marker: Marker,
    private readonly work: WorkCounters,
  ) {}

  beforeStore(obj: number, slot: number, _value: number): void {
    const old = this.mem[(obj >> 2) + 2 + 2 * slot];
    if (old > 0 && this.marker.shade(old)) this.work.barrierShades++;
  }
}

export class IncrementalUpdateBarrier implements MarkingBarrier {
  readonly invariant = "strong";
  readonly rescansRoots = true;
  readonly needsBlackAllocation = false;

  constructor(
    _mem: Int32Array,
    private readonly marker: Marker,
    private readonly work: WorkCounters,
  ) {}

  beforeStore(_obj: number, _slot: number, value: number): void {
    if (value > 0 && this.marker.shade(value)) this.work.barrierShades++;
  }
}

/** The built-in barriers by `--opt barrier=` name. */
export const MARKING_BARRIERS = {
  satb: SnapshotBarrier,
  iu: IncrementalUpdateBarrier,
} as const;
export type MarkingBarrierName = keyof typeof MARKING_BARRIERS;
