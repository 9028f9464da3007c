/**
 * CSV: one row per run, RFC 4180 quoting by csv-stringify, and a fixed,
 * documented list of columns (new columns are only ever appended) with
 * nested figures flattened to dotted names. The columns are the same for
 * every collector and command. A figure not measured (null in JSON) is an
 * empty field, which pandas and R read as NaN, so it never enters a mean.
 */
import type { stringify as Stringify } from "csv-stringify/sync";
import { lazyRequire } from "../util/lazy.js";
import { WORK_NAMES, type WorkName } from "../metrics/collection-log.js";

/** Work counters added after the CSV columns were first published: appended at the end, as every new column is. */
const LATER_WORK: readonly WorkName[] = ["safepoints", "pagesPrepared", "pagesTouched"];
/** Work counters and collection kinds of incremental and concurrent marking, appended later still. */
const MARKING_WORK: readonly WorkName[] = ["barrierShades", "mutatorStops"];
const MARKING_KINDS: readonly CollectionKind[] = ["initial-mark", "increment", "remark", "degenerated", "assist"];
/** Kinds added after the marking kinds: their columns come last, so scripts reading by position keep working. */
const APPENDED_KINDS: readonly CollectionKind[] = ["backup-trace"];
const workColumn = (w: WorkName): [string, (r: RunResult) => unknown] => [`work.${w}`, (r) => r.work[w]];
const collectionsColumn = (k: CollectionKind): [string, (r: RunResult) => unknown] => [`collections.${k}`, (r) => r.collections[k]];
import { COLLECTION_KINDS, labelOf, MMU_KEYS, PAUSE_STATS, type CollectionKind, type RunResult, type TimelineRow } from "./result.js";

const csv = lazyRequire<{ stringify: typeof Stringify }>("csv-stringify/sync");

const joinPairs = (o: Record<string, unknown>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${v}`)
    .join(";");

/** Column name -> how to read it from a result. The order is the file's column order. */
export const CSV_COLUMNS: [string, (r: RunResult) => unknown][] = [
  ["workload", (r) => r.workload],
  ["collector", (r) => r.collector],
  ["options", (r) => joinPairs(r.options)],
  ["heapBytes", (r) => r.heapBytes],
  ["seed", (r) => r.seed],
  ["params", (r) => joinPairs(r.params)],
  ["outcome", (r) => r.outcome],
  ["error", (r) => r.error?.message],
  ["allocated.objects", (r) => r.allocated.objects],
  ["allocated.bytes", (r) => r.allocated.bytes],
  ["collections.total", (r) => r.collections.total],
  ...COLLECTION_KINDS.filter((k) => !MARKING_KINDS.includes(k) && !APPENDED_KINDS.includes(k)).map(collectionsColumn),
  ...PAUSE_STATS.map((f): [string, (r: RunResult) => unknown] => [`pauses.${f}`, (r) => r.pauses[f]]),
  ...MMU_KEYS.map((w): [string, (r: RunResult) => unknown] => [`mmu.${w}`, (r) => r.mmu[w]]),
  ["time.mutator", (r) => r.time.mutator],
  ["time.gc", (r) => r.time.gc],
  ["time.total", (r) => r.time.total],
  ["time.gcOverhead", (r) => r.time.gcOverhead],
  ["time.throughput", (r) => r.time.throughput],
  ["memory.peakLive", (r) => r.memory.peakLive],
  ["memory.peakFootprint", (r) => r.memory.peakFootprint],
  ["memory.fragmentation", (r) => r.memory.fragmentation],
  ["memory.allocationRate", (r) => r.memory.allocationRate],
  ["memory.finalLive", (r) => r.memory.finalLive],
  ["memory.promotedBytes", (r) => r.memory.promotedBytes],
  ["memory.nurserySurvival", (r) => r.memory.nurserySurvival],
  ...WORK_NAMES.filter((w) => !LATER_WORK.includes(w) && !MARKING_WORK.includes(w)).map(workColumn),
  ["leaked.objects", (r) => r.leaked.objects],
  ["leaked.bytes", (r) => r.leaked.bytes],
  ["leaked.cycles", (r) => r.leaked.cycles],
  ["wall.totalMs", (r) => r.wall.totalMs],
  ["wall.gcMs", (r) => r.wall.gcMs],
  ["sweep.factor", (r) => r.sweep?.factor],
  ["sweep.referenceHeapBytes", (r) => r.sweep?.referenceHeapBytes],
  ["sweep.minHeapBytes", (r) => r.sweep?.minHeapBytes],
  ["label", (r) => labelOf(r)],
  ["error.kind", (r) => r.error?.kind],
  ...LATER_WORK.map(workColumn),
  // Pause statistics over collections only (not rc's cascades), the count at or above the floor, the lower-bound overhead.
  ...PAUSE_STATS.map((f): [string, (r: RunResult) => unknown] => [`pauses.collections.${f}`, (r) => r.pauses.collections?.[f]]),
  ["pauses.atLeast1us", (r) => r.pauses.atLeast1us],
  ["time.overheadVsNone", (r) => r.time.overheadVsNone],
  // The live-size probe's precision: no instant had more live bytes than the upper bound; exact traces made.
  ["memory.peakLiveUpperBound", (r) => r.memory.peakLiveUpperBound],
  ["memory.liveProbes", (r) => r.memory.liveProbes],
  // Incremental and concurrent marking: its pause kinds, barrier and stop counters, collector CPU, cycles.
  ...MARKING_KINDS.map(collectionsColumn),
  ...MARKING_WORK.map(workColumn),
  ["time.concurrent", (r) => r.time.concurrent],
  ["time.collectorCpu", (r) => r.time.collectorCpu],
  ["time.barriers", (r) => r.time.barriers],
  ["cycles.count", (r) => r.cycles?.count],
  ["cycles.completed", (r) => r.cycles?.completed],
  ["cycles.degenerated", (r) => r.cycles?.degenerated],
  ["cycles.abandoned", (r) => r.cycles?.abandoned],
  ["cycles.unfinished", (r) => r.cycles?.unfinished],
  ["cycles.duration.max", (r) => r.cycles?.duration.max],
  ["cycles.pausesPerCycle", (r) => r.cycles?.pausesPerCycle],
  ["cycles.concurrentShare", (r) => r.cycles?.concurrentShare],
  ["cycles.floating.objects", (r) => r.cycles?.floating.objects],
  ["cycles.floating.bytes", (r) => r.cycles?.floating.bytes],
  ["cycles.floating.maxBytes", (r) => r.cycles?.floating.maxBytes],
  ["cycles.allocatedDuring.maxBytes", (r) => r.cycles?.allocatedDuring.maxBytes],
  ["cycles.peakUsedAtEnd", (r) => r.cycles?.peakUsedAtEnd],
  // rc's cycle collection by tracing.
  ...APPENDED_KINDS.map(collectionsColumn),
];

export function renderCsv(results: RunResult[]): string {
  const cell = (v: unknown) => v ?? "";
  return csv().stringify([CSV_COLUMNS.map(([name]) => name), ...results.map((r) => CSV_COLUMNS.map(([, get]) => cell(get(r))))]);
}

/** The timeline CSV's first columns; later ones are appended, never inserted, so scripts reading by position keep working. */
const TIMELINE_COLUMNS = ["index", "startNs", "kind", "reason", "pauseNs", "usedBefore", "usedAfter", "liveAfter", "footprint", "footprintBefore", "fragmentation"] as const;

/** A timeline as CSV: one row per collection or pause, with that pause's work counters (`work.NAME`) last. */
export function renderTimelineCsv(rows: TimelineRow[]): string {
  // The cycle column came after the work counters were published, so it follows them (and the two counters added with it).
  const header = [...TIMELINE_COLUMNS, ...WORK_NAMES.map((w) => `work.${w}`), "cycle"];
  return csv().stringify([
    header,
    ...rows.map((row) => [...TIMELINE_COLUMNS.map((c) => row[c] ?? ""), ...WORK_NAMES.map((w) => row.work?.[w] ?? ""), row.cycle ?? ""]),
  ]);
}
