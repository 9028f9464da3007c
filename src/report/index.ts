/** Output formats for results, registered in one place. Every reporter takes one or more runs. */
import type { ChalkInstance } from "chalk";
import { renderCsv } from "./csv.js";
import { formatBytes, formatNs, formatPercent } from "./format.js";
import type { RunResult } from "./result.js";
import { COMPARISON_COLUMNS, renderTable } from "./table.js";

export type Reporter = (results: RunResult[], chalk: ChalkInstance) => string;

function renderMarkdown(results: RunResult[]): string {
  const head = ["workload", "collector", "heap", "outcome", ...COMPARISON_COLUMNS.map((c) => c.title)];
  const rows = results.map((r) => [
    r.workload,
    r.collector,
    formatBytes(r.heapBytes),
    r.outcome,
    ...COMPARISON_COLUMNS.map((c) => (r.outcome === "completed" ? c.format(c.value(r)) : "-")),
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export const reporters = {
  table: renderTable,
  // A single run prints as one object, several as an array.
  json: (results) => JSON.stringify(results.length === 1 ? results[0] : results, null, 2),
  csv: renderCsv,
  markdown: renderMarkdown,
} satisfies Record<string, Reporter>;

export type Format = keyof typeof reporters;
export const formats = Object.keys(reporters) as Format[];
export { formatBytes, formatNs, formatPercent };
