import { describe, expect, it } from "vitest";
import { minimumMutatorUtilisation, nearestRank, summarisePauses } from "../src/metrics/stats.js";
import { DEFAULT_COSTS } from "../src/metrics/cost-model.js";
import { loadWorkload } from "../src/workload/load.js";
import { runWorkload, runWorkloadWithTimeline } from "../src/sim/run.js";
import { CONFIGURATIONS } from "./helpers.js";
import type { WorkloadDoc } from "../src/workload/types.js";

describe("pause percentiles (nearest rank)", () => {
  it("match values computed by hand from the definition", () => {
    // Ten pauses 1..10: rank ceil(p/100 * 10).
    const ten = [7, 1, 10, 3, 5, 9, 2, 8, 4, 6];
    const s = summarisePauses(ten);
    expect(s).toEqual({ count: 10, total: 55, mean: 5.5, p50: 5, p90: 9, p95: 10, p99: 10, max: 10 });
    // Four pauses: p50 is rank 2, p90 rank ceil(3.6) = 4.
    const four = summarisePauses([40, 10, 30, 20]);
    expect([four.p50, four.p90, four.p95, four.p99]).toEqual([20, 40, 40, 40]);
    // 200 pauses 1..200: p99 is rank 198, p95 rank 190.
    const many = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(nearestRank(Float64Array.from(many).sort(), 99)).toBe(198);
    expect(summarisePauses(many).p95).toBe(190);
    expect(summarisePauses([])).toMatchObject({ count: 0, total: 0, max: 0 });
  });
});

describe("minimum mutator utilisation", () => {
  it("matches hand-computed windows over a small pause sequence", () => {
    // Run of 100 time units, pauses [10,20) and [25,30) and [80,81).
    const starts = [10, 25, 80];
    const durations = [10, 5, 1];
    const mmu = (w: number) => minimumMutatorUtilisation(starts, durations, 100, w);
    // A window of 10 inside the first pause is all pause.
    expect(mmu(10)).toBe(0);
    // Window 20: [10,30) holds 15 units of pause -> 5/20.
    expect(mmu(20)).toBeCloseTo(0.25, 12);
    // Window 50: the worst holds both early pauses (15) -> 35/50.
    expect(mmu(50)).toBeCloseTo(0.7, 12);
    // The whole run: 16 units of pause.
    expect(mmu(100)).toBeCloseTo(0.84, 12);
    // Longer than the run: undefined.
    expect(mmu(101)).toBeNull();
  });

  it("is 1 when there are no pauses and never below 0", () => {
    expect(minimumMutatorUtilisation([], [], 50, 10)).toBe(1);
    expect(minimumMutatorUtilisation([0], [50], 50, 10)).toBe(0);
  });

  it("a window straddling a pause counts only the part inside it", () => {
    // One pause [4, 8) in a run of 20; window 6 starting at 2 or at 4 holds 4 units -> 2/6.
    expect(minimumMutatorUtilisation([4], [4], 20, 6)).toBeCloseTo(2 / 6, 12);
  });
});

describe("simulated time", () => {
  const params = { kStretchTreeDepth: 10, kLongLivedTreeDepth: 8, kArraySize: 4000, kMinTreeDepth: 4, kMaxTreeDepth: 8 };
  const gcbench = loadWorkload("workloads/gcbench.json", params);

  it.each(CONFIGURATIONS)("is deterministic: $label gives identical figures outside wall on a second run", ({ collector, options }) => {
    const once = () => {
      const { wall, ...rest } = runWorkload(gcbench, { collector, collectorOptions: options, params, heapBytes: 192 << 10 });
      expect(wall.totalMs).toBeGreaterThan(0);
      return rest;
    };
    const first = once();
    expect(first.outcome).toBe("completed");
    expect(once()).toEqual(first);
  });

  it("is the cost-weighted sum of the mutator's operations when nothing is collected", () => {
    const r = runWorkload(gcbench, { collector: "none", params, heapBytes: 64 << 20 });
    const c = DEFAULT_COSTS;
    const m = r.mutator;
    const expected =
      m.statements * c.statement +
      m.loads * c.referenceLoad +
      m.stores * c.referenceStore +
      m.calls * c.call +
      m.payloadAccesses * c.payloadAccess +
      r.allocated.objects * c.allocation +
      r.allocated.bytes * c.allocationByte +
      r.work.allocationSlowPaths * c.allocationSlowPath +
      r.work.pagesTouched * c.pageFirstTouch;
    // GCBench's one large object, its array of kArraySize 8-byte elements plus the header, goes to the large-object
    // space, on whole pages of its own; the allocation is one slow path.
    const arrayBytes = 8 + params.kArraySize * 8;
    expect(r.memory.largeObjectsAllocated).toBe(1);
    expect(r.memory.largeBytesAllocated).toBe(arrayBytes);
    expect(r.work.allocationSlowPaths).toBe(1);
    // The no-GC baseline bump-allocates everything else upward from the main spaces' first address (8 past a page
    // boundary): every page up to the last byte is touched once.
    const smallBytes = r.allocated.bytes - arrayBytes;
    expect(r.work.pagesTouched).toBe(Math.floor((8 + smallBytes - 1) / c.pageBytes) + 1 + Math.ceil(arrayBytes / c.pageBytes));
    expect(r.work.safepoints).toBe(0);
    expect(r.time.mutator).toBeCloseTo(expected, 3);
    expect(r.time.gc).toBe(0);
    expect(r.time.throughput).toBe(1);
    // GCBench's stores: every node but the leaves' left and right fields is set once.
    expect(m.calls).toBeGreaterThan(0);
  });

  it("charges each pause the cost of its work, and lays pauses out on one clock", () => {
    const doubled = { ...DEFAULT_COSTS, objectCopied: DEFAULT_COSTS.objectCopied * 2 };
    const base = runWorkload(gcbench, { collector: "copying", params, heapBytes: 192 << 10 });
    const costly = runWorkload(gcbench, { collector: "copying", params, heapBytes: 192 << 10, costModel: doubled });
    expect(costly.time.gc - base.time.gc).toBeCloseTo(base.work.objectsCopied * DEFAULT_COSTS.objectCopied, 3);
    expect(costly.time.mutator).toBeCloseTo(base.time.mutator, 3);
    const { result, timeline } = runWorkloadWithTimeline(gcbench, { collector: "copying", params, heapBytes: 192 << 10 });
    const rows = timeline();
    expect(rows).toHaveLength(result.collections.total);
    expect(rows.reduce((t, r) => t + r.pauseNs, 0)).toBeCloseTo(result.time.gc, 3);
    for (let i = 1; i < rows.length; i++) expect(rows[i].startNs).toBeGreaterThanOrEqual(rows[i - 1].startNs + rows[i - 1].pauseNs);
    expect(rows.at(-1)!.startNs + rows.at(-1)!.pauseNs).toBeLessThanOrEqual(result.time.total);
  });
});

describe("the physics of a pause", () => {
  /** A list of `n` cells (one reference, 8 payload bytes: 24 bytes each) kept alive, then one explicit collection. */
  const list = (n: number): WorkloadDoc => ({
    name: "list",
    types: { Cell: { refs: ["next"], bytes: 8 } },
    globals: ["head:ref"],
    main: {
      locals: ["c:ref"],
      body: [
        { assign: "head", value: null },
        { repeat: n, do: [{ alloc: "Cell", to: "c" }, { store: "c.next", value: "head" }, { assign: "head", value: "c" }] },
        { collect: true },
      ],
    },
  });
  const zero = Object.fromEntries(Object.keys(DEFAULT_COSTS).map((k) => [k, 0])) as typeof DEFAULT_COSTS;
  const only = (costs: Partial<typeof DEFAULT_COSTS>) => ({ ...zero, pageBytes: 4096, ...costs });

  it("every collection pays the safepoint and runtime-root costs once; rc's inline cascades do not", () => {
    const costModel = only({ safepoint: 7, runtimeRoots: 11 });
    for (const collector of ["mark-sweep", "copying", "mark-compact", "generational"]) {
      const r = runWorkload({ doc: list(100), file: "<list>" }, { collector, costModel, heapBytes: 1 << 20 });
      expect(r.work.safepoints).toBe(r.collections.total);
      expect(r.pauses.total).toBe(18 * r.collections.total);
    }
    const rc = runWorkload({ doc: list(100), file: "<list>" }, { collector: "rc", costModel, heapBytes: 1 << 20 });
    expect(rc.work.safepoints).toBe(rc.collections.cycle + rc.collections.coalesce);
  });

  it("a copying collection pays for the fresh to-space pages its survivors are copied into", () => {
    const heapBytes = 1 << 20;
    const r = runWorkload({ doc: list(1000), file: "<list>" }, { collector: "copying", costModel: only({ pageFirstTouch: 1 }), heapBytes });
    expect(r.collections.total).toBe(1);
    expect(r.work.bytesCopied).toBe(1000 * 24);
    // To-space is the upper semispace; the survivors fill it from its start, at address 8 + heap/2.
    const toStart = 8 + heapBytes / 2;
    const pages = Math.floor((toStart + 1000 * 24 - 1) / 4096) - Math.floor(toStart / 4096) + 1;
    expect(r.pauses.total).toBe(pages);
    // The mutator touched the pages it allocated into, from address 8 on.
    expect(r.work.pagesTouched).toBe(Math.floor((8 + 1000 * 24 - 1) / 4096) + 1 + pages);
  });
});
