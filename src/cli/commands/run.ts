/** `gcsim run`: one workload under one collector. */
import { Command, Option } from "commander";
import { Chalk } from "chalk";
import { collectorNames } from "../../collectors/registry.js";
import { formats, reporters, type Format } from "../../report/index.js";
import { exitCodeFor } from "../../report/result.js";
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_OPS, runWorkload } from "../../sim/run.js";
import { parseSize } from "../../units.js";
import { loadWorkload } from "../../workload/load.js";
import { emit } from "../output.js";
import { collectOption, collectParam, parseInteger } from "../parse.js";

interface RunFlags {
  collector: string;
  heap?: string;
  seed?: number;
  verify?: boolean;
  format: Format;
  output?: string;
  param?: Record<string, number>;
  opt?: Record<string, string>;
  maxOps: number;
  maxDepth: number;
}

export function runCommand(): Command {
  return new Command("run")
    .description("run a workload under a collector and report what the collector did")
    .argument("<workload>", "workload JSON file")
    .addOption(new Option("-c, --collector <name>", "collector").choices(collectorNames).makeOptionMandatory())
    .option("--heap <size>", "heap size, e.g. 64MiB, 512KiB or bytes (default: the workload's heap, else 64MiB)")
    .option("--seed <n>", "random seed (default: the workload's seed, else 1)", parseInteger("--seed"))
    .option("--param <name=value>", "set a workload parameter (repeatable)", collectParam)
    .option("--opt <key=value>", "set a collector option (repeatable; `gcsim list` shows them)", collectOption)
    .option("--verify", "check the heap with the independent verifier around every collection")
    .addOption(new Option("-f, --format <format>", "output format").choices(formats).default("table"))
    .option("-o, --output <file>", "write the report to a file (atomically) instead of stdout")
    .option("--max-ops <n>", "stop a runaway workload after this many statements", parseInteger("--max-ops", 1), DEFAULT_MAX_OPS)
    .option("--max-depth <n>", "stop recursion deeper than this many calls", parseInteger("--max-depth", 1), DEFAULT_MAX_DEPTH)
    .action((file: string, flags: RunFlags) => {
      const workload = loadWorkload(file, flags.param);
      const result = runWorkload(workload, {
        collector: flags.collector,
        heapBytes: flags.heap === undefined ? undefined : parseSize(flags.heap, "--heap"),
        seed: flags.seed,
        verify: flags.verify,
        params: flags.param,
        collectorOptions: flags.opt,
        maxOps: flags.maxOps,
        maxDepth: flags.maxDepth,
      });
      const colour = flags.output || process.env.NO_COLOR ? new Chalk({ level: 0 }) : new Chalk();
      emit(reporters[flags.format](result, colour), flags.output);
      if (result.error) process.stderr.write(`gcsim: ${result.error.message}\n`);
      process.exitCode = exitCodeFor(result);
    });
}
