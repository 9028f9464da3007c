/** `gcsim compare`: every workload under every chosen collector, side by side. */
import { Command } from "commander";
import type cliProgressType from "cli-progress";
import { lazyRequire } from "../../util/lazy.js";
import type { CollectorDefinition } from "../../collectors/collector.js";
import { collectorNames, isCollectorName } from "../../collectors/registry.js";
import { isCollectorPath, loadCollector } from "../../collectors/user-collector.js";
import { InputError } from "../../errors.js";
import { reporters } from "../../report/index.js";
import { runAll, type RunRequest } from "../../sim/pool.js";
import { loadWorkload } from "../../workload/load.js";
import { addRunOptions, colourFor, formatFor, runOptionsFrom, type RunFlags } from "../common.js";
import { renderHtmlReport } from "../../report/html.js";
import { checkOutputPaths, emit, writeAtomically } from "../../util/output.js";
import { parseInteger } from "../parse.js";

interface CompareFlags extends RunFlags {
  collectors: string;
  jobs?: number;
  report?: string;
}

const progress = lazyRequire<typeof cliProgressType>("cli-progress");

export function parseCollectorList(text: string): string[] {
  if (text === "all") return [...collectorNames];
  const names = text.split(",").map((s) => s.trim());
  for (const name of names) {
    if (!isCollectorName(name) && !isCollectorPath(name)) {
      throw new InputError(`unknown collector "${name}" (collectors: ${collectorNames.join(", ")}, or all)`);
    }
  }
  return names;
}

/**
 * Splits --param values among workloads: each workload gets the parameters it
 * declares; a parameter no workload declares is an input error.
 */
export function paramsPerWorkload(files: string[], params: Record<string, number> = {}): Record<string, number>[] {
  const declared = files.map((f) => Object.keys(loadWorkload(f, undefined, { readGraph: false }).doc.params ?? {}));
  for (const name of Object.keys(params)) {
    if (!declared.some((d) => d.includes(name))) {
      throw new InputError(`--param ${name}: no workload declares it (parameters: ${[...new Set(declared.flat())].join(", ") || "none"})`);
    }
  }
  return declared.map((names) => Object.fromEntries(Object.entries(params).filter(([k]) => names.includes(k))));
}

export function compareCommand(): Command {
  const command = new Command("compare")
    .description("run every workload under every chosen collector and compare them")
    .argument("<workloads...>", "workload JSON files")
    .option("--collectors <list>", "comma-separated collectors, or all", "all")
    .option("-j, --jobs <n>", "runs in parallel (default: one per core)", parseInteger("--jobs", 1))
    .option("--report <file>", "also write a self-contained HTML report with charts");
  return addRunOptions(command).action(async (files: string[], flags: CompareFlags) => {
    checkOutputPaths({ "-o": flags.output, "--report": flags.report });
    const chosen = parseCollectorList(flags.collectors);
    // Loaded here too, so a bad collector file fails before any run starts.
    const definitions = await Promise.all(chosen.map(loadCollector));
    for (const key of Object.keys(flags.opt ?? {})) {
      if (!definitions.some((d) => Object.hasOwn(d.options, key))) {
        throw new InputError(`--opt ${key}: none of the chosen collectors (${chosen.join(", ")}) has this option`);
      }
    }
    const params = paramsPerWorkload(files, flags.param);
    const requests: RunRequest[] = files.flatMap((file, i) =>
      chosen.map((collector, c) => ({
        file,
        // Options given with --opt apply to the collectors that have them.
        options: {
          ...runOptionsFrom({ ...flags, param: params[i], withTimeline: flags.withTimeline || flags.report !== undefined }, collector),
          collectorOptions: optionsFor(definitions[c], flags.opt),
        },
      })),
    );
    const bar =
      process.stderr.isTTY && !flags.quiet
        ? new (progress().SingleBar)({ format: "{bar} {value}/{total} runs", stream: process.stderr }, progress().Presets.shades_classic)
        : undefined;
    bar?.start(requests.length, 0);
    const results = await runAll(requests, flags.jobs, (done) => bar?.update(done));
    bar?.stop();
    // The results are written before the report, so a report that cannot be written loses no data.
    const html = flags.report ? renderHtmlReport(results) : undefined;
    if (!flags.withTimeline) for (const r of results) delete r.timeline;
    emit(reporters[formatFor(flags)](results, colourFor(flags)), flags.output);
    if (flags.report) writeAtomically(flags.report, html!);
    const leaked = results.some((r) => r.leaked.objects > 0);
    process.exitCode = flags.failOnLeak && leaked ? 1 : 0;
  });
}

/** The subset of --opt values a collector declares (compare passes each collector its own). */
function optionsFor(definition: CollectorDefinition, opt: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(opt).filter(([k]) => Object.hasOwn(definition.options, k)));
}
