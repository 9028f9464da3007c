/** `gcsim run`: one workload under one collector. */
import { Command, Option } from "commander";
import { formatCount, formatNs } from "../../report/format.js";
import { renderTimelineCsv } from "../../report/csv.js";
import { exitCodeFor, labelOf, type RunResult, type TimelineRow } from "../../report/result.js";
import { GC_LOG_FORMATS, gcLogWriter, type GcLogFormat } from "../../report/gc-log.js";
import { renderTraceEvents } from "../../report/trace-events.js";
import { renderDemographicsCsv } from "../../report/demographics.js";
import { collectorLabel, resolveCollectorSpec } from "../../sim/collector-spec.js";
import type { RunProgress } from "../../sim/progress.js";
import { runHeapBytes, runWorkloadWithTimeline } from "../../sim/run.js";
import { importWorkload, type LoadedWorkload } from "../../workload/load.js";
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

/**
 * A GC log fed pause by pause: streamed to stderr (`--gc-log -`), or kept to
 * be written atomically once the run is over. The heap is the one the run
 * will use (--heap, else the workload's).
 */
function gcLogLines(format: GcLogFormat, collector: string, workload: LoadedWorkload, flags: RunFlags, stream: boolean) {
  const heapBytes = runHeapBytes(workload, runOptionsFrom(flags).heapBytes);
  const writer = gcLogWriter(format, { collector, heapBytes });
  const lines: string[] = [];
  const emitLine = (line: string) => (stream ? process.stderr.write(`${line}\n`) : lines.push(line));
  writer.header().forEach(emitLine);
  return {
    lines,
    onCollection: (row: TimelineRow) => {
      const line = writer.line(row);
      if (line !== undefined) emitLine(line);
    },
  };
}

export function runCommand(): Command {
  const command = new Command("run")
    .description("run a workload under a collector and report what the collector did")
    .argument("<workload>", "workload JSON file, TypeScript workload file (.ts, .js), a shipped workload's name (gcbench), or - for stdin")
    .requiredOption("-c, --collector <spec>", "a built-in collector (gcsim list) or a collector file (./my-gc.ts), optionally with options: NAME[:key=value...]")
    .option("--timeline <file>", "write one CSV row per collection or pause (simulated time, heap before/after)")
    .option("--gc-log <file>", "write one line per collection in --gc-log-format; - streams to stderr as the run goes")
    .addOption(new Option("--gc-log-format <format>", "format of the GC log: go (GODEBUG=gctrace=1), jdk (-Xlog:gc) or v8 (Node's trace-gc)").choices(GC_LOG_FORMATS).default("jdk"));
  return addRunOptions(command).action(async (file: string, flags: RunFlags & { collector: string; timeline?: string; gcLog?: string; gcLogFormat: GcLogFormat }) => {
    outputsFor(flags);
    const gcLogFile = flags.gcLog === "-" ? undefined : flags.gcLog;
    checkOutputPaths({ "--timeline": flags.timeline, "--trace-events": flags.traceEvents, "--demographics-csv": flags.demographicsCsv, "--gc-log": gcLogFile });
    const spec = await resolveCollectorSpec(flags.collector);
    const collectorOptions = { ...flags.opt, ...spec.options };
    const workload = await importWorkload(file, flags.param);
    const gcLog = flags.gcLog === undefined ? undefined : gcLogLines(flags.gcLogFormat, spec.definition.name, workload, flags, gcLogFile === undefined);
    const { result, timeline } = runWorkloadWithTimeline(workload, {
      ...runOptionsFrom(flags),
      collector: spec.definition,
      collectorOptions,
      label: collectorLabel(spec.definition.name, collectorOptions),
      // The status line and a GC log streamed to stderr would overwrite each other.
      onProgress: process.stderr.isTTY && !flags.quiet && flags.gcLog !== "-" ? heartbeat : undefined,
      onCollection: gcLog?.onCollection,
    });
    if (heartbeats > 0) process.stderr.write("\r\x1b[K");
    writeResults(flags, [result], true);
    if (flags.timeline) writeAtomically(flags.timeline, renderTimelineCsv(timeline()));
    if (flags.traceEvents) writeAtomically(flags.traceEvents, renderTraceEvents([{ ...result, timeline: timeline() }]));
    if (gcLogFile) writeAtomically(gcLogFile, gcLog!.lines.map((l) => `${l}\n`).join(""));
    if (flags.demographicsCsv) writeAtomically(flags.demographicsCsv, renderDemographicsCsv([result]));
    reportErrors([result], true);
    process.exitCode = exitCodeFor([result], { failOnOom: true, failOnLeak: flags.failOnLeak });
  });
}
