/** Options shared by every command that runs workloads (run, compare, sweep), how they become RunOptions, and where results go. */
import { Chalk, type ChalkInstance } from "chalk";
import { Command, Option } from "commander";
import { InputError } from "../errors.js";
import { loadCostModel } from "../metrics/cost-model.js";
import { formats, reporters, type Format } from "../report/index.js";
import type { RunResult } from "../report/result.js";
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_OPS, type RunOptions } from "../sim/run.js";
import { parseHeapSize, parseSize } from "../units.js";
import { checkOutputPath, emit } from "../util/output.js";
import { collectOption, collectParam, collectRepeated, parseInteger, parsePrecisionOrOff } from "./parse.js";
import { DEFAULT_PEAK_LIVE_PRECISION } from "../metrics/peak-live.js";

export interface RunFlags {
  heap?: string;
  seed?: number;
  param?: Record<string, number>;
  opt?: Record<string, string>;
  costModel?: string;
  verify?: boolean;
  format?: Format;
  output?: string[];
  maxOps: number;
  maxDepth: number;
  failOnLeak?: boolean;
  failOnOom?: boolean;
  quiet?: boolean;
  withTimeline?: boolean;
  traceEvents?: string;
  peakLivePrecision?: number | "off";
  demographics?: boolean;
  demographicsInterval?: string;
  demographicsCsv?: string;
}

/** The options of every command that runs workloads; `heapInHelp: false` for sweep, which picks heaps itself (and says so if given one). */
export function addRunOptions(command: Command, { heapInHelp = true } = {}): Command {
  return command
    .addOption(new Option("--heap <size>", "heap size, e.g. 64MiB, 512KiB, 64m or bytes (default: the workload's heap, else 64MiB)").hideHelp(!heapInHelp))
    .option("--seed <n>", "random seed (default: the workload's seed, else 1)", parseInteger("--seed"))
    .option("--param <name=value>", "set a workload parameter (repeatable)", collectParam)
    .option("--opt <key=value>", "set a collector option (repeatable; `gcsim list` shows them)", collectOption)
    .option("--cost-model <file>", "JSON file overriding simulated costs in ns (README: Simulated time)")
    .option("--verify", "check the heap with the independent verifier around every collection")
    .addOption(new Option("-f, --format <format>", "output format (default: from the -o file's extension, else table)").choices(formats))
    .option("-o, --output <file>", "write results to a file (atomically; repeatable, format from each extension; - is stdout)", collectRepeated)
    .option("--with-timeline", "record one row per pause in JSON results (for reports)")
    .option("--trace-events <file>", "write the run(s) as Trace Event Format JSON for ui.perfetto.dev (one process per run)")
    .option("--fail-on-leak", "exit 1 when any run leaked objects")
    .option("-q, --quiet", "no progress display")
    .option("--max-ops <n>", "stop a runaway workload after this many statements", parseInteger("--max-ops", 1), DEFAULT_MAX_OPS)
    .option("--max-depth <n>", "stop recursion deeper than this many calls", parseInteger("--max-depth", 1), DEFAULT_MAX_DEPTH)
    .option(
      "--peak-live-precision <fraction|off>",
      `memory.peakLive within this fraction of the true peak, by exact traces at allocations; off: not measured (default: ${DEFAULT_PEAK_LIVE_PRECISION})`,
      parsePrecisionOrOff("--peak-live-precision"),
    )
    .option("--demographics", "track every object's site, size, lifetime, promotion and last use: demographics and drag in the results (README: Object demographics and drag)")
    .option("--demographics-interval <size>", "bytes allocated between the exact traces that find deaths (the precision of lifetimes; 8 = before every allocation; default: auto)")
    .option("--demographics-csv <file>", "write every run's allocation sites, lifetime and size histograms as one CSV (implies --demographics)");
}

/** --fail-on-oom, for the commands where running out of memory is otherwise data (compare, sweep). */
export function addFailOnOom(command: Command): Command {
  return command.option("--fail-on-oom", "exit 3 when any run ran out of memory (otherwise out of memory is data)");
}

/** RunOptions shared by every run of a command (the collector is chosen per run). */
export function runOptionsFrom(flags: RunFlags): Omit<RunOptions, "collector"> {
  return {
    heapBytes: flags.heap === undefined ? undefined : parseHeapSize(flags.heap, "--heap"),
    seed: flags.seed,
    verify: flags.verify,
    params: flags.param,
    costModel: loadCostModel(flags.costModel),
    maxOps: flags.maxOps,
    maxDepth: flags.maxDepth,
    timeline: flags.withTimeline,
    peakLivePrecision: flags.peakLivePrecision === "off" ? null : flags.peakLivePrecision,
    demographics: flags.demographics === true || flags.demographicsInterval !== undefined || flags.demographicsCsv !== undefined,
    demographicsInterval: flags.demographicsInterval === undefined ? undefined : parseSize(flags.demographicsInterval, "--demographics-interval"),
  };
}

const EXTENSIONS: Record<string, Format> = { json: "json", csv: "csv", md: "markdown" };

/** The format a file's extension names (.json, .csv, .md), if any. */
function formatOfFile(file: string): Format | undefined {
  const extension = /\.([A-Za-z]+)$/.exec(file)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : EXTENSIONS[extension];
}

/**
 * Where results go: stdout in --format (default table) when no -o is given;
 * else each -o file in the format its extension names, or --format, or a
 * table. `-o -` is stdout. A --format that contradicts an extension is an input error.
 */
export function outputsFor(flags: { format?: Format; output?: string[] }): { format: Format; file?: string }[] {
  const files = flags.output ?? [];
  if (files.length === 0) return [{ format: flags.format ?? "table" }];
  return files.map((file) => {
    if (file !== "-") checkOutputPath(file, "-o");
    const named = file === "-" ? undefined : formatOfFile(file);
    if (named && flags.format && named !== flags.format) {
      throw new InputError(`--format ${flags.format} contradicts -o ${file}, whose extension means ${named}`);
    }
    return { format: named ?? flags.format ?? "table", file: file === "-" ? undefined : file };
  });
}

/** Colour only on a terminal, never in files, never with NO_COLOR. */
export function colourFor(file: string | undefined): ChalkInstance {
  return file || process.env.NO_COLOR ? new Chalk({ level: 0 }) : new Chalk();
}

/** Renders results once per output. `one`: the command produced one result (run), printed as a JSON object, not an array. */
export function writeResults(flags: { format?: Format; output?: string[] }, results: RunResult[], one = false): void {
  for (const { format, file } of outputsFor(flags)) emit(reporters[format](results, colourFor(file), one), file);
}

/** Whether any result goes to stdout (then nothing else may, e.g. sweep's table). */
export function writesStdout(flags: { format?: Format; output?: string[] }): boolean {
  return outputsFor(flags).some((o) => o.file === undefined);
}
