import { describe, expect, it } from "vitest";
import { loadWorkload, schemaErrors, readWorkloadFile } from "../src/workload/load.js";
import { runWorkload } from "../src/sim/run.js";
import { REDUCED_NAMES, shippedWorkloads } from "../src/conformance/reduced-workloads.js";

const shipped = shippedWorkloads();
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
    // Every shipped workload has a reduced configuration for gcsim test-collector.
    expect([...REDUCED_NAMES].sort()).toEqual([...shipped].sort());
  });

  it.each(shipped)("%s is valid against the schema", (file) => {
    expect(schemaErrors(readWorkloadFile(`workloads/${file}`))).toEqual([]);
  });
  // Every shipped workload under every collector with the verifier: tests/conformance.test.ts (gcsim test-collector).
});
