/** Options shared by every command that runs workloads (run, compare), and how they become RunOptions. */
import { Chalk, type ChalkInstance } from "chalk";
import { Command, Option } from "commander";
import { loadCostModel } from "../metrics/cost-model.js";
import { formats, type Format } from "../report/index.js";
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_OPS, type RunOptions } from "../sim/run.js";
import { parseSize } from "../units.js";
import { collectOption, collectParam, parseInteger } from "./parse.js";

export interface RunFlags {
  heap?: string;
  seed?: number;
  param?: Record<string, number>;
  opt?: Record<string, string>;
  costModel?: string;
  verify?: boolean;
  format?: Format;
  output?: string;
  maxOps: number;
  maxDepth: number;
  failOnLeak?: boolean;
  quiet?: boolean;
  withTimeline?: boolean;
}

export function addRunOptions(command: Command): Command {
  return command
    .option("--heap <size>", "heap size, e.g. 64MiB, 512KiB or bytes (default: the workload's heap, else 64MiB)")
    .option("--seed <n>", "random seed (default: the workload's seed, else 1)", parseInteger("--seed"))
    .option("--param <name=value>", "set a workload parameter (repeatable)", collectParam)
    .option("--opt <key=value>", "set a collector option (repeatable; `gcsim list` shows them)", collectOption)
    .option("--cost-model <file>", "JSON file overriding simulated costs in ns (README: Simulated time)")
    .option("--verify", "check the heap with the independent verifier around every collection")
    .addOption(new Option("-f, --format <format>", "output format (default: from the -o file's extension, else table)").choices(formats))
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--fail-on-leak", "exit 1 when any run leaked objects")
    .option("-q, --quiet", "no progress display")
    .option("--max-ops <n>", "stop a runaway workload after this many statements", parseInteger("--max-ops", 1), DEFAULT_MAX_OPS)
    .option("--max-depth <n>", "stop recursion deeper than this many calls", parseInteger("--max-depth", 1), DEFAULT_MAX_DEPTH);
}

/** RunOptions for one collector from the shared flags. */
export function runOptionsFrom<C extends RunOptions["collector"]>(flags: RunFlags, collector: C): RunOptions & { collector: C } {
  return {
    collector,
    heapBytes: flags.heap === undefined ? undefined : parseSize(flags.heap, "--heap"),
    seed: flags.seed,
    verify: flags.verify,
    params: flags.param,
    collectorOptions: flags.opt,
    costModel: loadCostModel(flags.costModel),
    maxOps: flags.maxOps,
    maxDepth: flags.maxDepth,
    timeline: flags.withTimeline,
  };
}

/** The format asked for, else the one the output file's extension names (.json, .csv, .md), else a table. */
export function formatFor(flags: { format?: Format; output?: string }): Format {
  if (flags.format) return flags.format;
  const extension = /\.(json|csv|md)$/.exec(flags.output ?? "")?.[1];
  return extension === "md" ? "markdown" : ((extension as Format | undefined) ?? "table");
}

/** Colour only on a terminal, never in files, never with NO_COLOR. */
export function colourFor(flags: RunFlags): ChalkInstance {
  return flags.output || process.env.NO_COLOR ? new Chalk({ level: 0 }) : new Chalk();
}
