/**
 * `gcsim sweep`: every collector at heap sizes that are multiples of a
 * reference minimum heap, the way GC papers report results. The reference is
 * the smallest minimum heap among the collectors compared (the field's usual
 * convention, e.g. in MMTk's and DaCapo's methodology): factor 1 is then the
 * tightest heap any of them can run in, and a collector that needs more (a
 * semispace collector needs about twice) shows as out of memory at the low
 * factors instead of being flattered by its own minimum.
 */
import { Command } from "commander";
import type TableType from "cli-table3";
import { lazyRequire } from "../../util/lazy.js";
import { GcsimError, InputError } from "../../errors.js";
import { formatBytes, formatNs } from "../../report/format.js";
import { collectorCpuNs, exitCodeFor, labelOf, type RunResult } from "../../report/result.js";
import { collectorRuns, parseCollectorList } from "../../sim/collector-spec.js";
import { failedRun, findMinHeaps, runAll, type RunRequest } from "../../sim/pool.js";
import { importWorkload } from "../../workload/load.js";
import { addFailOnOom, addRunOptions, outputsFor, runOptionsFrom, writeResults, writesStdout, type RunFlags } from "../common.js";
import { renderHtmlReport } from "../../report/html.js";
import { renderTraceEvents } from "../../report/trace-events.js";
import { renderDemographicsCsv } from "../../report/demographics.js";
import { withOverheadVsNone } from "../../report/overhead.js";
import { checkOutputPaths, writeAtomically } from "../../util/output.js";
import { parseInteger } from "../parse.js";
import { progressBar } from "./compare.js";
import { parseResolution } from "./minheap.js";
import { reportErrors } from "./run.js";

interface SweepFlags extends RunFlags {
  collectors: string;
  factors: string;
  resolution: string;
  jobs?: number;
  report?: string;
}

function parseFactors(text: string): number[] {
  const factors = text.split(",").map(Number);
  if (factors.some((f) => !Number.isFinite(f) || f <= 0)) throw new InputError(`--factors must be positive numbers, got "${text}"`);
  return factors;
}

const cliTable = lazyRequire<typeof TableType>("cli-table3");

export function sweepCommand(): Command {
  const command = new Command("sweep")
    .description("run each collector at multiples of the reference minimum heap")
    .argument("<workload>", "workload JSON or TypeScript file, or shipped workload name")
    .option("--collectors <list>", "comma-separated collectors or variants (NAME:key=value...), or all", "all")
    .option("--factors <list>", "heap sizes as multiples of the reference minimum heap", "1.25,1.5,2,3,4,6")
    .option("--resolution <percent>", "minimum-heap search resolution", "1%")
    .option("-j, --jobs <n>", "runs in parallel (default: one per core)", parseInteger("--jobs", 1))
    .option("--report <file>", "also write a self-contained HTML report with charts");
  return addFailOnOom(addRunOptions(command, { heapInHelp: false })).action(async (name: string, flags: SweepFlags) => {
    if (flags.heap) throw new InputError("sweep chooses the heap sizes itself; use --factors instead of --heap");
    outputsFor(flags);
    checkOutputPaths({ "--report": flags.report, "--trace-events": flags.traceEvents, "--demographics-csv": flags.demographicsCsv });
    if (name === "-") throw new InputError("sweep reads the workload in several worker threads; give a file or a name, not - (stdin)");
    const file = name;
    // "all" leaves out none, whose minimum heap is its whole allocation volume; naming it keeps it.
    const named = flags.collectors.split(",").map((c) => c.trim());
    const specs = (await parseCollectorList(flags.collectors)).filter((c) => c.name !== "none" || named.includes("none"));
    const configurations = collectorRuns(specs, flags.opt);
    const factors = parseFactors(flags.factors);
    await importWorkload(file, flags.param, { readGraph: false }); // input errors now, before any worker starts
    const bar = progressBar(flags.quiet, "{bar} {value}/{total} {phase}");

    const shared = runOptionsFrom(flags);
    const base: RunRequest[] = configurations.map((c) => ({
      file,
      options: { ...shared, collector: c.name, collectorOptions: c.options, label: c.label },
    }));
    const withTimeline = flags.withTimeline || flags.report !== undefined || flags.traceEvents !== undefined;
    bar?.start(configurations.length, 0, { phase: "minimum heaps" });
    const minHeaps = await findMinHeaps(base, parseResolution(flags.resolution), flags.jobs, (d) => bar?.update(d));
    const found = minHeaps.flatMap((m) => (m instanceof GcsimError ? [] : [m.minHeapBytes]));
    if (found.length === 0) {
      bar?.stop();
      throw minHeaps[0] as GcsimError;
    }
    const reference = Math.min(...found);

    const requests = base.flatMap((b) =>
      factors.map((factor) => ({ ...b, options: { ...b.options, heapBytes: Math.floor((reference * factor) / 8) * 8, timeline: withTimeline } })),
    );
    bar?.setTotal(requests.length);
    bar?.update(0, { phase: "runs" });
    // A collector whose minimum heap could not be found gets its error at every factor; the others run.
    const searched = requests.filter((_, i) => !(minHeaps[Math.floor(i / factors.length)] instanceof GcsimError));
    const ran = await runAll(searched, flags.jobs, (d) => bar?.update(d));
    bar?.stop();
    let next = 0;
    const swept = requests.map((request, i) => {
      const c = Math.floor(i / factors.length);
      const min = minHeaps[c];
      const r = min instanceof GcsimError ? failedRun(request, min) : ran[next++];
      r.sweep = { factor: factors[i % factors.length], referenceHeapBytes: reference, minHeapBytes: min instanceof GcsimError ? 0 : min.minHeapBytes };
      return r;
    });
    // Each run is produced alone; its overhead over none (when none is swept) is computed once they are all here.
    const results = withOverheadVsNone(swept);

    // The sweep's own table goes to stdout unless results in another format do (-f json, -o -).
    const resultsOut = (flags.output?.length ?? 0) > 0 || (flags.format !== undefined && flags.format !== "table");
    if (!resultsOut || !writesStdout(flags)) process.stdout.write(renderSweepTable(results, factors, reference) + "\n");
    // The results are written before the report, so a report that cannot be written loses no data.
    const html = flags.report ? renderHtmlReport(results) : undefined;
    const trace = flags.traceEvents ? renderTraceEvents(results) : undefined;
    if (!flags.withTimeline) for (const r of results) delete r.timeline;
    if (resultsOut) writeResults(flags, results);
    if (flags.report) writeAtomically(flags.report, html!);
    if (flags.traceEvents) writeAtomically(flags.traceEvents, trace!);
    if (flags.demographicsCsv) writeAtomically(flags.demographicsCsv, renderDemographicsCsv(results));
    reportErrors(results);
    process.exitCode = exitCodeFor(results, { failOnOom: flags.failOnOom, failOnLeak: flags.failOnLeak });
  });
}

/** GC time and p99 pause by heap factor, one line per collector configuration. */
function renderSweepTable(results: RunResult[], factors: number[], reference: number): string {
  const table = new (cliTable())({ head: ["collector", "min heap", ...factors.map((f) => `${f}×`)], style: { head: [], border: [] } });
  for (let c = 0; c < results.length; c += factors.length) {
    const row = results.slice(c, c + factors.length);
    table.push([
      labelOf(row[0]),
      row[0].sweep!.minHeapBytes > 0 ? formatBytes(row[0].sweep!.minHeapBytes) : "-",
      ...row.map((r) => (r.outcome === "completed" ? `${formatNs(collectorCpuNs(r))} / ${r.pauses.p99 === null ? "-" : formatNs(r.pauses.p99)}` : r.outcome)),
    ]);
  }
  return `heap factors of the reference minimum heap ${formatBytes(reference)} (${reference} bytes); cells: collector CPU (pauses, plus a concurrent collector's thread) / p99 pause\n${table.toString()}`;
}
