/** `gcsim run`: one workload under one collector. */
import { Command } from "commander";
import { formatCount, formatNs } from "../../report/format.js";
import { renderTimelineCsv } from "../../report/csv.js";
import { exitCodeFor, labelOf, type RunResult } from "../../report/result.js";
import { collectorLabel, resolveCollectorSpec } from "../../sim/collector-spec.js";
import type { RunProgress } from "../../sim/progress.js";
import { runWorkloadWithTimeline } from "../../sim/run.js";
import { importWorkload } from "../../workload/load.js";
import { addRunOptions, outputsFor, runOptionsFrom, writeResults, type RunFlags } from "../common.js";
import { checkOutputPaths, writeAtomically } from "../../util/output.js";

/**
 * Every run that ended in an error, on stderr. Out of memory is printed by
 * `run` (where it is the command's failure) and left to the table elsewhere
 * (where it is data).
 */
export function reportErrors(results: RunResult[], single = false): void {
  for (const r of results) {
    if (!r.error || (!single && r.outcome === "out-of-memory")) continue;
    process.stderr.write(single ? `gcsim: ${r.error.message}\n` : `gcsim: ${r.workload} under ${labelOf(r)}: ${r.error.message}\n`);
  }
}

/** The heartbeat of a long run on a terminal: one status line on stderr, rewritten in place. */
let heartbeats = 0;
function heartbeat(p: RunProgress): void {
  heartbeats++;
  process.stderr.write(
    `\r\x1b[K${(p.wallMs / 1000).toFixed(0)} s: ${formatCount(p.statements)} statements, ${formatCount(p.allocatedObjects)} objects allocated, ` +
      `${formatCount(p.collections)} collections, simulated time ${formatNs(p.simulatedNs)}`,
  );
}

export function runCommand(): Command {
  const command = new Command("run")
    .description("run a workload under a collector and report what the collector did")
    .argument("<workload>", "workload JSON file, TypeScript workload file (.ts, .js), a shipped workload's name (gcbench), or - for stdin")
    .requiredOption("-c, --collector <spec>", "a built-in collector (gcsim list) or a collector file (./my-gc.ts), optionally with options: NAME[:key=value...]")
    .option("--timeline <file>", "write one CSV row per collection or pause (simulated time, heap before/after)");
  return addRunOptions(command).action(async (file: string, flags: RunFlags & { collector: string; timeline?: string }) => {
    outputsFor(flags);
    checkOutputPaths({ "--timeline": flags.timeline });
    const spec = await resolveCollectorSpec(flags.collector);
    const collectorOptions = { ...flags.opt, ...spec.options };
    const workload = await importWorkload(file, flags.param);
    const { result, timeline } = runWorkloadWithTimeline(workload, {
      ...runOptionsFrom(flags),
      collector: spec.definition,
      collectorOptions,
      label: collectorLabel(spec.definition.name, collectorOptions),
      onProgress: process.stderr.isTTY && !flags.quiet ? heartbeat : undefined,
    });
    if (heartbeats > 0) process.stderr.write("\r\x1b[K");
    writeResults(flags, [result], true);
    if (flags.timeline) writeAtomically(flags.timeline, renderTimelineCsv(timeline() as unknown as Record<string, unknown>[]));
    reportErrors([result], true);
    process.exitCode = exitCodeFor([result], { failOnOom: true, failOnLeak: flags.failOnLeak });
  });
}
