import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadWorkload, schemaErrors, readWorkloadFile } from "../src/workload/load.js";
import { runWorkload } from "../src/sim/run.js";
import { ALL_COLLECTORS } from "./helpers.js";

const shipped = readdirSync("workloads").filter((f) => f.endsWith(".json") && f !== "schema.json");
/** Reduced sizes (and heaps that still force collections) so every workload runs under the verifier quickly. */
const reduced: Record<string, { params: Record<string, number>; heapBytes: number }> = {
  "gcbench.json": {
    params: { kStretchTreeDepth: 10, kLongLivedTreeDepth: 8, kArraySize: 4000, kMinTreeDepth: 4, kMaxTreeDepth: 8 },
    heapBytes: 256 << 10,
  },
};

describe("shipped workloads", () => {
  it("include the small workloads the tests rely on", () => {
    expect(shipped).toEqual(expect.arrayContaining(["gcbench.json", "linked-list.json", "random-tree.json", "cyclic-garbage.json"]));
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
      expect(r.error).toBeUndefined();
      expect(r.outcome).toBe("completed");
      expect(r.allocated).toEqual(reference.allocated);
      expect(r.memory.finalGraphHash).toBe(reference.memory.finalGraphHash);
      expect(r.memory.finalLive).toBe(reference.memory.finalLive);
      if (collector !== "none") expect(r.collections.total).toBeGreaterThan(0);
    });
  }
});
