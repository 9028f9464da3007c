/** Shared test helpers: run a workload document in-process under a collector. */
import { collectorNames } from "../src/collectors/registry.js";
import type { RunResult } from "../src/report/result.js";
import { runWorkload, type RunOptions } from "../src/sim/run.js";
import type { WorkloadDoc } from "../src/workload/types.js";

export const ALL_COLLECTORS = collectorNames;
/** Collectors that reclaim memory (everything but the no-GC baseline). */
export const RECLAIMING_COLLECTORS = collectorNames.filter((c) => c !== "none");

/** Every reclaiming collector, plus the option settings that change its algorithm or barrier. */
export const CONFIGURATIONS: { collector: string; options: Record<string, string>; label: string }[] = [
  ...RECLAIMING_COLLECTORS.map((collector) => ({ collector, options: {}, label: collector })),
  { collector: "mark-sweep", options: { sweep: "eager" }, label: "mark-sweep sweep=eager" },
  { collector: "rc", options: { cycles: "off" }, label: "rc cycles=off" },
  { collector: "rc", options: { "cycle-threshold": "4" }, label: "rc cycle-threshold=4" },
  { collector: "rc", options: { cycles: "backup-trace" }, label: "rc cycles=backup-trace" },
  { collector: "generational", options: { barrier: "cards" }, label: "generational barrier=cards" },
  { collector: "generational", options: { mature: "mark-compact" }, label: "generational mature=mark-compact" },
  {
    collector: "generational",
    options: { mature: "mark-compact", barrier: "cards", nursery: "10%" },
    label: "generational mark-compact cards nursery=10%",
  },
  { collector: "generational", options: { "promote-age": "3" }, label: "generational promote-age=3" },
  { collector: "immix", options: { defrag: "off", line: "128", block: "8KiB" }, label: "immix defrag=off line=128 block=8KiB" },
  {
    collector: "gen-immix",
    options: { "promote-age": "3", nursery: "10%" },
    label: "gen-immix promote-age=3 nursery=10%",
  },
  { collector: "gen-immix", options: { barrier: "cards", nursery: "10%" }, label: "gen-immix barrier=cards nursery=10%" },
  {
    collector: "generational",
    options: { "promote-age": "2", barrier: "cards", mature: "mark-compact", nursery: "50%" },
    label: "generational promote-age=2 cards mark-compact nursery=50%",
  },
  // Incremental and concurrent marking at the scale of a small heap (many increments and quanta per cycle),
  // with the incremental-update barrier and white allocation; the defaults (SATB) are in the list above.
  {
    collector: "incremental-mark-sweep",
    options: { period: "3us", quantum: "1us", barrier: "iu", alloc: "white" },
    label: "incremental-mark-sweep period=3us quantum=1us iu alloc=white",
  },
  { collector: "concurrent-mark-sweep", options: { cpu: "0.05", assists: "off", barrier: "iu" }, label: "concurrent-mark-sweep cpu=0.05 assists=off iu" },
];

export function run(doc: WorkloadDoc, options: Partial<RunOptions> & { collector: string }): RunResult {
  return runWorkload({ doc, file: `<${doc.name}>` }, { verify: true, ...options });
}

/** GCBench's node count for a complete tree of depth d, from the benchmark's TreeSize. */
export const treeSize = (d: number) => 2 ** (d + 1) - 1;
