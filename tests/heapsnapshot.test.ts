import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importHeapSnapshot } from "../src/workload/from-heapsnapshot.js";
import { inspectGraph } from "../src/graph/inspect.js";
import { runWorkload } from "../src/sim/run.js";
import { loadWorkload } from "../src/workload/load.js";
import { ALL_COLLECTORS, RECLAIMING_COLLECTORS } from "./helpers.js";

/** A Node program that builds known structures, keeps them alive, and writes a heap snapshot. */
const PROGRAM = `
const v8 = require("v8");
class Probe { constructor() { this.next = null; } }
const keep = [];
for (let i = 0; i < 100; i++) { const a = new Probe(); a.next = a; keep.push(a); }
for (let i = 0; i < 100; i++) { const a = new Probe(), b = new Probe(); a.next = b; b.next = a; keep.push(a); }
for (let r = 0; r < 10; r++) {
  const first = new Probe(); let last = first;
  for (let i = 1; i < 10; i++) { const n = new Probe(); last.next = n; last = n; }
  last.next = first; keep.push(first);
}
globalThis.keep = keep;
v8.writeHeapSnapshot(process.argv[1]);
`;
const KNOWN_CYCLES = 100 + 100 + 10;
const PROBES = 100 + 200 + 100;

const dir = mkdtempSync(join(tmpdir(), "gcsim-snapshot-"));
const snapshot = join(dir, "probe.heapsnapshot");

function gcsim(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/gcsim.js", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const r = spawnSync(process.execPath, ["-e", PROGRAM, snapshot], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
});

describe("importing a V8 heap snapshot", () => {
  it("keeps the known structures: every cycle the program built is a cyclic component", () => {
    const summary = importHeapSnapshot(snapshot, join(dir, "drop-all.json"), ["property", "element", "context", "internal", "hidden"], "drop-all");
    expect(summary.nodes).toBeGreaterThan(PROBES);
    const stats = inspectGraph(loadWorkload(summary.workloadFile).graph!);
    expect(stats.objects).toBe(summary.nodes);
    expect(stats.references).toBe(summary.edges);
    expect(stats.scc.cyclic).toBeGreaterThanOrEqual(KNOWN_CYCLES);
    expect(stats.rcLeak.objects).toBeGreaterThanOrEqual(PROBES);
  });

  it("drop-all: plain rc leaks at least the known cycles, exactly what inspect predicts; tracing collectors and rc leak nothing", () => {
    const w = loadWorkload(join(dir, "drop-all.json"));
    const stats = inspectGraph(w.graph!);
    const plain = runWorkload(w, { collector: "rc", collectorOptions: { cycles: "off" } });
    expect(plain.outcome).toBe("completed");
    expect(plain.leaked.cycles).toBeGreaterThanOrEqual(KNOWN_CYCLES);
    expect(plain.leaked.cycles).toBe(stats.scc.cyclic);
    expect(plain.leaked.objects).toBe(stats.rcLeak.objects);
    for (const collector of RECLAIMING_COLLECTORS) {
      const r = runWorkload(w, { collector, verify: true });
      expect(r.error, collector).toBeNull();
      expect(r.allocated.objects, collector).toBe(stats.objects + 2); // the build table and the roots object
      expect(r.leaked, collector).toEqual({ objects: 0, bytes: 0, cycles: 0 });
    }
  });

  it.each(["churn", "steady"] as const)("%s runs under every collector with the verifier", (scenario) => {
    importHeapSnapshot(snapshot, join(dir, `${scenario}.json`), ["property", "element", "context", "internal", "hidden"], scenario);
    const w = loadWorkload(join(dir, `${scenario}.json`));
    for (const collector of ALL_COLLECTORS) {
      const r = runWorkload(w, { collector, verify: true, params: { steps: 5, fraction: 2 }, heapBytes: 64 << 20 });
      expect(r.error, collector).toBeNull();
      expect(r.outcome, collector).toBe("completed");
    }
  });

  it("inspect prints the statistics as JSON with the documented names", () => {
    const r = gcsim("inspect", join(dir, "drop-all.json"), "--format", "json");
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout);
    for (const key of ["objects", "references", "bytes", "outDegree", "inDegree", "objectBytes"]) expect(stats).toHaveProperty(key);
    expect(stats.scc.cyclic).toBeGreaterThanOrEqual(KNOWN_CYCLES);
    expect(stats.rcLeak.objectsFraction).toBeGreaterThan(0);
    expect(stats.rcLeak.bytesFraction).toBeGreaterThan(0);
  });
});

describe("bad snapshots are input errors", () => {
  const meta = {
    node_fields: ["type", "name", "id", "self_size", "edge_count"],
    node_types: [["hidden", "object"], "string", "number", "number", "number"],
    edge_fields: ["type", "name_or_index", "to_node"],
    edge_types: [["context", "element", "property", "internal", "hidden", "shortcut", "weak"], "string_or_number", "node"],
  };
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const good = JSON.stringify({ snapshot: { meta, node_count: 2, edge_count: 1 }, nodes: [0, 0, 1, 0, 1, 1, 0, 3, 16, 0], edges: [1, 0, 5], strings: [] });

  it("imports a minimal well-formed snapshot", () => {
    const r = gcsim("import-heapsnapshot", write("good.heapsnapshot", good), "-o", join(dir, "good"));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "good.json"), "utf8")).graph.nodes).toBe(1);
  });

  it.each([
    ["truncated", good.slice(0, good.indexOf("edges") + 12), /truncated|no "edges"|unexpected end/],
    ["missing self_size", good.replace('"self_size"', '"size"'), /no "self_size"/],
    ["an edge outside the node array", good.replace('"edges":[1,0,5]', '"edges":[1,0,50]'), /edge 0 points outside the node array/],
    ["not JSON at all", "hello", /no "meta" section/],
  ])("%s: exit 2 with a clear message", (_name, text, message) => {
    const r = gcsim("import-heapsnapshot", write("bad.heapsnapshot", text), "-o", join(dir, "bad"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
