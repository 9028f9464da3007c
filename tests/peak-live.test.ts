import { describe, expect, it } from "vitest";
import { PeakLiveProbe, type LiveTracer } from "../src/metrics/peak-live.js";
import type { RunResult } from "../src/report/result.js";
import { runWorkload } from "../src/sim/run.js";
import { Rng } from "../src/util/rng.js";
import { loadWorkload } from "../src/workload/load.js";
import type { WorkloadDoc } from "../src/workload/types.js";
import { ALL_COLLECTORS, run, treeSize } from "./helpers.js";

/**
 * memory.peakLive: the largest number of live bytes (reachable from the
 * roots, plus the object an allocation has just returned) at any instant,
 * measured by exact traces at allocations. Expected peaks are computed by
 * hand from the object layout: 8-byte header + 8 bytes per slot + payload
 * rounded up to 8.
 */

/** With this precision the probe traces at every allocation that could set a new peak: peakLive is exact. */
const EXACT = 1e-9;

const PAIR_BYTES = 8 + 2 * 8 + 16; // header, two slots, 12 payload bytes rounded up to 16
const KEEP_BYTES = 8 + 104; // no slots, 100 payload bytes rounded up to 104
const BIG_BYTES = 8 + 904; // no slots, 900 payload bytes

/**
 * A peak in the middle of the run, then lower plateaus: a kept object, a
 * 50-pair list built in a function and dropped, then 30 big objects each
 * replacing the last (for an instant both are live), then a garbage cycle.
 */
const middlePeak: WorkloadDoc = {
  name: "middle-peak",
  types: { Pair: { refs: ["a", "b"], bytes: 12 } },
  globals: ["keep:ref"],
  functions: {
    build: {
      params: ["n:int"],
      returns: "ref",
      locals: ["head:ref", "node:ref"],
      body: [
        { assign: "head", value: null },
        { repeat: "n", do: [{ alloc: "Pair", to: "node", init: { a: "head" } }, { assign: "head", value: "node" }] },
        { return: "head" },
      ],
    },
  },
  main: {
    locals: ["tmp:ref", "big:ref"],
    body: [
      { alloc: { slots: 0, bytes: 100 }, to: "keep" },
      { call: "build", args: [50], to: "tmp" },
      { assign: "tmp", value: null },
      { repeat: 30, do: [{ alloc: { slots: 0, bytes: 900 }, to: "big" }] },
      { assign: "big", value: null },
      { alloc: "Pair", to: "tmp" },
      { alloc: "Pair", to: "big", init: { a: "tmp" } },
      { store: "tmp.a", value: "big" },
      { assign: "tmp", value: null },
      { assign: "big", value: null },
    ],
  },
} as unknown as WorkloadDoc;
// The last pair is allocated while the kept object and the 49 pairs before it are reachable.
const MIDDLE_PEAK = KEEP_BYTES + 50 * PAIR_BYTES;

/** Only replacements: each new object is live together with the one it is about to replace. */
const overlap: WorkloadDoc = {
  name: "overlap",
  main: { locals: ["big:ref"], body: [{ repeat: 10, do: [{ alloc: { slots: 0, bytes: 900 }, to: "big" }] }] },
} as unknown as WorkloadDoc;
const OVERLAP_PEAK = 2 * BIG_BYTES;

const HEAPS = [8 << 10, 32 << 10, 1 << 20];

describe("memory.peakLive on workloads whose peak is computed by hand", () => {
  it("has the expected peaks", () => {
    // Sanity of the hand figures against each other: the list's peak is the run's peak.
    expect(MIDDLE_PEAK).toBe(2112);
    expect(KEEP_BYTES + 2 * BIG_BYTES).toBeLessThan(MIDDLE_PEAK);
  });

  for (const [doc, peak] of [
    [middlePeak, MIDDLE_PEAK],
    [overlap, OVERLAP_PEAK],
  ] as const) {
    it.each(ALL_COLLECTORS)(`${doc.name}: exact under %s at every heap that completes`, (collector) => {
      let completed = 0;
      for (const heapBytes of HEAPS) {
        const r = run(doc, { collector, heapBytes, peakLivePrecision: EXACT });
        if (r.outcome !== "completed") continue;
        completed++;
        expect([r.memory.peakLive, r.memory.peakLiveUpperBound], `${collector} at ${heapBytes}`).toEqual([peak, peak]);
      }
      // The two larger heaps hold it under every collector.
      expect(completed).toBeGreaterThanOrEqual(2);
    });
  }

  it.each(ALL_COLLECTORS)("brackets the true peak within the default precision under %s", (collector) => {
    const r = run(middlePeak, { collector, heapBytes: 32 << 10 });
    expect(r.memory.peakLive!).toBeLessThanOrEqual(MIDDLE_PEAK);
    expect(r.memory.peakLiveUpperBound!).toBeGreaterThanOrEqual(MIDDLE_PEAK);
    expect(r.memory.peakLiveUpperBound!).toBeLessThanOrEqual(r.memory.peakLive! * 1.01);
  });

  it("is null, with its probe count, bound and wall time, when the probe is off", () => {
    const r = run(middlePeak, { collector: "mark-sweep", heapBytes: 32 << 10, peakLivePrecision: null });
    expect([r.memory.peakLive, r.memory.peakLiveUpperBound, r.memory.liveProbes, r.wall.liveProbeMs]).toEqual([null, null, null, null]);
  });

  it("reports the probe's wall time as part of the run's", () => {
    const r = run(middlePeak, { collector: "mark-sweep", heapBytes: 32 << 10 });
    expect(r.memory.liveProbes).toBeGreaterThan(0);
    expect(r.wall.liveProbeMs).toBeGreaterThanOrEqual(0);
    expect(r.wall.liveProbeMs!).toBeLessThanOrEqual(r.wall.totalMs);
    expect(r.wall.endOfRunMs).toBeGreaterThanOrEqual(0);
  });
});

describe("memory.peakLive on GCBench at reduced size", () => {
  const NODE_BYTES = 8 + 2 * 8 + 8;
  const tree = (d: number) => treeSize(d) * NODE_BYTES;
  // The stretch tree is whole when its root is allocated; later the long-lived tree and array live
  // alongside one short-lived tree of at most kMaxTreeDepth (each tree's slot is null before it is rebuilt).
  const peakOf = (p: { kStretchTreeDepth: number; kLongLivedTreeDepth: number; kArraySize: number; kMaxTreeDepth: number }) =>
    Math.max(tree(p.kStretchTreeDepth), tree(p.kLongLivedTreeDepth) + 8 + 8 * p.kArraySize + tree(p.kMaxTreeDepth));
  const stretchPeak = { kStretchTreeDepth: 10, kLongLivedTreeDepth: 8, kArraySize: 4000, kMinTreeDepth: 4, kMaxTreeDepth: 8 };
  const steadyPeak = { kStretchTreeDepth: 10, kLongLivedTreeDepth: 8, kArraySize: 10000, kMinTreeDepth: 4, kMaxTreeDepth: 8 };

  it.each(ALL_COLLECTORS)("is exact under %s, whether the stretch tree or the steady state is the peak", (collector) => {
    expect(peakOf(stretchPeak)).toBe(tree(10));
    expect(peakOf(steadyPeak)).toBeGreaterThan(tree(10));
    for (const params of [stretchPeak, steadyPeak]) {
      const w = loadWorkload("workloads/gcbench.json", params);
      let completed = 0;
      for (const heapBytes of [256 << 10, 4 << 20]) {
        const r = runWorkload(w, { collector, params, heapBytes, peakLivePrecision: EXACT });
        if (r.outcome !== "completed") continue;
        completed++;
        expect([r.memory.peakLive, r.memory.peakLiveUpperBound], `${collector} at ${heapBytes}`).toEqual([peakOf(params), peakOf(params)]);
      }
      expect(completed).toBeGreaterThan(0);
    }
  });
});

describe("the live-size probe is measurement only", () => {
  /** Every figure but the probe's own and wall-clock time. */
  function simulated(r: RunResult): unknown {
    const { peakLive, peakLiveUpperBound, liveProbes, ...memory } = r.memory;
    void peakLive, void peakLiveUpperBound, void liveProbes;
    return { ...r, memory, wall: null };
  }
  const params = { kStretchTreeDepth: 9, kLongLivedTreeDepth: 7, kArraySize: 4002, kMinTreeDepth: 4, kMaxTreeDepth: 6 };
  const w = loadWorkload("workloads/gcbench.json", params);

  it.each(ALL_COLLECTORS)("changes no other figure under %s (verified heap)", (collector) => {
    const heapBytes = collector === "none" ? 4 << 20 : 128 << 10;
    const on = runWorkload(w, { collector, params, heapBytes, verify: true, peakLivePrecision: EXACT });
    const off = runWorkload(w, { collector, params, heapBytes, verify: true, peakLivePrecision: null });
    expect(on.outcome).toBe("completed");
    expect(on.memory.liveProbes).toBeGreaterThan(0);
    expect(simulated(on)).toEqual(simulated(off));
  });
});

/** A scripted live curve: allocations of random sizes and frees of random live objects, the tracer reading the script. */
class ScriptedHeap implements LiveTracer {
  live = 0;
  rootSlots = 0;
  /** The object just allocated is not yet rooted when the probe traces. */
  justAllocated = 0;
  measure(): number {
    return this.live - this.justAllocated;
  }
}

describe("PeakLiveProbe's policy", () => {
  function drive(precision: number, budget: number, steps: number, seed: number, churnAtPeak = false) {
    const rng = new Rng(seed);
    const heap = new ScriptedHeap();
    const probe = new PeakLiveProbe(heap, precision, budget);
    const sizes: number[] = [];
    let allocated = 0;
    let truePeak = 0;
    let next = probe.nextAt();
    for (let i = 0; i < steps; i++) {
      // Grow to a peak, then either churn at it (free one, allocate one) or wander.
      const free = churnAtPeak ? i >= steps / 10 : rng.below(3) === 0;
      if (free && sizes.length > 0) {
        const k = rng.below(sizes.length);
        heap.live -= sizes[k];
        sizes[k] = sizes[sizes.length - 1];
        sizes.pop();
      }
      const size = 8 * (1 + rng.below(16));
      sizes.push(size);
      heap.live += size;
      allocated += size;
      truePeak = Math.max(truePeak, heap.live);
      heap.justAllocated = size;
      if (allocated > next) next = probe.probe(allocated, size);
    }
    probe.finish(allocated, heap.live);
    return { probe, truePeak, allocated };
  }

  it("brackets the true peak within the precision when the budget allows", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { probe, truePeak } = drive(0.01, Infinity, 5000, seed);
      expect(probe.peak).toBeLessThanOrEqual(truePeak);
      expect(probe.upperBound).toBeGreaterThanOrEqual(truePeak);
      expect(probe.upperBound).toBeLessThanOrEqual(probe.peak * 1.01);
    }
  });

  it("holds tracing to its budget when a workload churns at its peak, and says what precision that left", () => {
    const budget = 2;
    const unlimited = drive(0.01, Infinity, 20000, 7, true);
    const limited = drive(0.01, budget, 20000, 7, true);
    expect(limited.probe.traceWork).toBeLessThan(unlimited.probe.traceWork / 4);
    // The bound: budget x allocated + one climb to the peak, overshot by at most the last trace.
    const lastTrace = limited.probe.peak;
    expect(limited.probe.traceWork).toBeLessThanOrEqual(budget * limited.allocated + (1 + 1 / 0.01) * limited.probe.peak + lastTrace);
    expect(limited.probe.peak).toBeLessThanOrEqual(limited.truePeak);
    expect(limited.probe.upperBound).toBeGreaterThanOrEqual(limited.truePeak);
  });
});
