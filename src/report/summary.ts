/**
 * The comparison summary, in the manner of hyperfine's ("generational: 1.05×
 * less total time than mark-sweep"): one pure function from the runs of one
 * comparison (same workload, parameters and heap) to its lines, which every
 * renderer prints (terminal table, markdown, HTML report). It compares
 *
 *   - throughput by total time (`time.total`: the mutator, with its write
 *     barriers, reference-count updates and allocation slow paths, plus
 *     pauses), never by GC time alone, which leaves out the barrier and
 *     count-update costs a collector puts on the mutator;
 *   - the lower-bound overhead over the `none` run's mutator time
 *     (`time.overheadVsNone`, Cai et al., ISPASS 2022), or one line saying
 *     why it is not available;
 *   - latency by the longest pause and by minimum mutator utilisation at a
 *     stated window (SUMMARY_MMU_WINDOW), never by a percentile over events
 *     of very different kinds: rc's thousands of one-object cascade frees
 *     would make its p99 the lowest while it has the longest pause.
 *
 *   - for incremental and concurrent collectors, whose cycles are not their
 *     pauses, cycles and pauses separately (cycles, pauses and the longest,
 *     the share of collector work done concurrently, assists, floating
 *     garbage), and collector CPU time (pauses plus the collector thread's
 *     work), which total time leaves out because it runs on another core.
 *
 * `none` is the reference, not a contender: it is left out of the rankings.
 * Only completed runs are compared; a figure not measured (null) never wins
 * and is named as such.
 */
import { formatBytes, formatNs, formatPercent } from "./format.js";
import { collectorCpuNs, labelOf, MMU_KEYS, type MmuWindow, type RunResult } from "./result.js";

/** The MMU window the summary ranks by; when a compared run is shorter, the largest window every one of them has. */
export const SUMMARY_MMU_WINDOW: MmuWindow = "10ms";

const ratio = (best: number, other: number) => (best === 0 ? (other === 0 ? 1 : Infinity) : other / best);
const times = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)}×` : "infinitely");
const signedPercent = (x: number) => (x >= 0 ? "+" : "") + formatPercent(x);
const windowText = (w: MmuWindow) => w.replace("ms", " ms");

/** "best: 1.05× less total time than a, 1.30× less total time than b", best first; runs sorted by `value` (lower is better). */
function ranking(runs: RunResult[], value: (r: RunResult) => number, phrase: string): string {
  const sorted = [...runs].sort((a, b) => value(a) - value(b));
  const best = sorted[0];
  return `${labelOf(best)}: ${sorted
    .slice(1)
    .map((r) => `${times(ratio(value(best), value(r)))} ${phrase} than ${labelOf(r)}`)
    .join(", ")}`;
}

/** The lines of the summary of one comparison; empty when there is nothing to compare. */
export function summaryLines(group: readonly RunResult[]): string[] {
  const completed = group.filter((r) => r.outcome === "completed");
  const compared = completed.filter((r) => r.collector !== "none");
  const hasNone = completed.some((r) => r.collector === "none");
  if (compared.length === 0 || (compared.length < 2 && !hasNone)) return [];
  const lines: string[] = [];

  // Throughput: total time. With a collector thread on another core it is elapsed time, not work: say so (its CPU is ranked below).
  const threaded = compared.some((r) => (r.time.concurrent ?? 0) > 0);
  if (compared.length >= 2) {
    lines.push(ranking(compared, (r) => r.time.total, "less total time") + (threaded ? " (elapsed: a collector thread's own CPU is ranked below)" : ""));
  }

  // Lower-bound overhead over none's mutator time.
  const overhead = (r: RunResult) => r.time.overheadVsNone ?? null;
  if (compared.every((r) => overhead(r) !== null)) {
    const sorted = [...compared].sort((a, b) => overhead(a)! - overhead(b)!);
    lines.push(`overhead over none's mutator time (lower bound): ${sorted.map((r) => `${labelOf(r)} ${signedPercent(overhead(r)!)}`).join(", ")}`);
  } else {
    const needs = `a heap that holds the ${formatBytes(Math.max(...group.map((r) => r.allocated.bytes)))} allocated`;
    const failed = group.find((r) => r.collector === "none" && r.outcome !== "completed");
    lines.push(
      `overhead over none's mutator time: not available (${
        failed
          ? `none ${failed.outcome === "out-of-memory" ? "ran out of memory" : "ended in an error"} in this heap; it needs ${needs}`
          : `no completed none run of this workload, parameters and seed among the results; none needs ${needs}`
      })`,
    );
  }
  if (compared.length < 2) return lines;

  // Latency: the longest pause. Runs without any pause come first, said to have none; the others are ranked.
  const paused = compared.filter((r) => r.pauses.max !== null);
  const unpaused = compared.filter((r) => r.pauses.count === 0).map(labelOf);
  const parts = [
    ...(unpaused.length > 0 ? [`${unpaused.join(", ")}: no pauses`] : []),
    ...(paused.length >= 2 ? [ranking(paused, (r) => r.pauses.max!, "shorter max pause")] : paused.length === 1 ? [`${labelOf(paused[0])}: max pause ${formatNs(paused[0].pauses.max!)}`] : []),
  ];
  if (parts.length > 0) lines.push(parts.join("; "));

  // Latency: MMU at the stated window, or the largest window every compared run is long enough for.
  const window = compared.every((r) => r.mmu[SUMMARY_MMU_WINDOW] !== null)
    ? SUMMARY_MMU_WINDOW
    : [...MMU_KEYS].reverse().find((w) => compared.every((r) => r.mmu[w] !== null));
  if (window === undefined) {
    lines.push(`MMU: not measured (a run is shorter than the smallest window, ${windowText(MMU_KEYS[0])})`);
  } else {
    const sorted = [...compared].sort((a, b) => b.mmu[window]! - a.mmu[window]!);
    const why = window === SUMMARY_MMU_WINDOW ? "" : ` (a run is shorter than ${windowText(SUMMARY_MMU_WINDOW)})`;
    lines.push(
      `${labelOf(sorted[0])}: highest MMU at ${windowText(window)}${why}, ${formatPercent(sorted[0].mmu[window]!)} (${sorted
        .slice(1)
        .map((r) => `${labelOf(r)} ${formatPercent(r.mmu[window]!)}`)
        .join(", ")})`,
    );
  }

  // Cycles and pauses, when some compared collector's cycles are not its collections (incremental and concurrent marking).
  const cycles = (r: RunResult) => r.cycles as RunResult["cycles"] | undefined;
  if (compared.some((r) => cycles(r) !== undefined && cycles(r)!.count !== r.pauses.collections.count)) {
    lines.push(`cycles and pauses: ${compared.map(cyclesAndPauses).join("; ")}`);
    lines.push(`collector CPU (pauses + collector thread): ${ranking(compared, collectorCpuNs, "less collector CPU")}`);
  }
  return lines;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** "concurrent-mark-sweep 14 cycles, 28 pauses (max 70.0 µs), 96% of collector work concurrent, 3 assists, floating up to 2.10 MiB". */
function cyclesAndPauses(r: RunResult): string {
  const c = r.cycles as RunResult["cycles"] | undefined;
  if (c === undefined) return `${labelOf(r)} cycles not recorded`;
  const parts = [
    `${labelOf(r)} ${plural(c.count, "cycle")}${c.degenerated > 0 ? ` (${c.degenerated} degenerated)` : ""}, ${plural(r.pauses.count, "pause")}${r.pauses.max !== null ? ` (max ${formatNs(r.pauses.max)})` : ""}`,
  ];
  if (c.concurrentShare !== null && c.concurrentShare > 0) parts.push(`${formatPercent(c.concurrentShare)} of collector work concurrent`);
  if ((r.collections.assist ?? 0) > 0) parts.push(`${r.collections.assist} assists`);
  if (c.floating.maxBytes !== null && c.floating.maxBytes > 0) parts.push(`floating up to ${formatBytes(c.floating.maxBytes)}`);
  return parts.join(", ");
}
