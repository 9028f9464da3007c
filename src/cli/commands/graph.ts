/** `gcsim import-heapsnapshot` and `gcsim inspect`: real programs' heaps as workloads. */
import { Command, Option } from "commander";
import { InputError } from "../../errors.js";
import { ALL_EDGE_KINDS, DEFAULT_EDGE_KINDS } from "../../graph/heapsnapshot.js";
import { importHeapSnapshot, SCENARIOS, type Scenario } from "../../workload/from-heapsnapshot.js";
import { inspectGraph, type GraphStatistics } from "../../graph/inspect.js";
import { formatBytes, formatCount, formatPercent } from "../../report/format.js";
import { loadWorkload } from "../../workload/load.js";
import { emit } from "../../util/output.js";

export function importCommand(): Command {
  return new Command("import-heapsnapshot")
    .description("turn a V8 heap snapshot into a workload (a JSON file and a .graph.bin sidecar)")
    .argument("<snapshot>", ".heapsnapshot file (v8.writeHeapSnapshot(), node --heapsnapshot-signal, Chrome DevTools)")
    .requiredOption("-o, --output <file>", "workload to write (OUT.json and OUT.graph.bin)")
    .option("--edges <kinds>", `edge kinds that are references (of ${ALL_EDGE_KINDS.join(", ")})`, DEFAULT_EDGE_KINDS.join(","))
    .addOption(new Option("--scenario <name>", "what the workload does with the graph").choices(SCENARIOS).default("drop-all"))
    .action((snapshot: string, flags: { output: string; edges: string; scenario: Scenario }) => {
      const kinds = flags.edges.split(",").map((k) => k.trim()).filter(Boolean);
      for (const k of kinds) {
        if (!(ALL_EDGE_KINDS as readonly string[]).includes(k)) throw new InputError(`unknown edge kind "${k}" (kinds: ${ALL_EDGE_KINDS.join(", ")})`);
      }
      const t0 = performance.now();
      const s = importHeapSnapshot(snapshot, flags.output, kinds, flags.scenario);
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      process.stdout.write(
        `wrote ${s.workloadFile} and ${s.graphFile}: ${formatCount(s.nodes)} objects, ${formatCount(s.edges)} references ` +
          `(${formatCount(s.droppedEdges)} edges of other kinds left out), ${formatCount(s.roots)} roots; ` +
          `scenario ${s.scenario}, default heap ${formatBytes(s.heapBytes)}; ${seconds} s\n`,
      );
    });
}

function renderStatistics(file: string, s: GraphStatistics): string {
  const dist = (h: Record<string, number>) => Object.entries(h).map(([k, v]) => `${k}: ${formatCount(v)}`).join(", ");
  return [
    `${file}`,
    `  objects ${formatCount(s.objects)}, references ${formatCount(s.references)}, roots ${formatCount(s.roots)}, ${formatBytes(s.bytes)}`,
    `  out-degree   ${dist(s.outDegree)}`,
    `  in-degree    ${dist(s.inDegree)}`,
    `  object bytes ${dist(s.objectBytes)}`,
    `  strongly connected components: ${formatCount(s.scc.components)}, cyclic ${formatCount(s.scc.cyclic)} (largest ${formatCount(s.scc.largest)} objects; sizes ${dist(s.scc.cyclicSizes)})`,
    `  plain reference counting would leak ${formatCount(s.rcLeak.objects)} objects (${formatPercent(s.rcLeak.objectsFraction)}), ` +
      `${formatBytes(s.rcLeak.bytes)} (${formatPercent(s.rcLeak.bytesFraction)}) if every root were dropped`,
  ].join("\n");
}

export function inspectCommand(): Command {
  return new Command("inspect")
    .description("statistics of a workload's captured graph")
    .argument("<workload>", "workload JSON with a graph section")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table"))
    .action((file: string, flags: { format: "table" | "json" }) => {
      const workload = loadWorkload(file);
      if (!workload.graph) throw new InputError(`${file} has no graph section (import one with gcsim import-heapsnapshot)`);
      const stats = inspectGraph(workload.graph);
      emit(flags.format === "json" ? JSON.stringify(stats, null, 2) : renderStatistics(file, stats), undefined);
    });
}
