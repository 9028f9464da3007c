/**
 * Human-readable reports. One run: a two-column table of everything that
 * matters. Several runs (a comparison): one table per workload, a row per
 * collector, the best value in each column highlighted, then a short summary
 * of ratios in the manner of hyperfine. Colour comes from the chalk instance
 * the caller passes (none when not on a TTY or when NO_COLOR is set).
 */
import type { ChalkInstance } from "chalk";
import { renderDemographicsText } from "./demographics.js";
import type TableType from "cli-table3";
import { lazyRequire } from "../util/lazy.js";
import { formatBytes, formatCount, formatMs, formatNs, formatPercent } from "./format.js";
import { labelOf, PAUSE_FLOOR_NS, type RunResult } from "./result.js";
import { summaryLines } from "./summary.js";

const cliTable = lazyRequire<typeof TableType>("cli-table3");

export function renderTable(results: RunResult[], c: ChalkInstance): string {
  if (results.length === 1) return renderRun(results[0], c) + renderDemographicsText(results[0], c);
  return groupByWorkload(results)
    .map((group) => renderComparison(group, c))
    .join("\n\n");
}

function renderRun(r: RunResult, c: ChalkInstance): string {
  const table = new (cliTable())({ style: { head: [], border: [] } });
  const outcome =
    r.outcome === "completed" ? c.green(r.outcome) : c.red(r.outcome + (r.error ? `: ${r.error.message}` : ""));
  const kinds = Object.entries(r.collections)
    .filter(([k, n]) => k !== "total" && n > 0)
    .map(([k, n]) => `${formatCount(n)} ${k}`)
    .join(", ");
  const work = [
    r.work.objectsMarked && `${formatCount(r.work.objectsMarked)} marked`,
    r.work.objectsCopied && `${formatCount(r.work.objectsCopied)} copied (${formatBytes(r.work.bytesCopied)})`,
    r.work.slotsScanned && `${formatCount(r.work.slotsScanned)} slots scanned`,
    r.work.cellsSwept && `${formatCount(r.work.cellsSwept)} cells swept`,
    r.work.objectsFreed && `${formatCount(r.work.objectsFreed)} freed`,
    r.work.rcIncrements && `${formatCount(r.work.rcIncrements + r.work.rcDecrements)} count updates`,
    r.work.barrierExecutions && `${formatCount(r.work.barrierExecutions)} barriers`,
  ]
    .filter(Boolean)
    .join(", ");
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const options = Object.entries(r.options)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const p = r.pauses;
  const orDash = (v: number | null | undefined, format: (n: number) => string) => (v === null || v === undefined ? "-" : format(v));
  const rows: [string, string][] = [
    ["workload", `${r.workload}${params ? `\n${c.dim(params)}` : ""}`],
    ["collector", `${r.collector}${options ? `\n${c.dim(options)}` : ""}`],
    ["heap", `${formatBytes(r.heapBytes)}, seed ${r.seed}`],
    ["outcome", outcome],
    ["allocated", `${formatCount(r.allocated.objects)} objects, ${formatBytes(r.allocated.bytes)}`],
    ["collections", r.collections.total > 0 ? `${formatCount(r.collections.total)} (${kinds})` : "0"],
    ...(r.cycles ? ([["cycles", cyclesText(r.cycles, orDash)]] as [string, string][]) : []),
    [
      "pauses",
      p.count > 0
        ? `${formatCount(p.count)}, total ${formatNs(p.total)}, p50 ${orDash(p.p50, formatNs)}, p99 ${orDash(p.p99, formatNs)}, max ${orDash(p.max, formatNs)}` +
          `\n${formatCount(p.atLeast1us ?? 0)} at or above ${formatNs(PAUSE_FLOOR_NS)}` +
          (p.collections && p.collections.count !== p.count
            ? `\ncollections only: ${formatCount(p.collections.count)}, p50 ${orDash(p.collections.p50, formatNs)}, p99 ${orDash(p.collections.p99, formatNs)}, max ${orDash(p.collections.max, formatNs)}`
            : "")
        : "none",
    ],
    [
      "time",
      `${formatNs(r.time.total)} (mutator ${formatNs(r.time.mutator)}, GC ${formatNs(r.time.gc)}, overhead ${orDash(r.time.gcOverhead, formatPercent)})` +
        (r.time.overheadVsNone != null ? `\n${formatPercent(r.time.overheadVsNone)} over none's mutator time` : "") +
        (r.time.concurrent ? `\ncollector CPU ${formatNs(r.time.collectorCpu)} (concurrent ${formatNs(r.time.concurrent)}, beside the mutator)` : ""),
    ],
    ["MMU", (["1ms", "10ms", "100ms"] as const).map((w) => `${w} ${orDash(r.mmu[w], formatPercent)}`).join(", ")],
    ["GC work", work || "none"],
    [
      "memory",
      `peak live ${orDash(r.memory.peakLive, formatBytes)}, peak footprint ${formatBytes(r.memory.peakFootprint)}, final live ${formatBytes(r.memory.finalLive)}` +
        `\nfragmentation ${orDash(r.memory.fragmentation, formatPercent)} (worst), allocation ${orDash(r.memory.allocationRate, formatBytes)}/ms` +
        (r.memory.promotedBytes !== null
          ? `\npromoted ${formatBytes(r.memory.promotedBytes)}, nursery survival ${orDash(r.memory.nurserySurvival, formatPercent)}`
          : ""),
    ],
    [
      "leaked",
      r.leaked.objects === null
        ? "- (not measured: the run did not complete)"
        : r.leaked.objects === 0
          ? "nothing"
          : c.yellow(`${formatCount(r.leaked.objects)} objects, ${formatBytes(r.leaked.bytes ?? 0)}, ${formatCount(r.leaked.cycles ?? 0)} cycles`),
    ],
    [
      "wall clock",
      `${formatMs(r.wall.totalMs)} (GC ${formatMs(r.wall.gcMs)}), ${orDash(r.wall.allocationsPerSecond, formatCount)} allocations/s`,
    ],
  ];
  if (r.verified) rows.push(["verified", c.green("heap verified around every collection")]);
  for (const [k, v] of rows) table.push([c.bold(k), v]);
  // What the workload printed goes under the table, as it would under a program's run.
  return r.output.length > 0 ? `${table.toString()}\n${c.bold("output")}\n${r.output.join("\n")}` : table.toString();
}

/** The single-run table's cycles row: cycles as distinct from pauses. */
function cyclesText(c: RunResult["cycles"], orDash: (v: number | null | undefined, format: (n: number) => string) => string): string {
  if (c.count === 0) return "0";
  const outcomes = (["completed", "degenerated", "abandoned", "unfinished"] as const).filter((k) => c[k] > 0).map((k) => `${formatCount(c[k])} ${k}`);
  return (
    `${formatCount(c.count)} (${outcomes.join(", ")}), ${orDash(c.pausesPerCycle, (n) => n.toFixed(1))} pauses per cycle, longest ${orDash(c.duration.max, formatNs)}` +
    (c.floating.maxBytes ? `\nfloating garbage up to ${formatBytes(c.floating.maxBytes)} a cycle (${formatBytes(c.floating.bytes)} in all), ${orDash(c.allocatedDuring.maxBytes, formatBytes)} allocated during the longest` : "")
  );
}

/** A comparison column: how to read a figure (null: not measured), format it, and which way is better. */
interface Column {
  title: string;
  value: (r: RunResult) => number | null;
  format: (n: number) => string;
  better: "lower" | "higher";
}

export const COMPARISON_COLUMNS: Column[] = [
  { title: "collections", value: (r) => r.collections.total, format: formatCount, better: "lower" },
  { title: "GC time", value: (r) => r.time.gc, format: formatNs, better: "lower" },
  { title: "GC overhead", value: (r) => r.time.gcOverhead, format: formatPercent, better: "lower" },
  { title: "p50 pause", value: (r) => r.pauses.p50, format: formatNs, better: "lower" },
  { title: "p99 pause", value: (r) => r.pauses.p99, format: formatNs, better: "lower" },
  // Over collections only, leaving out rc's cascades of frees (results written before it have none).
  { title: "p99 collection", value: (r) => r.pauses.collections?.p99 ?? null, format: formatNs, better: "lower" },
  { title: "max pause", value: (r) => r.pauses.max, format: formatNs, better: "lower" },
  { title: "MMU 10ms", value: (r) => r.mmu["10ms"], format: formatPercent, better: "higher" },
  { title: "total time", value: (r) => r.time.total, format: formatNs, better: "lower" },
  { title: "vs none", value: (r) => r.time.overheadVsNone ?? null, format: formatPercent, better: "lower" },
  { title: "peak footprint", value: (r) => r.memory.peakFootprint, format: formatBytes, better: "lower" },
  { title: "leaked", value: (r) => r.leaked.objects, format: formatCount, better: "lower" },
  // Incremental and concurrent marking (results written before have none): cycles apart from pauses, all collector work, floating garbage.
  { title: "cycles", value: (r) => r.cycles?.count ?? null, format: formatCount, better: "lower" },
  { title: "collector CPU", value: (r) => r.time.collectorCpu ?? null, format: formatNs, better: "lower" },
  { title: "floating max", value: (r) => r.cycles?.floating.maxBytes ?? null, format: formatBytes, better: "lower" },
];

/** The text of a figure not measured, in every human format. */
export const NOT_MEASURED = "-";

/**
 * Each comparison column of a completed run, formatted, and whether it is the
 * best value among `peers`. A null figure is "-" and is never the best; a
 * column is only marked when at least two peers have a value.
 */
export function comparisonCells(r: RunResult, peers: RunResult[]): { text: string; best: boolean }[] {
  return COMPARISON_COLUMNS.map((col) => {
    const values = peers.map(col.value).filter((v): v is number => v !== null);
    const best = col.better === "lower" ? Math.min(...values) : Math.max(...values);
    const v = col.value(r);
    if (v === null) return { text: NOT_MEASURED, best: false };
    return { text: col.format(v), best: values.length > 1 && v === best };
  });
}

export function groupByWorkload(results: RunResult[]): RunResult[][] {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = `${r.workload} ${JSON.stringify(r.params)} heap ${r.heapBytes}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  return [...groups.values()];
}

/** A run's label with every effective option, e.g. "rc:cycles=off (cycles=off cycle-threshold=10000)". */
export function runLabel(r: RunResult): string {
  const options = Object.entries(r.options).map(([k, v]) => `${k}=${v}`);
  return options.length > 0 ? `${labelOf(r)} (${options.join(" ")})` : labelOf(r);
}

function renderComparison(group: RunResult[], c: ChalkInstance): string {
  const first = group[0];
  const completed = group.filter((r) => r.outcome === "completed");
  const table = new (cliTable())({ head: ["collector", "outcome", ...COMPARISON_COLUMNS.map((col) => col.title)], style: { head: [], border: [] } });
  for (const r of group) {
    const cells =
      r.outcome === "completed"
        ? comparisonCells(r, completed).map((cell) => (cell.best ? c.green.bold(cell.text) : cell.text))
        : COMPARISON_COLUMNS.map(() => c.dim(NOT_MEASURED));
    table.push([c.bold(labelOf(r)), r.outcome === "completed" ? "completed" : c.red(r.outcome), ...cells]);
  }
  const heading = `${c.bold(first.workload)} — heap ${formatBytes(first.heapBytes)}, seed ${first.seed}`;
  const summary = summaryLines(group);
  return [heading, table.toString(), ...(summary.length > 0 ? ["Summary", ...summary.map((line) => `  ${line}`)] : [])].join("\n");
}
