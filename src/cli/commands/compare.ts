/** `gcsim compare`: every workload under every chosen collector (and variant), side by side. */
import { Command } from "commander";
import type cliProgressType from "cli-progress";
import { lazyRequire } from "../../util/lazy.js";
import { InputError } from "../../errors.js";
import { didYouMean } from "../../util/suggest.js";
import { exitCodeFor } from "../../report/result.js";
import { collectorRuns, parseCollectorList } from "../../sim/collector-spec.js";
import { runAll, type RunRequest } from "../../sim/pool.js";
import { importWorkload } from "../../workload/load.js";
import { addFailOnOom, addRunOptions, outputsFor, runOptionsFrom, writeResults, type RunFlags } from "../common.js";
import { renderHtmlReport } from "../../report/html.js";
import { renderTraceEvents } from "../../report/trace-events.js";
import { renderDemographicsCsv } from "../../report/demographics.js";
import { withOverheadVsNone } from "../../report/overhead.js";
import { checkOutputPaths, writeAtomically } from "../../util/output.js";
import { parseInteger } from "../parse.js";
import { reportErrors } from "./run.js";

interface CompareFlags extends RunFlags {
  collectors: string;
  jobs?: number;
  report?: string;
}

const progress = lazyRequire<typeof cliProgressType>("cli-progress");

/**
 * Splits --param values among workloads: each workload gets the parameters it
 * declares; a parameter no workload declares is an input error.
 */
export async function paramsPerWorkload(files: string[], params: Record<string, number> = {}): Promise<Record<string, number>[]> {
  const declared: string[][] = [];
  for (const f of files) declared.push(Object.keys((await importWorkload(f, undefined, { readGraph: false })).doc.params ?? {}));
  for (const name of Object.keys(params)) {
    if (!declared.some((d) => d.includes(name))) {
      const known = [...new Set(declared.flat())];
      throw new InputError(`--param ${name}: no workload declares it${didYouMean(name, known)} (parameters: ${known.join(", ") || "none"})`);
    }
  }
  return declared.map((names) => Object.fromEntries(Object.entries(params).filter(([k]) => names.includes(k))));
}

/** A progress bar of runs done on stderr, on a terminal and without --quiet. */
export function progressBar(quiet: boolean | undefined, format: string) {
  return process.stderr.isTTY && !quiet
    ? new (progress().SingleBar)({ format, stream: process.stderr }, progress().Presets.shades_classic)
    : undefined;
}

export function compareCommand(): Command {
  const command = new Command("compare")
    .description("run every workload under every chosen collector and compare them")
    .argument("<workloads...>", "workload JSON or TypeScript files, or shipped workload names")
    .option("--collectors <list>", "comma-separated collectors or variants (NAME:key=value...), or all", "all")
    .option("-j, --jobs <n>", "runs in parallel (default: one per core)", parseInteger("--jobs", 1))
    .option("--report <file>", "also write a self-contained HTML report with charts");
  return addFailOnOom(addRunOptions(command)).action(async (names: string[], flags: CompareFlags) => {
    outputsFor(flags);
    checkOutputPaths({ "--report": flags.report, "--trace-events": flags.traceEvents, "--demographics-csv": flags.demographicsCsv });
    if (names.includes("-")) throw new InputError("compare reads each workload in several worker threads; give files or names, not - (stdin)");
    const files = names;
    const configurations = collectorRuns(await parseCollectorList(flags.collectors), flags.opt);
    const params = await paramsPerWorkload(files, flags.param);
    const shared = runOptionsFrom({ ...flags, withTimeline: flags.withTimeline || flags.report !== undefined || flags.traceEvents !== undefined });
    const requests: RunRequest[] = files.flatMap((file, i) =>
      configurations.map((c) => ({
        file,
        options: { ...shared, params: params[i], collector: c.name, collectorOptions: c.options, label: c.label },
      })),
    );
    const bar = progressBar(flags.quiet, "{bar} {value}/{total} runs");
    bar?.start(requests.length, 0);
    // Each run is produced alone; its overhead over none is computed once they are all here.
    const results = withOverheadVsNone(await runAll(requests, flags.jobs, (done) => bar?.update(done)));
    bar?.stop();
    // The results are written before the report, so a report that cannot be written loses no data.
    const html = flags.report ? renderHtmlReport(results) : undefined;
    const trace = flags.traceEvents ? renderTraceEvents(results) : undefined;
    if (!flags.withTimeline) for (const r of results) delete r.timeline;
    writeResults(flags, results);
    if (flags.report) writeAtomically(flags.report, html!);
    if (flags.traceEvents) writeAtomically(flags.traceEvents, trace!);
    if (flags.demographicsCsv) writeAtomically(flags.demographicsCsv, renderDemographicsCsv(results));
    reportErrors(results);
    process.exitCode = exitCodeFor(results, { failOnOom: flags.failOnOom, failOnLeak: flags.failOnLeak });
  });
}
