/**
 * The result of one run: a plain, JSON-serialisable object whose shape is
 * published as a JSON Schema (schema/result.schema.json) and documented in
 * README.md ("The result object"). Field names are stable; later figures are
 * added, never renamed. Everything outside `wall` depends only on the
 * workload, parameters, seed, collector, options, heap size and cost model,
 * and is identical from run to run and machine to machine.
 *
 * The key rule: every result has every key, whatever the collector and
 * whatever happened.
 *   - Counts and totals are numbers: 0 when nothing happened (a collection
 *     kind the collector never has counts 0 collections and 0 ns of pauses).
 *   - Statistics that are not measured are null, never 0 or 100%: the mean,
 *     percentiles and maximum of an empty set of pauses; an MMU window longer
 *     than the run; live-size and fragmentation peaks when no full collection
 *     happened; figures of a kind of collector the run did not use
 *     (generational's nursery figures under mark-sweep).
 *   - A run that did not complete keeps its outcome, its error and the work
 *     done so far (counts, totals, simulated time, peaks so far, the live
 *     graph where it stopped), but the figures that only mean something for a
 *     whole run are null: pause mean and percentiles, MMU, GC overhead and
 *     throughput, allocation rates, nursery survival and leaks.
 */
import type { WorkName } from "../metrics/collection-log.js";
import type { CostModel } from "../metrics/cost-model.js";
import type { DemographicsResult } from "../metrics/demographics.js";
import type { PauseSummary } from "../metrics/stats.js";

export type Outcome = "completed" | "out-of-memory" | "error";

export interface RunError {
  /**
   * runtime: the workload did something its semantics forbid; out-of-memory;
   * verification: the heap verifier found corruption; input: the run could
   * not start (an unreadable graph file, a bad option); internal: a bug in gcsim.
   */
  kind: "runtime" | "out-of-memory" | "verification" | "input" | "internal";
  message: string;
  /** JSON path of the workload statement, when the error has one. */
  path?: string;
}

/** MMU window lengths reported, in simulated milliseconds. */
export const MMU_WINDOWS_MS = [1, 2, 5, 10, 20, 50, 100] as const;
export type MmuWindow = `${(typeof MMU_WINDOWS_MS)[number]}ms`;
export const MMU_KEYS = MMU_WINDOWS_MS.map((w) => `${w}ms` as MmuWindow);

/**
 * Every kind of collection or pause a shipped collector records. Kinds are
 * appended, never reordered. The last five are the pauses of an incremental
 * or concurrent marking cycle (src/collectors/incremental-mark-sweep/plan.ts): its
 * initial mark (roots greyed), an increment of marking, the remark that ends
 * marking, a degenerated finish (marking completed stop-the-world because an
 * allocation failed mid-cycle), and a mutator assist (marking the mutator
 * does inline, without a safepoint, when its allocation outruns the marker).
 * "backup-trace" is rc's cycle collection by tracing (--opt cycles=backup-trace).
 */
export const COLLECTION_KINDS = ["full", "minor", "major", "rc-cascade", "cycle", "coalesce", "initial-mark", "increment", "remark", "degenerated", "assist", "backup-trace"] as const;
export type CollectionKind = (typeof COLLECTION_KINDS)[number];

/**
 * Whether each kind is a collection (a pause that reclaims by tracing,
 * copying, sweeping or coalescing) or only a latency event: rc's per-store
 * cascade of frees is stop-the-world work the mutator waits for, but not a
 * collection, and it is often one free of ~100 ns. `pauses.collections`
 * summarises the collections only; `pauses.*` keeps every event. A kind
 * added to COLLECTION_KINDS does not compile until it is classified here.
 */
export const IS_COLLECTION = {
  full: true,
  minor: true,
  major: true,
  "rc-cascade": false,
  cycle: true,
  coalesce: true,
  "initial-mark": true,
  increment: true,
  remark: true,
  degenerated: true,
  assist: false,
  "backup-trace": true,
} as const satisfies Record<CollectionKind, boolean>;
/** The kinds that are collections: every kind IS_COLLECTION marks true. */
export const COLLECTIONS_PROPER: readonly CollectionKind[] = COLLECTION_KINDS.filter((k) => IS_COLLECTION[k]);

/** The floor of `pauses.atLeast1us`: pauses (of any kind) at least this long are counted there (simulated ns). */
export const PAUSE_FLOOR_NS = 1_000;

/** Figures only some collectors have; null under the others. */
export const COLLECTOR_FIGURES = [
  "promotedBytes",
  "nurserySurvival",
  "nurserySize",
  "peakRemembered",
  "largeObjectsAllocated",
  "largeBytesAllocated",
  "losPeakCommittedBytes",
  "immixLinesRecycled",
  "immixBlocksRecycled",
  "immixBlocksFreed",
  "immixHolesPerBlock",
  "immixBlocksDefragmented",
  "immixObjectsEvacuated",
  "immixBytesEvacuated",
  "immixObjectsMarkedInPlace",
  "immixBytesMarkedInPlace",
  "immixMeanFragmentation",
] as const;
export type CollectorFigure = (typeof COLLECTOR_FIGURES)[number];

/** Pause durations in simulated ns. count and total are 0 when there was no pause; the statistics are then null. */
export interface PauseStats {
  count: number;
  total: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}
export const PAUSE_STATS = ["count", "total", "mean", "p50", "p90", "p95", "p99", "max"] as const;

/**
 * Marking cycles, as distinct from pauses. An incremental or concurrent
 * collector's cycle runs from its initial-mark pause to the pause that ends
 * marking, with increments, assists or concurrent marking between; each
 * collection of a stop-the-world collector (a pause of a kind IS_COLLECTION
 * marks true outside any such cycle) is a one-pause cycle. Durations in
 * simulated ns, sizes in bytes. Statistics over no cycles are null.
 */
export interface CycleStats {
  count: number;
  /** Ended with marking complete at a remark (or, for a one-pause cycle, by its collection). */
  completed: number;
  /** Ended by finishing marking stop-the-world because an allocation failed mid-cycle. */
  degenerated: number;
  /** Given up for a complete stop-the-world collection (an explicit `collect` mid-cycle). */
  abandoned: number;
  /** Still open when the run ended. */
  unfinished: number;
  /** Cycle durations, start of the initial mark to end of the last pause, over cycles that ended (ns). */
  duration: PauseStats;
  /** Mean pauses per ended cycle; null with none. */
  pausesPerCycle: number | null;
  /** Share of the cycles' collector work done beside the mutator: concurrent / (concurrent + pauses in cycles); null with no cycle. */
  concurrentShare: number | null;
  /**
   * Floating garbage: objects a cycle marked that were already unreachable
   * when its marking ended (retained until the next cycle). Totals over
   * cycles; max and mean bytes per ended cycle, null with none. A
   * stop-the-world marking has none (0).
   */
  floating: { objects: number; bytes: number; maxBytes: number | null; meanBytes: number | null };
  /** Bytes the mutator allocated during a cycle (0 for a one-pause cycle): max and mean per ended cycle; null with none. */
  allocatedDuring: { maxBytes: number | null; meanBytes: number | null };
  /** Largest heap in use (allocated less freed bytes) at the end of a cycle: the headroom a cycle needed; null with no cycle. */
  peakUsedAtEnd: number | null;
}

export interface RunResult {
  gcsim: string;
  outcome: Outcome;
  /** null when the run completed. */
  error: RunError | null;
  workload: string;
  file: string;
  collector: string;
  /** The collector and the options set for it ("generational:barrier=cards"); what tables, CSV, reports and check key on. */
  label: string;
  options: Record<string, string>;
  heapBytes: number;
  seed: number;
  params: Record<string, number>;
  costModel: CostModel;
  verified: boolean;
  allocated: { objects: number; bytes: number };
  collections: { total: number } & Record<CollectionKind, number>;
  /**
   * Simulated pause durations (ns): over every stop-the-world event, one
   * summary per kind, `collections` over the kinds that are collections
   * (COLLECTIONS_PROPER), and `atLeast1us`, how many events of any kind lasted
   * at least PAUSE_FLOOR_NS.
   */
  pauses: PauseStats & Record<CollectionKind, PauseStats> & { collections: PauseStats; atLeast1us: number };
  /** Minimum mutator utilisation per window, 0-1; null for windows longer than the run and for runs that did not complete. */
  mmu: Record<MmuWindow, number | null>;
  /**
   * Simulated time (ns); the ratios are null for runs that did not complete.
   * `overheadVsNone` (Cai et al., ISPASS 2022, the lower-bound overhead):
   * total / the mutator time of a `none` run of the same workload,
   * parameters, seed and cost model, minus 1; null when no completed none run
   * was among the results it was computed with (withOverheadVsNone in
   * src/report/overhead.ts: compare and sweep; a single run has none).
   */
  time: {
    mutator: number;
    gc: number;
    total: number;
    gcOverhead: number | null;
    throughput: number | null;
    overheadVsNone: number | null;
    /** Collector work done on a collector thread beside the mutator (ns of that CPU's time; not part of total). */
    concurrent: number;
    /** All collector work: gc (pauses) + concurrent (ns). */
    collectorCpu: number;
    /** Barrier cost inside mutator time: barrier executions and barrier shades at their costs (ns). */
    barriers: number;
  };
  /** Marking cycles, distinct from pauses (see CycleStats). */
  cycles: CycleStats;
  work: Record<WorkName, number>;
  memory: {
    /**
     * Largest live size measured exactly (bytes reachable from the roots plus
     * the object just allocated, by a trace at an allocation: src/metrics/peak-live.ts);
     * null when the probe was off (--peak-live-precision off).
     */
    peakLive: number | null;
    /** No instant of the run had more live bytes than this (bytes); null when the probe was off. */
    peakLiveUpperBound: number | null;
    /** Exact traces the live-size probe made; null when it was off. */
    liveProbes: number | null;
    /** Largest heap span in use (objects, fragments and copy reserve), bytes. */
    peakFootprint: number;
    /**
     * Worst fragmentation sampled after each full collection and when the run
     * stopped: share of free bytes outside the largest free chunk (0 for
     * bump-allocated spaces); null only for a run that never started.
     */
    fragmentation: number | null;
    /** Bytes allocated per simulated millisecond of mutator time; null for runs that did not complete. */
    allocationRate: number | null;
    /** Bytes and objects reachable from the roots when the run ended (or stopped). */
    finalLive: number;
    finalLiveObjects: number;
    /** Canonical hash of the final reachable graph; the same under every collector for a given workload and seed. */
    finalGraphHash: number;
  } & Record<CollectorFigure, number | null>;
  /**
   * After the collector's end-of-run collection: objects still allocated but
   * unreachable, and how many cyclic garbage structures they form; null for runs that did not complete.
   */
  leaked: { objects: number | null; bytes: number | null; cycles: number | null };
  mutator: { statements: number; loads: number; stores: number; calls: number; payloadAccesses: number };
  /** Lines the workload printed (print statements), in order. */
  output: string[];
  /** One row per pause in simulated time, when asked for (--with-timeline, reports). */
  timeline?: TimelineRow[];
  /** Object demographics and drag (src/metrics/demographics.ts), when asked for (--demographics); absent otherwise. */
  demographics?: DemographicsResult;
  /** Set by `gcsim sweep`: this run's heap as a multiple of the reference minimum heap; null elsewhere. */
  sweep: { factor: number; referenceHeapBytes: number; minHeapBytes: number } | null;
  wall: {
    totalMs: number;
    mutatorMs: number;
    gcMs: number;
    pauses: { count: number; totalMs: number; maxMs: number };
    /** null for runs that did not complete. */
    allocationsPerSecond: number | null;
    /** Of totalMs: the live-size probe's traces (memory.peakLive); null without the probe. */
    liveProbeMs: number | null;
    /** After totalMs: the figures taken at the end, the end-of-run collection and leak accounting. */
    endOfRunMs: number;
  };
}

/** Collector CPU in simulated ns: pauses plus a concurrent collector's thread (results written before cycles existed have only `gc`). */
export function collectorCpuNs(r: RunResult): number {
  return r.time.collectorCpu ?? r.time.gc;
}

/** A result's label; results written before labels existed fall back to the collector. */
export function labelOf(r: Pick<RunResult, "collector"> & { label?: string }): string {
  return r.label ?? r.collector;
}

/**
 * The policy every command that runs workloads shares, as one pure function
 * of its results:
 *   4  a run failed heap verification
 *   2  a run ended in any other error (workload runtime error, a run that could not start)
 *   3  a run ran out of memory, when out of memory fails the command (`run`
 *      always; compare and sweep with --fail-on-oom, else it is data)
 *   1  --fail-on-leak and a run leaked
 *   0  otherwise
 * The most serious applies when several do, in that order.
 */
export function exitCodeFor(results: readonly RunResult[], policy: { failOnOom?: boolean; failOnLeak?: boolean } = {}): number {
  if (results.some((r) => r.error?.kind === "verification")) return 4;
  if (results.some((r) => r.outcome === "error")) return 2;
  if (policy.failOnOom && results.some((r) => r.outcome === "out-of-memory")) return 3;
  if (policy.failOnLeak && results.some((r) => (r.leaked.objects ?? 0) > 0)) return 1;
  return 0;
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
  /** Live bytes after the collection when known: its heap in use if it reclaimed everything unreachable, or the bytes its marking found live when reclamation is left to lazy sweeping; else null. */
  liveAfter: number | null;
  /** Heap span in use after the pause (bytes; Collector.footprint). */
  footprint: number;
  /** Heap span in use when the pause began (bytes). */
  footprintBefore: number;
  /** Fragmentation after a full collection (share of free bytes outside the largest free chunk); null after other pauses, where it is not measured. */
  fragmentation: number | null;
  /** The work counters of this pause alone (what its simulated duration is the cost of). */
  work: Record<WorkName, number>;
  /** The marking cycle (0-based) this pause belongs to; null for a pause outside an incremental or concurrent cycle. */
  cycle: number | null;
}
