/**
 * The lower-bound overhead of a collector (Cai, Blackburn, Bond and Maas,
 * "Distilling the Real Cost of Production Garbage Collectors", ISPASS 2022):
 * a run's total time (mutator, with its barriers, count updates and
 * allocation slow paths, plus pauses) over the mutator time of the same
 * workload under `none`, which never collects and runs no barrier, minus 1.
 * It charges a collector everything it costs the program, not only its
 * pauses.
 *
 * A run is produced on its own, so its `time.overheadVsNone` is null; this
 * pure function fills it in for a set of results gathered together (compare,
 * sweep, report; a figure already written is kept when the set has no none run). The none run must be of the same workload, file,
 * parameters, seed and cost model, and completed; its heap may differ (none
 * needs a heap that holds everything allocated), and one at the same heap is
 * preferred, else the one with the largest heap.
 */
import type { RunResult } from "./result.js";

/** What must match between a run and the none run it is measured against. */
function baselineKey(r: RunResult): string {
  const sorted = (o: Record<string, unknown>) => JSON.stringify(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return [r.workload, r.file ?? "", sorted(r.params), r.seed, sorted(r.costModel)].join("\u0000");
}

/** The completed none run each result is measured against, or undefined. */
export function noneRunFor(r: RunResult, results: readonly RunResult[]): RunResult | undefined {
  const key = baselineKey(r);
  const candidates = results.filter((n) => n.collector === "none" && n.outcome === "completed" && n.time.mutator > 0 && baselineKey(n) === key);
  return candidates.find((n) => n.heapBytes === r.heapBytes) ?? candidates.reduce<RunResult | undefined>((best, n) => (best === undefined || n.heapBytes > best.heapBytes ? n : best), undefined);
}

/** time.total / none's time.mutator − 1, or null: the run did not complete, or no none run to measure against. */
export function overheadVsNone(r: RunResult, results: readonly RunResult[]): number | null {
  if (r.outcome !== "completed") return null;
  const none = noneRunFor(r, results);
  return none === undefined ? null : r.time.total / none.time.mutator - 1;
}

/**
 * The results with `time.overheadVsNone` computed among themselves (new
 * objects; the inputs are not changed). A run with no none run among them
 * keeps the figure it was written with (results read back for a report).
 */
export function withOverheadVsNone(results: readonly RunResult[]): RunResult[] {
  return results.map((r) => ({ ...r, time: { ...r.time, overheadVsNone: overheadVsNone(r, results) ?? r.time.overheadVsNone ?? null } }));
}
