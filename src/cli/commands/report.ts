/** `gcsim report`: one self-contained HTML file from the JSON results of run, compare or sweep. */
import { Command } from "commander";
import { renderHtmlReport } from "../../report/html.js";
import { readResultFiles } from "../../report/read.js";
import { checkOutputPaths, writeAtomically } from "../../util/output.js";

/** Results and baseline files, validated at their input boundary (src/report/read.ts). */
export { readResultFiles };

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
