import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The module structure, checked from the sources: no import cycles (type-only
 * imports included), and dependencies that point down - so the verifier
 * stays independent of what it checks and a collector never reaches up into
 * the runner or the CLI.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*"(\.[^"]+)"|import\(\s*"(\.[^"]+)"\s*\)/g;

/** Relative imports of every module under src/, as paths relative to src/ (e.g. "collectors/collector.ts"). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles("src")) {
    const text = readFileSync(file, "utf8");
    const targets: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      targets.push(relative("src", join(dirname(file), spec)).replace(/\.js$/, ".ts"));
    }
    graph.set(relative("src", file), targets);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

/** Folder of src/ -> folders it may not import from. */
const FORBIDDEN: Record<string, string[]> = {
  heap: ["alloc", "collectors", "metrics", "verify", "workload", "graph", "sim", "report", "cli"],
  alloc: ["collectors", "metrics", "verify", "workload", "graph", "sim", "report", "cli"],
  metrics: ["collectors", "verify", "workload", "graph", "sim", "report", "cli"],
  verify: ["collectors", "workload", "sim", "report", "cli"],
  collectors: ["verify", "workload", "sim", "report", "cli", "conformance"],
  graph: ["workload", "sim", "report", "cli"],
  workload: ["sim", "report", "cli"],
  sim: ["cli"],
  report: ["cli"],
};

describe("module structure", () => {
  const graph = importGraph();

  it("finds the modules and their imports", () => {
    expect(graph.get("collectors/generational/index.ts")).toContain("collectors/spaces/nursery.ts");
  });

  it("has no import cycles", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("has dependencies that point down", () => {
    const violations: string[] = [];
    for (const [from, targets] of graph) {
      const layer = from.split("/")[0];
      for (const to of targets) {
        if (FORBIDDEN[layer]?.includes(to.split("/")[0])) violations.push(`${from} imports ${to}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("keeps the generational plan a composition: no branch on which barrier or mature space it has", () => {
    const plan = readFileSync("src/collectors/generational/index.ts", "utf8");
    const code = plan.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    // The parts are picked from tables keyed by the option; nothing else may test which one it got.
    expect(code).not.toMatch(/useCards|compactMature|matureBump|instanceof|[=!]==?\s*"(cards|remset|mark-sweep|mark-compact)"/);
    expect(code).not.toMatch(/\?\s*new (CardTable|ObjectRememberedSet|FreeListSpace|CompactSpace)/);
  });
});
