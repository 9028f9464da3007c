import { describe, expect, it } from "vitest";
import { loadWorkload } from "../src/workload/load.js";
import { runWorkload } from "../src/sim/run.js";
import { ALL_COLLECTORS, treeSize } from "./helpers.js";

/**
 * Objects GCBench allocates, from its definition: the stretch tree, the
 * long-lived tree (its root plus Populate's children), the array, and for each
 * even depth d two NumIters(d) = 2*TreeSize(stretch)/TreeSize(d) batches of
 * trees of depth d (top-down and bottom-up).
 */
function gcbenchObjects(p: { stretch: number; longLived: number; min: number; max: number }): number {
  let total = treeSize(p.stretch) + treeSize(p.longLived) + 1;
  for (let d = p.min; d <= p.max; d += 2) {
    const numIters = Math.floor((2 * treeSize(p.stretch)) / treeSize(d));
    total += 2 * numIters * treeSize(d);
  }
  return total;
}

const NODE_BYTES = 8 + 2 * 8 + 8; // header, left and right, two ints

/**
 * GCBench's true peak of live bytes is the whole stretch tree, live when its
 * root is allocated: TreeSize(18) nodes, 16,777,184 bytes (the long-lived
 * tree, the array and one short-lived tree come to 12.4 MB). How far
 * memory.peakLive is below it, checking the upper bound is not below it.
 */
function peakLiveError(m: { peakLive: number | null; peakLiveUpperBound: number | null }): number {
  const truePeak = treeSize(18) * NODE_BYTES;
  expect(m.peakLive!).toBeLessThanOrEqual(truePeak);
  expect(m.peakLiveUpperBound!).toBeGreaterThanOrEqual(truePeak);
  return 1 - m.peakLive! / truePeak;
}

describe("GCBench", () => {
  const workload = loadWorkload("workloads/gcbench.json");

  it.each(["mark-sweep", "copying"])("completes at full size under %s with the published object count", (collector) => {
    const r = runWorkload(workload, { collector });
    expect(r.outcome).toBe("completed");
    const objects = gcbenchObjects({ stretch: 18, longLived: 16, min: 4, max: 16 });
    expect(r.allocated.objects).toBe(objects);
    // Every object is a Node except the array of 500,000 doubles.
    expect(r.allocated.bytes).toBe((objects - 1) * NODE_BYTES + 8 + 500_000 * 8);
    expect(r.collections.total).toBeGreaterThan(0);
    expect(peakLiveError(r.memory)).toBeLessThanOrEqual(0.01);
    // The 4 MB array is never copied: every copy is a Node. Under copying it lives in the large-object space on
    // whole 4 KiB pages.
    expect(r.work.bytesCopied).toBe(r.work.objectsCopied * NODE_BYTES);
    if (collector === "copying") {
      expect(r.memory.largeObjectsAllocated).toBe(1);
      expect(r.memory.losPeakCommittedBytes).toBe(Math.ceil((8 + 500_000 * 8) / 4096) * 4096);
    }
  });

  it("allocates the same under the no-GC baseline given a heap large enough for everything", () => {
    const r = runWorkload(workload, { collector: "none", heapBytes: 512 * 1024 * 1024 });
    expect(r.outcome).toBe("completed");
    expect(r.allocated.objects).toBe(gcbenchObjects({ stretch: 18, longLived: 16, min: 4, max: 16 }));
    expect(r.collections.total).toBe(0);
    expect(peakLiveError(r.memory)).toBeLessThanOrEqual(0.01);
  });

  it.each(ALL_COLLECTORS)("passes the verifier at reduced size under %s", (collector) => {
    const params = { kStretchTreeDepth: 12, kLongLivedTreeDepth: 10, kArraySize: 5000, kMinTreeDepth: 4, kMaxTreeDepth: 10 };
    const reduced = loadWorkload("workloads/gcbench.json", params);
    const r = runWorkload(reduced, { collector, params, heapBytes: collector === "none" ? 64 << 20 : 1 << 20, verify: true });
    expect(r.outcome).toBe("completed");
    expect(r.allocated.objects).toBe(gcbenchObjects({ stretch: 12, longLived: 10, min: 4, max: 10 }));
    if (collector !== "none") expect(r.collections.total).toBeGreaterThan(3);
    // The array (40,008 bytes, over the 8 KiB threshold) is never copied or slid: every object moved is a Node.
    expect(r.work.bytesCopied).toBe(r.work.objectsCopied * NODE_BYTES);
    // What survives is the long-lived tree and the array.
    expect(r.memory.finalLiveObjects).toBe(treeSize(10) + 1);
    expect(r.memory.finalLive).toBe(treeSize(10) * NODE_BYTES + 8 + 5000 * 8);
  });
});
