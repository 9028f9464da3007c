/** `gcsim run`: one workload under one collector. */
import { Command, Option } from "commander";
import { loadCollector } from "../../collectors/user-collector.js";
import { reporters } from "../../report/index.js";
import { renderTimelineCsv } from "../../report/csv.js";
import { exitCodeFor } from "../../report/result.js";
import { runWorkloadWithTimeline } from "../../sim/run.js";
import { loadWorkload } from "../../workload/load.js";
import { addRunOptions, colourFor, formatFor, runOptionsFrom, type RunFlags } from "../common.js";
import { checkOutputPaths, emit, writeAtomically } from "../../util/output.js";

export function runCommand(): Command {
  const command = new Command("run")
    .description("run a workload under a collector and report what the collector did")
    .argument("<workload>", "workload JSON file")
    .addOption(new Option("-c, --collector <name>", "a built-in collector (gcsim list) or a collector file (./my-gc.ts)").makeOptionMandatory())
    .option("--timeline <file>", "write one CSV row per collection or pause (simulated time, heap before/after)");
  return addRunOptions(command).action(async (file: string, flags: RunFlags & { collector: string; timeline?: string }) => {
    checkOutputPaths({ "-o": flags.output, "--timeline": flags.timeline });
    const workload = loadWorkload(file, flags.param);
    const collector = await loadCollector(flags.collector);
    const { result, timeline } = runWorkloadWithTimeline(workload, runOptionsFrom(flags, collector));
    emit(reporters[formatFor(flags)]([result], colourFor(flags)), flags.output);
    if (flags.timeline) writeAtomically(flags.timeline, renderTimelineCsv(timeline() as unknown as Record<string, unknown>[]));
    if (result.error) process.stderr.write(`gcsim: ${result.error.message}\n`);
    const code = exitCodeFor(result);
    process.exitCode = code === 0 && flags.failOnLeak && result.leaked.objects > 0 ? 1 : code;
  });
}
