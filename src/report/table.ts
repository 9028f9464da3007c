/** The human-readable report of one run: a two-column table, coloured only when the terminal wants colour. */
import type { ChalkInstance } from "chalk";
import Table from "cli-table3";
import { formatBytes } from "../units.js";
import type { RunResult } from "./result.js";

const count = (n: number) => n.toLocaleString("en-US");
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 2 : 1)} ms`);

export function renderTable(r: RunResult, c: ChalkInstance): string {
  const table = new Table({ style: { head: [], border: [] } });
  const outcome =
    r.outcome === "completed" ? c.green(r.outcome) : c.red(r.outcome + (r.error ? `: ${r.error.message}` : ""));
  const kinds = Object.entries(r.collections)
    .filter(([k]) => k !== "total")
    .map(([k, n]) => `${count(n)} ${k}`)
    .join(", ");
  const work = [
    r.work.objectsMarked && `${count(r.work.objectsMarked)} marked`,
    r.work.objectsCopied && `${count(r.work.objectsCopied)} copied (${formatBytes(r.work.bytesCopied)})`,
    r.work.slotsScanned && `${count(r.work.slotsScanned)} slots scanned`,
    r.work.cellsSwept && `${count(r.work.cellsSwept)} swept`,
  ]
    .filter(Boolean)
    .join(", ");
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const rows: [string, string][] = [
    ["workload", `${r.workload}${params ? `\n${c.dim(params)}` : ""}`],
    ["collector", `${r.collector}${Object.keys(r.options).length ? c.dim(`  ${Object.entries(r.options).map(([k, v]) => `${k}=${v}`).join(" ")}`) : ""}`],
    ["heap", `${formatBytes(r.heapBytes)} (${count(r.heapBytes)} bytes)`],
    ["seed", String(r.seed)],
    ["outcome", outcome],
    ["allocated", `${count(r.allocated.objects)} objects, ${formatBytes(r.allocated.bytes)}`],
    ["collections", r.collections.total > 0 ? `${count(r.collections.total)} (${kinds})` : "0"],
    [
      "pauses (wall)",
      `${count(r.wall.pauses.count)}, total ${ms(r.wall.pauses.totalMs)}, max ${ms(r.wall.pauses.maxMs)}`,
    ],
    ["GC work", work || "none"],
    ["live", `peak ${formatBytes(r.memory.peakLive)} after GC, final ${formatBytes(r.memory.finalLive)}`],
    [
      "leaked",
      r.leaked.objects === 0
        ? "nothing"
        : c.yellow(`${count(r.leaked.objects)} objects, ${formatBytes(r.leaked.bytes)}, ${count(r.leaked.cycles)} cycles`),
    ],
    ["fragmentation", `${(r.memory.fragmentation * 100).toFixed(1)}% (worst, free bytes outside the largest free chunk)`],
    [
      "wall time",
      `${ms(r.wall.totalMs)} (mutator ${ms(r.wall.mutatorMs)}, GC ${ms(r.wall.gcMs)}), ${count(Math.round(r.wall.allocationsPerSecond))} allocations/s`,
    ],
  ];
  if (r.verified) rows.push(["verified", c.green("heap verified after every collection")]);
  for (const [k, v] of rows) table.push([c.bold(k), v]);
  return table.toString();
}
