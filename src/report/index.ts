/** Output formats for results, registered in one place. Every reporter takes one or more runs. */
import type { ChalkInstance } from "chalk";
import { renderCsv } from "./csv.js";
import { formatBytes, formatNs, formatPercent } from "./format.js";
import { labelOf, type RunResult } from "./result.js";
import { summaryLines } from "./summary.js";
import { COMPARISON_COLUMNS, comparisonCells, groupByWorkload, renderTable } from "./table.js";

/** `one`: the command produced a single result (`run`), which JSON prints as an object; otherwise JSON is always an array. */
export type Reporter = (results: RunResult[], chalk: ChalkInstance, one?: boolean) => string;

/**
 * One table of every run (GitHub-flavoured markdown); null figures are "-", the best value of a
 * comparison's column is bold. Then the summary of each comparison (workload, parameters, heap).
 */
function renderMarkdown(results: RunResult[]): string {
  const head = ["workload", "collector", "heap", "outcome", ...COMPARISON_COLUMNS.map((c) => c.title)];
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  const escape = (text: string) => text.replace(/([*_`|\\[\]<>])/g, "\\$1");
  const groups = groupByWorkload(results);
  const summaries = groups.flatMap((group) => {
    const lines = summaryLines(group);
    const params = Object.entries(group[0].params).map(([k, v]) => `${k}=${v}`).join(" ");
    const title = `**Summary: ${escape(group[0].workload)}${params ? ` (${params})` : ""}, heap ${formatBytes(group[0].heapBytes)}**`;
    return lines.length > 0 ? ["", title, "", ...lines.map((l) => `- ${escape(l)}`)] : [];
  });
  const rows = groups.flatMap((group) => {
    const completed = group.filter((r) => r.outcome === "completed");
    return group.map((r) => [
      r.workload,
      labelOf(r),
      formatBytes(r.heapBytes),
      r.outcome,
      ...(r.outcome === "completed" ? comparisonCells(r, completed).map((c) => (c.best ? `**${c.text}**` : c.text)) : COMPARISON_COLUMNS.map(() => "-")),
    ]);
  });
  return [line(head), line(head.map(() => "---")), ...rows.map(line), ...summaries].join("\n");
}

export const reporters = {
  table: renderTable,
  json: (results, _chalk, one = false) => JSON.stringify(one ? results[0] : results, null, 2),
  csv: renderCsv,
  markdown: renderMarkdown,
} satisfies Record<string, Reporter>;

export type Format = keyof typeof reporters;
export const formats = Object.keys(reporters) as Format[];
export { formatBytes, formatNs, formatPercent };
