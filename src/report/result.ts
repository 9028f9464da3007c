/**
 * The result of one run: a plain, JSON-serialisable object whose shape is
 * documented in README.md ("The result object"). Field names are stable;
 * later figures are added, never renamed. Everything outside `wall` depends
 * only on the workload, parameters, seed, collector, options, heap size and
 * cost model, and is identical from run to run and machine to machine.
 */
import type { WorkName } from "../metrics/collection-log.js";
import type { CostModel } from "../metrics/cost-model.js";
import type { PauseSummary } from "../metrics/stats.js";

export type Outcome = "completed" | "out-of-memory" | "error";

export interface RunError {
  kind: "runtime" | "out-of-memory" | "verification";
  message: string;
  /** JSON path of the workload statement, when the error has one. */
  path?: string;
}

/** MMU window lengths reported, in simulated milliseconds. */
export const MMU_WINDOWS_MS = [1, 2, 5, 10, 20, 50, 100] as const;

export interface RunResult {
  gcsim: string;
  outcome: Outcome;
  error?: RunError;
  workload: string;
  file: string;
  collector: string;
  options: Record<string, string>;
  heapBytes: number;
  seed: number;
  params: Record<string, number>;
  costModel: CostModel;
  verified: boolean;
  allocated: { objects: number; bytes: number };
  collections: { total: number } & Record<string, number>;
  /** Simulated pause durations (ns): overall, and one summary per collection kind. */
  pauses: PauseSummary & { [kind: string]: PauseSummary | number };
  /** Minimum mutator utilisation per window ("1ms" ... "100ms"); null for windows longer than the run. */
  mmu: Record<string, number | null>;
  /** Simulated time (ns). */
  time: { mutator: number; gc: number; total: number; gcOverhead: number; throughput: number };
  work: Record<WorkName, number>;
  memory: {
    /** Largest live size seen after a full collection. */
    peakLive: number;
    /** Largest heap span in use after a collection (objects, fragments and copy reserve). */
    peakFootprint: number;
    /** Worst fragmentation seen after a collection: share of free bytes outside the largest free chunk. */
    fragmentation: number;
    /** Bytes allocated per simulated millisecond of mutator time. */
    allocationRate: number;
    /** Bytes and objects reachable from the roots when the run ended. */
    finalLive: number;
    finalLiveObjects: number;
    /** Canonical hash of the final reachable graph; the same under every collector for a given workload and seed. */
    finalGraphHash: number;
    /** Collector-specific figures, e.g. generational's promotedBytes and nurserySurvival. */
    [figure: string]: number;
  };
  /**
   * After the collector's end-of-run collection: objects still allocated but
   * unreachable, and how many cyclic garbage structures they form.
   */
  leaked: { objects: number; bytes: number; cycles: number };
  mutator: { statements: number; loads: number; stores: number; calls: number; payloadAccesses: number };
  /** Lines the workload printed (print statements), in order. */
  output: string[];
  /** One row per pause in simulated time, when asked for (--with-timeline, reports). */
  timeline?: TimelineRow[];
  /** Set by `gcsim sweep`: this run's heap as a multiple of the reference minimum heap. */
  sweep?: { factor: number; referenceHeapBytes: number; minHeapBytes: number };
  wall: {
    totalMs: number;
    mutatorMs: number;
    gcMs: number;
    pauses: { count: number; totalMs: number; maxMs: number };
    allocationsPerSecond: number;
  };
}

/** Exit code for a run: 0 completed, 2 workload runtime error, 3 out of memory, 4 verification failed. */
export function exitCodeFor(result: RunResult): number {
  if (result.outcome === "completed") return 0;
  if (result.outcome === "out-of-memory") return 3;
  return result.error?.kind === "verification" ? 4 : 2;
}

/** One row of a run's timeline: a collection or other pause, in simulated time. */
export interface TimelineRow {
  index: number;
  /** Simulated time at which the pause began (ns). */
  startNs: number;
  kind: string;
  reason: string;
  pauseNs: number;
  usedBefore: number;
  usedAfter: number;
  /** Live bytes after the collection, when it was a full one (it reclaimed everything unreachable). */
  liveAfter: number | null;
  footprint: number;
}
