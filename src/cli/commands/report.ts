/** `gcsim report`: one self-contained HTML file from the JSON results of run, compare or sweep. */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { InputError } from "../../errors.js";
import { renderHtmlReport } from "../../report/html.js";
import type { RunResult } from "../../report/result.js";
import { checkOutputPaths, writeAtomically } from "../../util/output.js";

export function readResultFiles(files: string[]): RunResult[] {
  return files.flatMap((file) => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new InputError(`cannot read results ${file}: ${(e as Error).message}`);
    }
    const runs = Array.isArray(json) ? json : [json];
    if (!runs.every((r) => typeof r === "object" && r !== null && "workload" in r && "collector" in r && "pauses" in r)) {
      throw new InputError(`${file} is not JSON written by gcsim run, compare or sweep (--format json)`);
    }
    return runs as RunResult[];
  });
}

export function reportCommand(): Command {
  return new Command("report")
    .description("write a self-contained HTML report with charts from JSON results")
    .argument("<results...>", "JSON written by run, compare or sweep (--with-timeline adds heap occupancy charts)")
    .requiredOption("-o, --output <file>", "the HTML file to write")
    .action((files: string[], flags: { output: string }) => {
      checkOutputPaths({ "-o": flags.output });
      writeAtomically(flags.output, renderHtmlReport(readResultFiles(files)));
    });
}
