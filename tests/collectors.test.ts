import { describe, expect, it } from "vitest";
import { defineCollector } from "../src/collectors/collector.js";
import generational, { GenerationalCollector } from "../src/collectors/generational/index.js";
import { loadWorkload } from "../src/workload/load.js";
import { runWorkload, runWorkloadWithTimeline } from "../src/sim/run.js";
import type { Statement, WorkloadDoc } from "../src/workload/types.js";
import { run } from "./helpers.js";

const NODE_BYTES = 8 + 2 * 8 + 16; // header, next and prev, 16 payload bytes

/** A workload whose main body builds some structure and drops it; `keep` is a global that may hold part of it. */
function scenario(body: Statement[]): WorkloadDoc {
  return {
    name: "scenario",
    types: { Node: { refs: ["next", "prev"], bytes: 16 } },
    globals: ["keep:ref"],
    functions: {
      Ring: {
        params: ["n:int"],
        returns: "ref",
        locals: ["first:ref", "last:ref", "node:ref"],
        body: [
          { alloc: "Node", to: "first" },
          { assign: "last", value: "first" },
          { repeat: "n - 1", do: [{ alloc: "Node", to: "node", init: { next: "last" } }, { assign: "last", value: "node" }] },
          { store: "first.next", value: "last" },
          { return: "first" },
        ],
      },
    },
    main: { locals: ["a:ref", "b:ref", "c:ref"], body: [{ assign: "keep", value: null }, ...body] },
  };
}

function underRc(doc: WorkloadDoc, cycles: "on" | "off") {
  const r = run(doc, { collector: "rc", collectorOptions: { cycles }, heapBytes: 64 << 20 });
  expect(r.error).toBeNull();
  expect(r.outcome).toBe("completed");
  return r;
}

describe("rc: reference counting with cycle collection", () => {
  it.each<[string, Statement[], { objects: number; cycles: number }]>([
    ["a self-loop", [{ alloc: "Node", to: "a" }, { store: "a.next", value: "a" }, { assign: "a", value: null }], { objects: 1, cycles: 1 }],
    [
      "a 2-cycle",
      [{ alloc: "Node", to: "a" }, { alloc: "Node", to: "b", init: { next: "a" } }, { store: "a.next", value: "b" }, { assign: "a", value: null }, { assign: "b", value: null }],
      { objects: 2, cycles: 1 },
    ],
    ["a ring of 1000", [{ call: "Ring", args: [1000], to: "a" }, { assign: "a", value: null }], { objects: 1000, cycles: 1 }],
    [
      "a cycle with acyclic garbage hanging off it",
      [
        { call: "Ring", args: [3], to: "a" },
        { alloc: "Node", to: "b" },
        { repeat: 4, do: [{ alloc: "Node", to: "c", init: { next: "b" } }, { assign: "b", value: "c" }] },
        { store: "a.prev", value: "b" },
        { assign: "a", value: null },
        { assign: "b", value: null },
        { assign: "c", value: null },
      ],
      { objects: 3 + 5, cycles: 1 },
    ],
    [
      "a ring whose members also point at themselves (one structure, one cycle)",
      [{ call: "Ring", args: [3], to: "a" }, { store: "a.prev", value: "a" }, { load: "a.next", to: "b" }, { store: "b.prev", value: "b" }, { assign: "a", value: null }, { assign: "b", value: null }],
      { objects: 3, cycles: 1 },
    ],
    [
      "a chain of garbage hanging off a self-loop",
      [
        { alloc: "Node", to: "c" },
        { alloc: "Node", to: "b", init: { next: "c" } },
        { alloc: "Node", to: "a", init: { prev: "b" } },
        { store: "a.next", value: "a" },
        { assign: "a", value: null },
        { assign: "b", value: null },
        { assign: "c", value: null },
      ],
      { objects: 3, cycles: 1 },
    ],
    [
      "two rings, one pointing at the other",
      [{ call: "Ring", args: [4], to: "a" }, { call: "Ring", args: [5], to: "b" }, { store: "a.prev", value: "b" }, { assign: "a", value: null }, { assign: "b", value: null }],
      { objects: 9, cycles: 2 },
    ],
  ])("%s: leaked without cycle collection, reclaimed with it", (_name, body, expected) => {
    const plain = underRc(scenario(body), "off");
    expect(plain.leaked).toEqual({ objects: expected.objects, bytes: expected.objects * NODE_BYTES, cycles: expected.cycles });
    const withCycles = underRc(scenario(body), "on");
    expect(withCycles.leaked).toEqual({ objects: 0, bytes: 0, cycles: 0 });
  });

  it("moves a returned reference instead of counting it up and down (Swift's and ARC's owned returns)", () => {
    // Make returns its own variable r; Pass returns its parameter p; main keeps each result in a variable.
    // A count changes only where a reference is made (the allocation into r, the copy of the argument
    // into p) or dropped (a variable overwritten or released with its frame); a return moves it from
    // the callee's variable to the register and from there to the caller's, unchanged.
    const n = 10;
    const doc: WorkloadDoc = {
      name: "returns",
      types: { Node: { refs: ["next"] } },
      functions: {
        Make: { returns: "ref", locals: ["r:ref"], body: [{ alloc: "Node", to: "r" }, { return: "r" }] },
        Pass: { params: ["p:ref"], returns: "ref", body: [{ return: "p" }] },
      },
      main: { locals: ["a:ref", "b:ref"], body: [{ repeat: n, do: [{ call: "Make", to: "a" }] }, { call: "Pass", args: ["a"], to: "b" }] },
    };
    const r = run(doc, { collector: "rc", heapBytes: 1 << 20 });
    expect(r.outcome).toBe("completed");
    // n allocations into r, one argument copied into p.
    expect(r.work.rcIncrements).toBe(n + 1);
    // a overwritten n - 1 times (each old object dies then), and main's frame released at the end (a and b).
    expect(r.work.rcDecrements).toBe(n - 1 + 2);
    expect(r.collections["rc-cascade"]).toBe(n);
    expect(r.leaked).toEqual({ objects: 0, bytes: 0, cycles: 0 });
  });

  it("does not free a cycle that is garbage except for one external reference", () => {
    const body: Statement[] = [
      { call: "Ring", args: [10], to: "a" },
      { load: "a.next", to: "b" },
      { store: "b.prev", value: "b" },
      { assign: "keep", value: "b" },
      { assign: "a", value: null },
      { assign: "b", value: null },
      { collect: true },
    ];
    const r = underRc(scenario(body), "on");
    expect(r.leaked.objects).toBe(0);
    expect(r.memory.finalLiveObjects).toBe(10);
  });

  it("does not free a cycle made garbage and then reachable again before collection", () => {
    const body: Statement[] = [
      { call: "Ring", args: [10], to: "a" },
      { load: "a.next", to: "b" },
      { note: "The ring's head becomes a purple candidate, but b still reaches the ring.", assign: "a", value: null },
      { alloc: "Node", to: "c", init: { next: "b" } },
      { assign: "keep", value: "c" },
      { assign: "b", value: null },
      { assign: "c", value: null },
      { collect: true },
    ];
    const r = underRc(scenario(body), "on");
    expect(r.memory.finalLiveObjects).toBe(11);
    expect(r.leaked.objects).toBe(0);
  });

  it("drops a 1,000,000-node list at once without overflowing the stack, as one pause", () => {
    const body: Statement[] = [
      { assign: "a", value: null },
      { repeat: 1_000_000, do: [{ alloc: "Node", to: "b", init: { next: "a" } }, { assign: "a", value: "b" }] },
      { assign: "b", value: null },
      { assign: "a", value: null },
    ];
    // Without cycle collection nothing is buffered, so the one cascade frees every node.
    const plain = run(scenario(body), { collector: "rc", collectorOptions: { cycles: "off" }, heapBytes: 64 << 20, verify: false });
    expect(plain.error).toBeNull();
    expect(plain.collections["rc-cascade"]).toBe(1);
    expect(plain.work.objectsFreed).toBe(1_000_000);
    // With it, nodes still in the candidate buffer wait for the next cycle collection (Bacon and Rajan's Release).
    const r = run(scenario(body), { collector: "rc", heapBytes: 64 << 20, verify: false });
    expect(r.error).toBeNull();
    expect(r.collections["rc-cascade"]).toBe(1);
    expect(r.leaked.objects).toBe(0);
  });

  it("leaks exactly the cycles cyclic-garbage creates without cycle collection, and none with it", () => {
    const params = { rounds: 300, ringSize: 16, recent: 8 };
    const w = loadWorkload("workloads/cyclic-garbage.json", params);
    const plain = runWorkload(w, { collector: "rc", collectorOptions: { cycles: "off" }, params, heapBytes: 4 << 20, verify: true });
    // Four cyclic structures per round; the last `recent` structures are still held at the end.
    expect(plain.leaked.cycles).toBe(4 * params.rounds - params.recent);
    const collected = runWorkload(w, { collector: "rc", params, heapBytes: 4 << 20, verify: true });
    expect(collected.leaked).toEqual({ objects: 0, bytes: 0, cycles: 0 });
  });
});

describe("generational", () => {
  const params = { kStretchTreeDepth: 14, kLongLivedTreeDepth: 12, kArraySize: 20000, kMinTreeDepth: 4, kMaxTreeDepth: 12 };
  const gcbench = loadWorkload("workloads/gcbench.json", params);

  it("reports minor and major collections separately, with promotion figures", () => {
    const r = runWorkload(gcbench, { collector: "generational", params, heapBytes: 2 << 20, verify: true });
    expect(r.outcome).toBe("completed");
    expect(r.collections.minor).toBeGreaterThan(10);
    expect(r.collections.major).toBeGreaterThan(0);
    expect(r.collections.total).toBe(r.collections.minor + r.collections.major);
    expect(r.memory.promotedBytes).toBeGreaterThan(0);
    expect(r.memory.nurserySurvival).toBeGreaterThan(0);
    expect(r.memory.nurserySurvival).toBeLessThan(0.5);
    expect(r.work.barrierExecutions).toBeGreaterThan(0);
  });

  it("traces fewer objects than mark-sweep on full-size GCBench at the same heap size", () => {
    const full = loadWorkload("workloads/gcbench.json");
    const gen = runWorkload(full, { collector: "generational" });
    const ms = runWorkload(full, { collector: "mark-sweep" });
    const traced = (r: typeof gen) => r.work.objectsMarked + r.work.objectsCopied;
    // Mark-sweep re-marks the long-lived tree at every collection; minor collections never visit it.
    expect(traced(gen)).toBeLessThan(traced(ms));
  });

  it("keeps survivors in eden when a major collection overflows a compacted mature space (HotSpot Serial)", () => {
    // 1200 live nodes (48,000 bytes) do not fit a 32 KiB mature space, but fit it plus eden.
    const doc = scenario([{ call: "Ring", args: [1200], to: "keep" }, { repeat: 5000, do: [{ alloc: "Node", to: "a" }] }]);
    const heapBytes = 64 << 10;
    for (const options of [{ "promote-age": "1" }, { "promote-age": "3", barrier: "cards" }] as Record<string, string>[]) {
      const compacting = run(doc, { collector: "generational", collectorOptions: { ...options, mature: "mark-compact", nursery: "50%" }, heapBytes });
      expect(compacting.error).toBeNull();
      expect(compacting.leaked.objects).toBe(0);
      expect(compacting.memory.finalLive).toBe(1200 * NODE_BYTES);
      // Sweeping cannot move objects out of the nursery's way: the same live data does not fit.
      const sweeping = run(doc, { collector: "generational", collectorOptions: { ...options, mature: "mark-sweep", nursery: "50%" }, heapBytes });
      expect(sweeping.outcome).toBe("out-of-memory");
    }
  });

  it("grows eden as V8 grows new space: doubling once more bytes survived since the last growth than it holds", () => {
    // Every node stays reachable (a chain from a global), so each minor copies all of eden.
    const nodes = 40_000;
    const doc = scenario([{ repeat: nodes, do: [{ alloc: "Node", to: "a", init: { next: "keep" } }, { assign: "keep", value: "a" }] }]);
    const edenBytes = 1 << 20;
    const r = run(doc, { collector: "generational", collectorOptions: { nursery: String(edenBytes), "eden-initial": "64KiB" }, heapBytes: 8 << 20 });
    expect(r.error).toBeNull();
    // The rule, by hand: a minor happens when eden's capacity in whole nodes is allocated, all of it survives.
    let capacity = 64 << 10;
    let survivedSinceGrowth = 0;
    let allocated = 0;
    let minors = 0;
    for (;;) {
      const perCycle = Math.floor(capacity / NODE_BYTES);
      if (allocated + perCycle >= nodes) break;
      allocated += perCycle;
      minors++;
      survivedSinceGrowth += perCycle * NODE_BYTES;
      if (capacity < edenBytes && survivedSinceGrowth > capacity) {
        capacity = Math.min(edenBytes, 2 * capacity);
        survivedSinceGrowth = 0;
      }
    }
    expect(r.collections.minor).toBe(minors);
    expect(r.collections.major).toBe(0);
    // Without growth, eden is 1 MiB from the start: far fewer minors.
    const full = run(doc, { collector: "generational", collectorOptions: { nursery: String(edenBytes) }, heapBytes: 8 << 20 });
    expect(full.collections.minor).toBe(Math.ceil(nodes / Math.floor(edenBytes / NODE_BYTES)) - 1);
  });

  /** A generational collector whose write barrier only stores: old-to-young pointers go unremembered. */
  class NoBarrierGenerational extends GenerationalCollector {
    override writeRef(obj: number, slot: number, value: number): void {
      this.mem[(obj >> 2) + 2 + 2 * slot] = value;
    }
  }

  it("without its write barrier is caught by the verifier", () => {
    const w = loadWorkload("workloads/random-tree.json");
    const r = runWorkload(w, {
      collector: defineCollector({ ...generational, description: "generational with the barrier removed", create: (context, options) => new NoBarrierGenerational(context, options) }),
      verify: true,
    });
    expect(r.error?.kind).toBe("verification");
  });
});

describe("mark-sweep: lazy sweeping", () => {
  // 1000 nodes stay reachable from a global; 200,000 more become garbage at once.
  const LIVE_NODES = 1000;
  const churn = scenario([
    { call: "Ring", args: [LIVE_NODES], to: "keep" },
    { repeat: 200_000, do: [{ alloc: "Node", to: "a" }] },
  ]);
  const atHeap = (heapBytes: number, sweep: "lazy" | "eager") =>
    runWorkloadWithTimeline({ doc: churn, file: "<churn>" }, { collector: "mark-sweep", collectorOptions: { sweep }, heapBytes, verify: true });
  const collections = (out: ReturnType<typeof atHeap>) => out.timeline().filter((row) => row.reason === "allocation-failure");

  it("knows the live size at every collection although the garbage is swept later", () => {
    for (const heapBytes of [256 << 10, 2 << 20]) {
      const out = atHeap(heapBytes, "lazy");
      expect(out.result.outcome).toBe("completed");
      expect(out.result.leaked.objects).toBe(0);
      const rows = collections(out);
      expect(rows.length).toBeGreaterThan(2);
      for (const row of rows) {
        // The ring, and the node the variable `a` still holds when the next allocation fails.
        expect(row.liveAfter).toBe((LIVE_NODES + 1) * NODE_BYTES);
        // Nothing is reclaimed inside the pause: the heap in use falls as allocation sweeps.
        expect(row.usedAfter).toBe(row.usedBefore);
      }
    }
  });

  it("keeps sweeping out of the pause, so the pause does not grow with the heap", () => {
    const pauses = (heapBytes: number, sweep: "lazy" | "eager") => new Set(collections(atHeap(heapBytes, sweep)).map((row) => row.pauseNs));
    const lazySmall = pauses(256 << 10, "lazy");
    const lazyLarge = pauses(2 << 20, "lazy");
    // Every lazy pause marks the same 1000 nodes from the same roots: one duration, at any heap size.
    expect(lazySmall.size).toBe(1);
    expect(lazyLarge).toEqual(lazySmall);
    // An eager pause also sweeps the garbage allocated since the last one, which grows with the heap (8x here).
    const [lazy] = lazySmall;
    const eagerSmall = Math.max(...pauses(256 << 10, "eager"));
    const eagerLarge = Math.max(...pauses(2 << 20, "eager"));
    expect(eagerSmall).toBeGreaterThan(lazy);
    expect(eagerLarge - lazy).toBeGreaterThan(6 * (eagerSmall - lazy));
  });

  it("charges the sweeping to the mutator: less GC time, the same total time", () => {
    const lazy = atHeap(256 << 10, "lazy").result;
    const eager = atHeap(256 << 10, "eager").result;
    expect(lazy.collections.total).toBe(eager.collections.total);
    expect(lazy.time.gc).toBeLessThan(eager.time.gc);
    expect(lazy.time.mutator).toBeGreaterThan(eager.time.mutator);
    // The same sweeping moved out of the pauses (a lazy step closes free runs at its boundary: a few more cells).
    expect(Math.abs(lazy.time.total - eager.time.total) / eager.time.total).toBeLessThan(0.01);
  });
});

describe("mark-compact", () => {
  it("leaves one contiguous run of objects and no fragmentation", () => {
    const w = loadWorkload("workloads/random-tree.json");
    const r = runWorkload(w, { collector: "mark-compact", verify: true });
    expect(r.outcome).toBe("completed");
    expect(r.collections.full).toBeGreaterThan(2);
    expect(r.memory.fragmentation).toBe(0);
  });
});

describe("every collector on GCBench at full size", () => {
  it.each(["mark-compact", "generational", "rc"])("%s allocates exactly what mark-sweep does", (collector) => {
    const w = loadWorkload("workloads/gcbench.json");
    const r = runWorkload(w, { collector });
    expect(r.outcome).toBe("completed");
    expect(r.allocated.objects).toBe(15_333_863);
    expect(r.leaked.objects).toBe(0);
  });
});
