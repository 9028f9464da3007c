/** `gcsim check`: the CI gate. Exit 1 when a metric regressed beyond the tolerance against the baseline. */
import { lazyRequire } from "../../util/lazy.js";
import { Command } from "commander";
import type TableType from "cli-table3";
import { InputError } from "../../errors.js";
import { checkAgainstBaseline, DEFAULT_CHECK_METRICS } from "../../report/check.js";
import { readResultFiles } from "./report.js";

const readResults = (file: string) => readResultFiles([file]);

function parseTolerance(text: string): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(text);
  if (!m) throw new InputError(`--tolerance must be a percentage such as 2%, got "${text}"`);
  return Number(m[1]) / 100;
}

const cliTable = lazyRequire<typeof TableType>("cli-table3");

export function checkCommand(): Command {
  return new Command("check")
    .description("compare results with a baseline and fail when a metric got worse")
    .argument("<results>", "JSON written by gcsim run or compare")
    .requiredOption("--baseline <file>", "baseline JSON written the same way")
    .option("--tolerance <percent>", "allowed relative worsening", "2%")
    .option("--metrics <list>", "comma-separated dotted metric names", DEFAULT_CHECK_METRICS.join(","))
    .action((file: string, flags: { baseline: string; tolerance: string; metrics: string }) => {
      const tolerance = parseTolerance(flags.tolerance);
      const metrics = flags.metrics.split(",").map((m) => m.trim()).filter(Boolean);
      const { regressions, compared } = checkAgainstBaseline(readResults(file), readResults(flags.baseline), metrics, tolerance);
      if (regressions.length === 0) {
        process.stdout.write(`ok: ${compared} runs, no metric worse than the baseline by more than ${flags.tolerance}\n`);
        process.exitCode = 0;
        return;
      }
      const table = new (cliTable())({ head: ["run", "metric", "baseline", "result", "change"], style: { head: [], border: [] } });
      for (const r of regressions) {
        table.push([r.run, r.metric, String(r.baseline), String(r.result), Number.isFinite(r.change) ? `+${(r.change * 100).toFixed(2)}%` : "new"]);
      }
      process.stdout.write(`${table.toString()}\n${regressions.length} regression${regressions.length === 1 ? "" : "s"} beyond ${flags.tolerance}\n`);
      process.exitCode = 1;
    });
}
