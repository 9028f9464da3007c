/**
 * Turning a heap snapshot into a gcsim workload: the graph goes to a sidecar
 * .graph.bin file, and a small workload JSON names it and says what to do
 * with it (the scenario):
 *   drop-all - build the graph, then drop every root: what each collector
 *              reclaims (plain reference counting leaks the cyclic part)
 *   churn    - build, then `steps` times drop and rebuild a random subgraph
 *              of up to `fraction` percent of the objects
 *   steady   - build, then `steps` times rewire `fraction` percent of the edges
 */
import { MAX_HEAP_BYTES } from "../heap/heap.js";
import { basename, dirname, join, relative } from "node:path";
import { InputError } from "../errors.js";
import { checkOutputPaths, writeAtomically } from "../util/output.js";
import type { WorkloadDoc } from "./types.js";
import { GRAPH_LIMITS, graphBytes, writeGraphFile, type ObjectGraph } from "../graph/graph-file.js";
import { readHeapSnapshot } from "../graph/heapsnapshot.js";

export const SCENARIOS = ["drop-all", "churn", "steady"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface ImportSummary {
  workloadFile: string;
  graphFile: string;
  nodes: number;
  edges: number;
  droppedEdges: number;
  roots: number;
  heapBytes: number;
  scenario: Scenario;
}

export function importHeapSnapshot(input: string, output: string, edgeKinds: string[], scenario: Scenario): ImportSummary {
  if (!(SCENARIOS as readonly string[]).includes(scenario)) {
    throw new InputError(`unknown scenario "${scenario}" (scenarios: ${SCENARIOS.join(", ")})`);
  }
  const workloadFile = output.endsWith(".json") ? output : `${output}.json`;
  const graphFile = workloadFile.replace(/\.json$/, ".graph.bin");
  checkOutputPaths({ "-o": workloadFile, "graph file": graphFile });
  const graph = readHeapSnapshot(input, edgeKinds);
  const name = basename(workloadFile, ".json").replace(/[^A-Za-z0-9_.-]/g, "-");
  const bytes = graphBytes(graph);
  if (bytes > GRAPH_LIMITS.bytes) {
    throw new InputError(`heap snapshot ${input}: the graph needs ${bytes} bytes of simulated heap, more than the largest heap (${MAX_HEAP_BYTES} bytes)`);
  }
  // A default heap with room for the graph three times over (a semispace collector rebuilding
  // subgraphs needs about that), in whole MiB, and never more than the largest heap.
  const heapMiB = Math.min(Math.floor(MAX_HEAP_BYTES / 1048576), Math.max(1, Math.ceil((3 * bytes) / 1048576)));
  const doc = scenarioWorkload(name, graph, scenario, `${heapMiB}MiB`, {
    file: relative(dirname(workloadFile), graphFile) || basename(graphFile),
    source: basename(input),
    edgeKinds,
    dropped: graph.droppedEdges,
  });
  // Both atomically: a failed re-import leaves the previous pair intact.
  writeGraphFile(graphFile, graph);
  writeAtomically(workloadFile, JSON.stringify(doc, null, 2) + "\n");
  return {
    workloadFile,
    graphFile,
    nodes: graph.n,
    edges: graph.edgeTarget.length,
    droppedEdges: graph.droppedEdges,
    roots: graph.roots.length,
    heapBytes: heapMiB * 1048576,
    scenario,
  };
}

function scenarioWorkload(
  name: string,
  g: ObjectGraph,
  scenario: Scenario,
  heap: string,
  from: { file: string; source: string; edgeKinds: string[]; dropped: number },
): WorkloadDoc {
  const edges = g.edgeTarget.length;
  const what = {
    "drop-all": "builds the graph, then drops every root: what each collector reclaims (plain reference counting leaks the cyclic part)",
    churn: "builds the graph, then `steps` times drops a random subgraph and rebuilds it from the capture (up to `fraction` percent of the objects each time)",
    steady: "builds the graph, then `steps` times points `fraction` percent of its edges at other random objects",
  }[scenario];
  const base: WorkloadDoc = {
    name,
    description:
      `Imported from the V8 heap snapshot ${from.source}: ${g.n} objects (one per node, sized by its self_size), ` +
      `${edges} references (edge kinds ${from.edgeKinds.join(", ")}; ${from.dropped} other edges left out), ${g.roots.length} roots. ` +
      `Scenario ${scenario}: ${what}.`,
    heap,
    graph: { file: join(from.file), nodes: g.n, edges, source: from.source },
    globals: ["roots:ref"],
    main: { body: [{ graph: "build", to: "roots" }] },
  };
  if (scenario === "drop-all") {
    base.main.body.push({ assign: "roots", value: null }, { collect: true });
    return base;
  }
  base.params = {
    steps: { default: 20, description: scenario === "churn" ? "subgraphs dropped and rebuilt" : "rewiring rounds" },
    fraction: { default: 5, description: scenario === "churn" ? "largest subgraph rebuilt, percent of the objects" : "edges rewired per round, percent" },
  };
  base.main.body.push({
    repeat: "steps",
    do: [
      scenario === "churn"
        ? { graph: "rebuild", from: "roots", count: 1, nodes: `max(1, ${g.n} * fraction / 100)` }
        : { graph: "rewire", from: "roots", count: `max(1, ${edges} * fraction / 100)` },
    ],
  });
  return base;
}
