/** `gcsim minheap`: the smallest heap in which a workload completes under a collector, by bisection. */
import { Command, Option } from "commander";
import { InputError } from "../../errors.js";
import { formatBytes } from "../../report/format.js";
import { collectorLabel, resolveCollectorSpec } from "../../sim/collector-spec.js";
import { findMinHeap } from "../../sim/minheap.js";
import { importWorkload } from "../../workload/load.js";
import { runOptionsFrom, type RunFlags } from "../common.js";
import { checkOutputPaths, emit } from "../../util/output.js";
import { collectOption, collectParam, parseInteger } from "../parse.js";

export function parseResolution(text: string): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (!m || Number(m[1]) <= 0 || Number(m[1]) >= 100) throw new InputError(`--resolution must be a percentage such as 1%, got "${text}"`);
  return Number(m[1]) / 100;
}

export function minheapCommand(): Command {
  return new Command("minheap")
    .description("find the smallest heap in which a workload completes under a collector")
    .argument("<workload>", "workload JSON or TypeScript file, a shipped workload's name, or - for stdin")
    .requiredOption("-c, --collector <spec>", "collector, optionally with options: NAME[:key=value...]")
    .option("--param <name=value>", "set a workload parameter (repeatable)", collectParam)
    .option("--opt <key=value>", "set a collector option (repeatable)", collectOption)
    .option("--seed <n>", "random seed", parseInteger("--seed"))
    .option("--cost-model <file>", "JSON file overriding simulated costs")
    .option("--resolution <percent>", "stop when the bracket is narrower than this share of the heap", "1%")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table"))
    .option("-o, --output <file>", "write the result to a file (atomically)")
    .action(async (file: string, flags: Omit<RunFlags, "output"> & { output?: string; collector: string; resolution: string; format: "table" | "json" }) => {
      checkOutputPaths({ "-o": flags.output === "-" ? undefined : flags.output });
      const spec = await resolveCollectorSpec(flags.collector);
      const collectorOptions = { ...flags.opt, ...spec.options };
      const workload = await importWorkload(file, flags.param);
      const options = {
        ...runOptionsFrom({ ...flags, format: undefined, output: undefined, maxOps: 1e10, maxDepth: 10_000 }),
        collector: spec.definition,
        collectorOptions,
        label: collectorLabel(spec.definition.name, collectorOptions),
      };
      const result = findMinHeap(workload, options, parseResolution(flags.resolution));
      const text =
        flags.format === "json"
          ? JSON.stringify(result, null, 2)
          : `${result.workload} under ${result.collector}: minimum heap ${formatBytes(result.minHeapBytes)} (${result.minHeapBytes} bytes completed; ` +
            `${result.failedHeapBytes} bytes ran out of memory; ${result.probes} runs, resolution ${flags.resolution})`;
      emit(text, flags.output === "-" ? undefined : flags.output);
    });
}
