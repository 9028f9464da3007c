/**
 * Result shaping: from the plain figures a run gathered (pause records,
 * counters, peaks) to the result's sections, applying the key rule of
 * src/report/result.ts — every key present, 0 for counts of nothing, null
 * for what was not measured, and whole-run statistics null when the run did
 * not complete. Nothing here reads a collector, so how the figures are
 * collected can change without touching what a result looks like.
 */
import type { WorkName } from "../metrics/collection-log.js";
import type { CycleRecord } from "../metrics/cycle-log.js";
import { minimumMutatorUtilisation, summarisePauses } from "../metrics/stats.js";
import {
  COLLECTION_KINDS,
  COLLECTIONS_PROPER,
  COLLECTOR_FIGURES,
  PAUSE_FLOOR_NS,
  MMU_WINDOWS_MS,
  IS_COLLECTION,
  type CollectionKind,
  type CycleStats,
  type MmuWindow,
  type PauseStats,
  type RunResult,
} from "../report/result.js";

/** Everything a run measured, as plain numbers. */
export interface RawFigures {
  /** One entry per pause, in time order. */
  pauseKinds: readonly string[];
  pauseStartNs: ArrayLike<number>;
  pauseNs: ArrayLike<number>;
  mutatorNs: number;
  gcNs: number;
  allocatedObjects: number;
  allocatedBytes: number;
  work: Record<WorkName, number>;
  /** The live-size probe's figures (src/metrics/peak-live.ts); null when it was off. */
  peakLive: { peak: number; upperBound: number; probes: number } | null;
  peakFootprint: number;
  /** Worst fragmentation sampled (after full collections and when the run stopped); null when never sampled. */
  peakFragmentation: number | null;
  live: { bytes: number; objects: number; hash: number };
  /** Collector-specific figures (see COLLECTOR_FIGURES). */
  collectorFigures: Record<string, number>;
  mutator: RunResult["mutator"];
  /** Collector work done beside the mutator (ns). */
  concurrentNs: number;
  /** Barrier executions and shades at their costs (ns, inside mutatorNs). */
  barrierNs: number;
  /** Per pause: the marking cycle it belongs to, or -1. */
  pauseCycles: ArrayLike<number>;
  /** Cycles of an incremental or concurrent collector that ended. */
  cycles: readonly CycleRecord[];
  /** Whether a cycle was still open when the run ended. */
  cycleOpen: boolean;
}

export type ShapedFigures = Pick<RunResult, "allocated" | "collections" | "pauses" | "mmu" | "time" | "work" | "memory" | "mutator" | "cycles">;

const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const max = (xs: number[]) => (xs.length > 0 ? Math.max(...xs) : null);

/**
 * Cycles: the logged ones, plus each collection outside them as a one-pause
 * cycle (its duration is its pause; nothing is allocated during it and it
 * leaves no floating garbage).
 */
function cycleStats(raw: RawFigures, completed: boolean): CycleStats {
  const durations: number[] = [];
  const pauses: number[] = [];
  const floating: number[] = [];
  const allocated: number[] = [];
  const usedAtEnd: number[] = [];
  let concurrent = 0;
  let inPauses = 0;
  const outcomes = { completed: 0, degenerated: 0, abandoned: 0, unfinished: raw.cycleOpen ? 1 : 0 };
  let floatingObjects = 0;
  for (const c of raw.cycles) {
    outcomes[c.outcome]++;
    durations.push(c.endNs - c.startNs);
    pauses.push(c.pauses);
    floating.push(c.floatingBytes);
    floatingObjects += c.floatingObjects;
    allocated.push(c.allocatedBytes);
    usedAtEnd.push(c.usedAtEnd);
    concurrent += c.concurrentNs;
    inPauses += c.pauseNs;
  }
  for (let i = 0; i < raw.pauseKinds.length; i++) {
    if (raw.pauseCycles[i] >= 0 || !IS_COLLECTION[raw.pauseKinds[i] as CollectionKind]) continue;
    outcomes.completed++;
    durations.push(raw.pauseNs[i]);
    pauses.push(1);
    floating.push(0);
    allocated.push(0);
    inPauses += raw.pauseNs[i];
  }
  const ended = durations.length;
  return {
    count: ended + outcomes.unfinished,
    ...outcomes,
    duration: pauseStats(durations, completed),
    pausesPerCycle: mean(pauses),
    concurrentShare: ended > 0 ? (concurrent + inPauses > 0 ? concurrent / (concurrent + inPauses) : 0) : null,
    floating: { objects: floatingObjects, bytes: floating.reduce((a, b) => a + b, 0), maxBytes: max(floating), meanBytes: mean(floating) },
    allocatedDuring: { maxBytes: max(allocated), meanBytes: mean(allocated) },
    peakUsedAtEnd: max(usedAtEnd),
  };
}

/** Pause statistics by the key rule: count and total always, the rest null when there is nothing (or the run is incomplete). */
function pauseStats(durations: ArrayLike<number>, completed: boolean): PauseStats {
  const s = summarisePauses(durations);
  const measured = completed && s.count > 0;
  const stat = (v: number) => (measured ? v : null);
  return { count: s.count, total: s.total, mean: stat(s.mean), p50: stat(s.p50), p90: stat(s.p90), p95: stat(s.p95), p99: stat(s.p99), max: stat(s.max) };
}

export function shapeFigures(raw: RawFigures, completed: boolean): ShapedFigures {
  const n = raw.pauseKinds.length;
  const byKind = new Map<string, number[]>(COLLECTION_KINDS.map((k) => [k, []]));
  let atLeastFloor = 0;
  for (let i = 0; i < n; i++) {
    const kind = raw.pauseKinds[i];
    if (!byKind.has(kind)) throw new Error(`collector recorded an undeclared collection kind "${kind}" (kinds: ${COLLECTION_KINDS.join(", ")})`);
    byKind.get(kind)!.push(raw.pauseNs[i]);
    if (raw.pauseNs[i] >= PAUSE_FLOOR_NS) atLeastFloor++;
  }
  const collections = { total: n } as RunResult["collections"];
  const pauses = pauseStats(raw.pauseNs, completed) as RunResult["pauses"];
  for (const kind of COLLECTION_KINDS) {
    collections[kind as CollectionKind] = byKind.get(kind)!.length;
    pauses[kind as CollectionKind] = pauseStats(byKind.get(kind)!, completed);
  }
  // Collections only (not rc's cascades of frees): the pauses a reader compares with another collector's.
  pauses.collections = pauseStats(
    COLLECTIONS_PROPER.flatMap((k) => byKind.get(k)!),
    completed,
  );
  pauses.atLeast1us = atLeastFloor;

  const totalNs = raw.mutatorNs + raw.gcNs;
  const mmu = {} as RunResult["mmu"];
  for (const ms of MMU_WINDOWS_MS) {
    mmu[`${ms}ms` as MmuWindow] = completed ? minimumMutatorUtilisation(raw.pauseStartNs, raw.pauseNs, totalNs, ms * 1e6) : null;
  }
  const whole = <T>(v: T) => (completed ? v : null);
  const collectorFigures: Record<string, number | null> = Object.fromEntries(COLLECTOR_FIGURES.map((f) => [f, raw.collectorFigures[f] ?? null]));
  // A ratio over the whole run is not measured when the run stopped early.
  if (!completed) collectorFigures.nurserySurvival = null;

  return {
    allocated: { objects: raw.allocatedObjects, bytes: raw.allocatedBytes },
    collections,
    pauses,
    mmu,
    time: {
      mutator: raw.mutatorNs,
      gc: raw.gcNs,
      total: totalNs,
      gcOverhead: whole(totalNs > 0 ? raw.gcNs / totalNs : 0),
      throughput: whole(totalNs > 0 ? 1 - raw.gcNs / totalNs : 1),
      // Needs a none run of the same workload: filled in where a comparison's results are gathered (src/report/overhead.ts).
      overheadVsNone: null,
      concurrent: raw.concurrentNs,
      collectorCpu: raw.gcNs + raw.concurrentNs,
      barriers: raw.barrierNs,
    },
    cycles: cycleStats(raw, completed),
    work: raw.work,
    memory: {
      ...raw.collectorFigures,
      peakLive: raw.peakLive?.peak ?? null,
      peakLiveUpperBound: raw.peakLive?.upperBound ?? null,
      liveProbes: raw.peakLive?.probes ?? null,
      peakFootprint: raw.peakFootprint,
      fragmentation: raw.peakFragmentation,
      allocationRate: whole(raw.mutatorNs > 0 ? raw.allocatedBytes / (raw.mutatorNs / 1e6) : 0),
      finalLive: raw.live.bytes,
      finalLiveObjects: raw.live.objects,
      finalGraphHash: raw.live.hash,
      ...(collectorFigures as Record<(typeof COLLECTOR_FIGURES)[number], number | null>),
    },
    mutator: raw.mutator,
  };
}
