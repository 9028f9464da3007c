import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadWorkload, schemaErrors, readWorkloadFile } from "../src/workload/load.js";
import { runWorkload } from "../src/sim/run.js";
import { ALL_COLLECTORS } from "./helpers.js";

const shipped = readdirSync("workloads").filter((f) => f.endsWith(".json"));
/** Reduced sizes (and heaps that still force collections) so every workload runs under the verifier quickly. */
const reduced: Record<string, { params: Record<string, number>; heapBytes?: number }> = {
  "gcbench.json": {
    params: { kStretchTreeDepth: 10, kLongLivedTreeDepth: 8, kArraySize: 4000, kMinTreeDepth: 4, kMaxTreeDepth: 8 },
    heapBytes: 256 << 10,
  },
  "binary-trees.json": { params: { N: 8 }, heapBytes: 128 << 10 },
  "linked-list.json": { params: { rounds: 8, grow: 4000 }, heapBytes: 512 << 10 },
  "linked-queue.json": { params: { length: 1000, steps: 10000 }, heapBytes: 128 << 10 },
  "lru-cache.json": { params: { capacity: 300, keys: 2000, accesses: 8000, buckets: 128 }, heapBytes: 192 << 10 },
  "request-server.json": { params: { requests: 2000, sessions: 100 }, heapBytes: 512 << 10 },
  "cyclic-garbage.json": { params: { rounds: 300 } },
  "fragmentation.json": { params: { window: 500, steps: 4000 }, heapBytes: 512 << 10 },
  "random-graph.json": { params: { nodes: 400, steps: 30000 }, heapBytes: 64 << 10 },
  "random-tree.json": { params: { replacements: 1000 } },
};

describe("binary-trees", () => {
  /** Nodes in a tree of depth d, from the program's bottomUpTree: the check value of one tree. */
  const nodes = (d: number) => 2 ** (d + 1) - 1;

  it.each([6, 8, 10])("prints the benchmark's check lines for N=%i, derived from its definition", (n) => {
    const w = loadWorkload("workloads/binary-trees.json", { N: n });
    const r = runWorkload(w, { collector: "generational", params: { N: n } });
    const minDepth = 4;
    const maxDepth = Math.max(minDepth + 2, n);
    const expected = [`stretch tree of depth ${maxDepth + 1}\t check: ${nodes(maxDepth + 1)}`];
    let objects = nodes(maxDepth + 1) + nodes(maxDepth);
    for (let d = minDepth; d <= maxDepth; d += 2) {
      const iterations = 2 ** (maxDepth - d + minDepth);
      expected.push(`${iterations}\t trees of depth ${d}\t check: ${iterations * nodes(d)}`);
      objects += iterations * nodes(d);
    }
    expected.push(`long lived tree of depth ${maxDepth}\t check: ${nodes(maxDepth)}`);
    expect(r.output).toEqual(expected);
    expect(r.allocated.objects).toBe(objects);
  });
});

describe("shipped workloads", () => {
  it("include the small workloads the tests rely on", () => {
    expect(shipped).toEqual(
      expect.arrayContaining([
        "gcbench.json",
        "binary-trees.json",
        "linked-list.json",
        "linked-queue.json",
        "lru-cache.json",
        "request-server.json",
        "cyclic-garbage.json",
        "fragmentation.json",
        "random-graph.json",
        "random-tree.json",
      ]),
    );
    // Every shipped workload has a reduced configuration for the verified runs below.
    expect(Object.keys(reduced).sort()).toEqual([...shipped].sort());
  });

  it.each(shipped)("%s is valid against the schema", (file) => {
    expect(schemaErrors(readWorkloadFile(`workloads/${file}`))).toEqual([]);
  });

  for (const file of shipped) {
    it.each(ALL_COLLECTORS)(`${file} runs under %s with the verifier and leaves the same final graph`, (collector) => {
      const params = reduced[file]?.params;
      const w = loadWorkload(`workloads/${file}`, params);
      const reference = runWorkload(w, { collector: "none", heapBytes: 256 << 20, params });
      const heapBytes = collector === "none" ? 256 << 20 : reduced[file]?.heapBytes;
      const r = runWorkload(w, { collector, params, verify: true, heapBytes });
      expect(r.error).toBeNull();
      expect(r.outcome).toBe("completed");
      expect(r.allocated).toEqual(reference.allocated);
      expect(r.memory.finalGraphHash).toBe(reference.memory.finalGraphHash);
      expect(r.memory.finalLive).toBe(reference.memory.finalLive);
      if (collector !== "none") expect(r.collections.total).toBeGreaterThan(0);
    });
  }
});
