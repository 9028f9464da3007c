/** `gcsim check`: the CI gate. Exit 1 when a metric regressed beyond the tolerance against the baseline. */
import { lazyRequire } from "../../util/lazy.js";
import { Command, Option } from "commander";
import type TableType from "cli-table3";
import { InputError } from "../../errors.js";
import { checkAgainstBaseline, DEFAULT_CHECK_METRICS, type Regression } from "../../report/check.js";
import { emit } from "../../util/output.js";
import { readResultFiles } from "./report.js";

const readResults = (file: string) => readResultFiles([file]);

function parseTolerance(text: string): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(text);
  if (!m) throw new InputError(`--tolerance must be a percentage such as 2%, got "${text}"`);
  return Number(m[1]) / 100;
}

const cliTable = lazyRequire<typeof TableType>("cli-table3");

const CHECK_FORMATS = ["table", "json", "markdown"] as const;
type CheckFormat = (typeof CHECK_FORMATS)[number];

const show = (v: number | null) => (v === null ? "-" : String(v));
const change = (r: Regression) => (Number.isFinite(r.change) ? `+${(r.change * 100).toFixed(2)}%` : "changed");

/** The verdict in each format; json is always an array of regressions (empty when none). */
function renderCheck(format: CheckFormat, regressions: Regression[], compared: number, tolerance: string): string {
  const verdict =
    regressions.length === 0
      ? `ok: ${compared} runs, no metric worse than the baseline by more than ${tolerance}`
      : `${regressions.length} regression${regressions.length === 1 ? "" : "s"} beyond ${tolerance}`;
  const rows = regressions.map((r) => [r.run, r.metric, show(r.baseline), show(r.result), change(r)]);
  const head = ["run", "metric", "baseline", "result", "change"];
  if (format === "json") return JSON.stringify(regressions, (_k, v: unknown) => (v === Infinity ? null : v), 2);
  if (format === "markdown") {
    const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
    const table = rows.length > 0 ? ["", line(head), line(head.map(() => "---")), ...rows.map(line)] : [];
    return [`### gcsim check: ${regressions.length === 0 ? "passed" : "failed"}`, "", `${compared} runs compared; ${verdict}.`, ...table].join("\n");
  }
  if (regressions.length === 0) return verdict;
  const table = new (cliTable())({ head, style: { head: [], border: [] } });
  for (const row of rows) table.push(row);
  return `${table.toString()}\n${verdict}`;
}

export function checkCommand(): Command {
  return new Command("check")
    .description("compare results with a baseline and fail when a metric got worse")
    .argument("<results>", "JSON written by gcsim run or compare")
    .requiredOption("--baseline <file>", "baseline JSON written the same way")
    .option("--tolerance <percent>", "allowed relative worsening", "2%")
    .option("--metrics <list>", "comma-separated dotted metric names", DEFAULT_CHECK_METRICS.join(","))
    .addOption(new Option("-f, --format <format>", "table, json (an array of regressions) or markdown (for $GITHUB_STEP_SUMMARY)").choices(CHECK_FORMATS).default("table"))
    .option("-o, --output <file>", "write the verdict to a file (atomically) instead of stdout")
    .action((file: string, flags: { baseline: string; tolerance: string; metrics: string; format: CheckFormat; output?: string }) => {
      const tolerance = parseTolerance(flags.tolerance);
      const metrics = flags.metrics.split(",").map((m) => m.trim()).filter(Boolean);
      const { regressions, compared } = checkAgainstBaseline(readResults(file), readResults(flags.baseline), metrics, tolerance);
      emit(renderCheck(flags.format, regressions, compared, flags.tolerance), flags.output === "-" ? undefined : flags.output);
      process.exitCode = regressions.length === 0 ? 0 : 1;
    });
}
