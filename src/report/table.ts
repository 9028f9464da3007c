/**
 * Human-readable reports. One run: a two-column table of everything that
 * matters. Several runs (a comparison): one table per workload, a row per
 * collector, the best value in each column highlighted, then a short summary
 * of ratios in the manner of hyperfine. Colour comes from the chalk instance
 * the caller passes (none when not on a TTY or when NO_COLOR is set).
 */
import type { ChalkInstance } from "chalk";
import type TableType from "cli-table3";
import { lazyRequire } from "../util/lazy.js";
import { formatBytes, formatCount, formatMs, formatNs, formatPercent } from "./format.js";
import type { RunResult } from "./result.js";

const cliTable = lazyRequire<typeof TableType>("cli-table3");

export function renderTable(results: RunResult[], c: ChalkInstance): string {
  if (results.length === 1) return renderRun(results[0], c);
  return groupByWorkload(results)
    .map((group) => renderComparison(group, c))
    .join("\n\n");
}

function renderRun(r: RunResult, c: ChalkInstance): string {
  const table = new (cliTable())({ style: { head: [], border: [] } });
  const outcome =
    r.outcome === "completed" ? c.green(r.outcome) : c.red(r.outcome + (r.error ? `: ${r.error.message}` : ""));
  const kinds = Object.entries(r.collections)
    .filter(([k]) => k !== "total")
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
  const rows: [string, string][] = [
    ["workload", `${r.workload}${params ? `\n${c.dim(params)}` : ""}`],
    ["collector", `${r.collector}${options ? `\n${c.dim(options)}` : ""}`],
    ["heap", `${formatBytes(r.heapBytes)}, seed ${r.seed}`],
    ["outcome", outcome],
    ["allocated", `${formatCount(r.allocated.objects)} objects, ${formatBytes(r.allocated.bytes)}`],
    ["collections", r.collections.total > 0 ? `${formatCount(r.collections.total)} (${kinds})` : "0"],
    [
      "pauses",
      p.count > 0
        ? `total ${formatNs(p.total)}, p50 ${formatNs(p.p50)}, p99 ${formatNs(p.p99)}, max ${formatNs(p.max)}`
        : "none",
    ],
    [
      "time",
      `${formatNs(r.time.total)} (mutator ${formatNs(r.time.mutator)}, GC ${formatNs(r.time.gc)}, overhead ${formatPercent(r.time.gcOverhead)})`,
    ],
    ["MMU", ["1ms", "10ms", "100ms"].map((w) => `${w} ${r.mmu[w] === null ? "-" : formatPercent(r.mmu[w]!)}`).join(", ")],
    ["GC work", work || "none"],
    [
      "memory",
      `peak live ${formatBytes(r.memory.peakLive)}, peak footprint ${formatBytes(r.memory.peakFootprint)}, final live ${formatBytes(r.memory.finalLive)}` +
        `\nfragmentation ${formatPercent(r.memory.fragmentation)} (worst), allocation ${formatBytes(r.memory.allocationRate)}/ms` +
        (r.memory.promotedBytes !== undefined
          ? `\npromoted ${formatBytes(r.memory.promotedBytes)}, nursery survival ${formatPercent(r.memory.nurserySurvival)}`
          : ""),
    ],
    [
      "leaked",
      r.leaked.objects === 0
        ? "nothing"
        : c.yellow(`${formatCount(r.leaked.objects)} objects, ${formatBytes(r.leaked.bytes)}, ${formatCount(r.leaked.cycles)} cycles`),
    ],
    [
      "wall clock",
      `${formatMs(r.wall.totalMs)} (GC ${formatMs(r.wall.gcMs)}), ${formatCount(r.wall.allocationsPerSecond)} allocations/s`,
    ],
  ];
  if (r.verified) rows.push(["verified", c.green("heap verified around every collection")]);
  for (const [k, v] of rows) table.push([c.bold(k), v]);
  return table.toString();
}

/** A comparison column: how to read a figure, format it, and which way is better. */
interface Column {
  title: string;
  value: (r: RunResult) => number;
  format: (n: number) => string;
  better: "lower" | "higher";
}

export const COMPARISON_COLUMNS: Column[] = [
  { title: "collections", value: (r) => r.collections.total, format: formatCount, better: "lower" },
  { title: "GC time", value: (r) => r.time.gc, format: formatNs, better: "lower" },
  { title: "GC overhead", value: (r) => r.time.gcOverhead, format: formatPercent, better: "lower" },
  { title: "p50 pause", value: (r) => r.pauses.p50, format: formatNs, better: "lower" },
  { title: "p99 pause", value: (r) => r.pauses.p99, format: formatNs, better: "lower" },
  { title: "max pause", value: (r) => r.pauses.max, format: formatNs, better: "lower" },
  { title: "MMU 10ms", value: (r) => r.mmu["10ms"] ?? 1, format: formatPercent, better: "higher" },
  { title: "total time", value: (r) => r.time.total, format: formatNs, better: "lower" },
  { title: "peak footprint", value: (r) => r.memory.peakFootprint, format: formatBytes, better: "lower" },
  { title: "leaked", value: (r) => r.leaked.objects, format: formatCount, better: "lower" },
];

/** Each comparison column of a completed run, formatted, and whether it is the best value among `peers`. */
export function comparisonCells(r: RunResult, peers: RunResult[]): { text: string; best: boolean }[] {
  return COMPARISON_COLUMNS.map((col) => {
    const values = peers.map(col.value);
    const best = col.better === "lower" ? Math.min(...values) : Math.max(...values);
    const v = col.value(r);
    return { text: col.format(v), best: peers.length > 1 && v === best };
  });
}

function groupByWorkload(results: RunResult[]): RunResult[][] {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = `${r.workload} ${JSON.stringify(r.params)} heap ${r.heapBytes}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  return [...groups.values()];
}

/** A run's collector with its options, e.g. "rc (cycles=off cycle-threshold=10000)". */
export function runLabel(r: RunResult): string {
  const options = Object.entries(r.options).map(([k, v]) => `${k}=${v}`);
  return options.length > 0 ? `${r.collector} (${options.join(" ")})` : r.collector;
}

function renderComparison(group: RunResult[], c: ChalkInstance): string {
  const first = group[0];
  const completed = group.filter((r) => r.outcome === "completed");
  const table = new (cliTable())({ head: ["collector", "outcome", ...COMPARISON_COLUMNS.map((col) => col.title)], style: { head: [], border: [] } });
  for (const r of group) {
    const cells =
      r.outcome === "completed"
        ? comparisonCells(r, completed).map((cell) => (cell.best ? c.green.bold(cell.text) : cell.text))
        : COMPARISON_COLUMNS.map(() => c.dim("-"));
    table.push([c.bold(r.collector), r.outcome === "completed" ? "completed" : c.red(r.outcome), ...cells]);
  }
  const heading = `${c.bold(first.workload)} — heap ${formatBytes(first.heapBytes)}, seed ${first.seed}`;
  return [heading, table.toString(), ...summarise(completed)].join("\n");
}

/**
 * Ratios against the best collector on GC time and p99 pause, as hyperfine
 * summarises its runs. The no-GC baseline and runs that never collected have
 * no GC to compare and are left out.
 */
function summarise(runs: RunResult[]): string[] {
  const completed = runs.filter((r) => r.collector !== "none" && r.collections.total > 0);
  if (completed.length < 2) return [];
  const lines: string[] = [];
  const ratio = (a: number, b: number) => (a === 0 ? (b === 0 ? 1 : Infinity) : b / a);
  const show = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)}×` : "infinitely");
  for (const [title, value] of [
    ["less GC time", (r: RunResult) => r.time.gc],
    ["lower p99 pause", (r: RunResult) => r.pauses.p99],
  ] as const) {
    const sorted = [...completed].sort((a, b) => value(a) - value(b));
    const best = sorted[0];
    const others = sorted.slice(1).map((r) => `${show(ratio(value(best), value(r)))} ${title} than ${r.collector}`);
    lines.push(`  ${best.collector}: ${others.join(", ")}`);
  }
  return ["Summary", ...lines];
}
