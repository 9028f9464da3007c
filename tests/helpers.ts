/** Shared test helpers: run a workload document in-process under a collector. */
import { collectorNames } from "../src/collectors/registry.js";
import type { RunResult } from "../src/report/result.js";
import { runWorkload, type RunOptions } from "../src/sim/run.js";
import type { WorkloadDoc } from "../src/workload/types.js";

export const ALL_COLLECTORS = collectorNames;
/** Collectors that reclaim memory (everything but the no-GC baseline). */
export const RECLAIMING_COLLECTORS = collectorNames.filter((c) => c !== "none");

export function run(doc: WorkloadDoc, options: Partial<RunOptions> & { collector: string }): RunResult {
  return runWorkload({ doc, file: `<${doc.name}>` }, { verify: true, ...options });
}

/** GCBench's node count for a complete tree of depth d, from the benchmark's TreeSize. */
export const treeSize = (d: number) => 2 ** (d + 1) - 1;
