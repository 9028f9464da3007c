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
import type cliProgressType from "cli-progress";
import { lazyRequire } from "../../util/lazy.js";
import { InputError } from "../../errors.js";
import { formatBytes, formatNs } from "../../report/format.js";
import { reporters } from "../../report/index.js";
import type { RunResult } from "../../report/result.js";
import { findMinHeaps, runAll } from "../../sim/pool.js";
import { loadWorkload } from "../../workload/load.js";
import { addRunOptions, colourFor, formatFor, runOptionsFrom, type RunFlags } from "../common.js";
import { renderHtmlReport } from "../../report/html.js";
import { checkOutputPaths, emit, writeAtomically } from "../../util/output.js";
import { parseInteger } from "../parse.js";
import { parseCollectorList } from "./compare.js";
import { parseResolution } from "./minheap.js";

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

const progress = lazyRequire<typeof cliProgressType>("cli-progress");

const cliTable = lazyRequire<typeof TableType>("cli-table3");

export function sweepCommand(): Command {
  const command = new Command("sweep")
    .description("run each collector at multiples of the reference minimum heap")
    .argument("<workload>", "workload JSON file")
    .option("--collectors <list>", "comma-separated collectors, or all", "all")
    .option("--factors <list>", "heap sizes as multiples of the reference minimum heap", "1.25,1.5,2,3,4,6")
    .option("--resolution <percent>", "minimum-heap search resolution", "1%")
    .option("-j, --jobs <n>", "runs in parallel (default: one per core)", parseInteger("--jobs", 1))
    .option("--report <file>", "also write a self-contained HTML report with charts");
  return addRunOptions(command).action(async (file: string, flags: SweepFlags) => {
    checkOutputPaths({ "-o": flags.output, "--report": flags.report });
    if (flags.heap) throw new InputError("sweep chooses the heap sizes itself; use --factors instead of --heap");
    const collectors = parseCollectorList(flags.collectors).filter((c) => c !== "none" || flags.collectors !== "all");
    const factors = parseFactors(flags.factors);
    loadWorkload(file, flags.param, { readGraph: false }); // input errors now, before any worker starts
    const bar =
      process.stderr.isTTY && !flags.quiet
        ? new (progress().SingleBar)({ format: "{bar} {value}/{total} {phase}", stream: process.stderr }, progress().Presets.shades_classic)
        : undefined;

    const base = collectors.map((collector) => ({ file, options: runOptionsFrom(flags, collector) }));
    const withTimeline = flags.withTimeline || flags.report !== undefined;
    bar?.start(collectors.length, 0, { phase: "minimum heaps" });
    const minHeaps = await findMinHeaps(base, parseResolution(flags.resolution), flags.jobs, (d) => bar?.update(d));
    const reference = Math.min(...minHeaps.map((m) => m.minHeapBytes));

    const requests = collectors.flatMap((collector, i) =>
      factors.map((factor) => ({
        file,
        options: { ...base[i].options, heapBytes: Math.floor((reference * factor) / 8) * 8, timeline: withTimeline },
      })),
    );
    bar?.setTotal(requests.length);
    bar?.update(0, { phase: "runs" });
    const results = await runAll(requests, flags.jobs, (d) => bar?.update(d));
    bar?.stop();
    results.forEach((r, i) => {
      const c = Math.floor(i / factors.length);
      r.sweep = { factor: factors[i % factors.length], referenceHeapBytes: reference, minHeapBytes: minHeaps[c].minHeapBytes };
    });

    process.stdout.write(renderSweepTable(results, collectors, factors, reference) + "\n");
    // The results are written before the report, so a report that cannot be written loses no data.
    const html = flags.report ? renderHtmlReport(results) : undefined;
    if (!flags.withTimeline) for (const r of results) delete r.timeline;
    if (flags.output) emit(reporters[formatFor(flags)](results, colourFor(flags)), flags.output);
    if (flags.report) writeAtomically(flags.report, html!);
  });
}

/** GC time and p99 pause by heap factor, one line per collector. */
function renderSweepTable(results: RunResult[], collectors: string[], factors: number[], reference: number): string {
  const table = new (cliTable())({ head: ["collector", "min heap", ...factors.map((f) => `${f}×`)], style: { head: [], border: [] } });
  collectors.forEach((collector, c) => {
    const row = results.slice(c * factors.length, (c + 1) * factors.length);
    table.push([
      collector,
      formatBytes(row[0].sweep!.minHeapBytes),
      ...row.map((r) => (r.outcome === "completed" ? `${formatNs(r.time.gc)} / ${formatNs(r.pauses.p99)}` : r.outcome)),
    ]);
  });
  return `heap factors of the reference minimum heap ${formatBytes(reference)} (${reference} bytes); cells: GC time / p99 pause\n${table.toString()}`;
}
