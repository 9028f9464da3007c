/**
 * The large-object space: objects over the `large` threshold are never
 * copied or slid, count against the heap budget with their whole pages, are
 * freed and their pages reused, and stay correct when they point at young
 * objects. Expected figures are derived in the comments from the workloads'
 * definitions and the budget rules (README, Large objects).
 */
import { describe, expect, it } from "vitest";
import { defineCollector, type CollectorContext } from "../src/collectors/collector.js";
import markSweep, { MarkSweepCollector } from "../src/collectors/mark-sweep/index.js";
import generational, { GenerationalCollector } from "../src/collectors/generational/index.js";
import { collectors } from "../src/collectors/registry.js";
import { runWorkload } from "../src/sim/run.js";
import { largeObjectOptions } from "../src/collectors/options.js";
import type { WorkloadDoc } from "../src/workload/types.js";
import { ALL_COLLECTORS, CONFIGURATIONS, run } from "./helpers.js";

const PAGE = 4096;
const NODE_BYTES = 8 + 16; // header + 16 payload bytes, no slots
const BIG_PAYLOAD = 16_384;
const BIG_BYTES = 8 + BIG_PAYLOAD; // 16,392 bytes: over the 8 KiB default threshold
const BIG_PAGES_BYTES = Math.ceil(BIG_BYTES / PAGE) * PAGE; // 5 pages: 20,480 bytes
const HEAP = 64 << 10;
const NODES = 10_000;

/** One large object in a global for the whole run, then NODES nodes through one local: one node is live at a time. */
const oneBigSurvivor: WorkloadDoc = {
  name: "one-big-survivor",
  types: { Node: { bytes: 16 } },
  globals: ["big:ref"],
  main: {
    locals: ["tmp:ref", "i:int"],
    body: [
      { alloc: { slots: 0, bytes: BIG_PAYLOAD }, to: "big" },
      { for: "i", from: 0, through: NODES - 1, do: [{ alloc: "Node", to: "tmp" }] },
      { assert: "!isnull(big)" },
    ],
  },
};

/** Plans with the shared large-object space (the Immix plans have a large-object region of their own). */
const LOS_COLLECTORS = ["none", "copying", "mark-compact", "mark-sweep", "rc", "generational", "incremental-mark-sweep", "concurrent-mark-sweep"];
const usesLos = (collector: string) => LOS_COLLECTORS.includes(collector);

/**
 * Collections needed for NODES nodes when the first cycle holds `first`
 * nodes and each later one `later` (the one node still in `tmp` survives).
 */
function collectionsFor(first: number, later: number): number {
  return Math.ceil((NODES - first) / later);
}

describe("the large-object space", () => {
  it("is one shared option, spread into every built-in collector", () => {
    for (const name of LOS_COLLECTORS) expect((collectors[name].options as Record<string, unknown>).large, name).toBe(largeObjectOptions.large);
    for (const name of ALL_COLLECTORS.filter((c) => !LOS_COLLECTORS.includes(c))) expect(collectors[name].options, name).not.toHaveProperty("large");
    expect(largeObjectOptions.large.default).toBe("8KiB");
    expect(largeObjectOptions.large.parse("8KiB")).toBe(8192);
    expect(largeObjectOptions.large.parse("off")).toBe(Infinity);
    expect(() => largeObjectOptions.large.parse("big")).toThrow(/8KiB, or off/);
  });

  it("copying never copies a surviving large object, and the copy reserve plus its pages stay within the heap", () => {
    const r = run(oneBigSurvivor, { collector: "copying", heapBytes: HEAP });
    expect(r.outcome).toBe("completed");
    // Budget: 2 x used + 20,480 <= 65,536, so a semispace holds floor((65,536 - 20,480) / 16) * 8 = 22,528 bytes:
    // 938 nodes in the first cycle, 937 after each collection (the node in tmp survives).
    const semispace = Math.floor((HEAP - BIG_PAGES_BYTES) / 16) * 8;
    const collections = collectionsFor(Math.floor(semispace / NODE_BYTES), Math.floor((semispace - NODE_BYTES) / NODE_BYTES));
    expect(r.collections.total).toBe(collections);
    // Each collection copies exactly the node in tmp; the large object is marked in place.
    expect(r.work.objectsCopied).toBe(collections);
    expect(r.work.bytesCopied).toBe(collections * NODE_BYTES);
    expect(r.memory.largeObjectsAllocated).toBe(1);
    expect(r.memory.largeBytesAllocated).toBe(BIG_BYTES);
    expect(r.memory.losPeakCommittedBytes).toBe(BIG_PAGES_BYTES);
    expect(r.memory.peakFootprint).toBeLessThanOrEqual(HEAP);

    // With the space off, the object lives in the semispace: 32,768 bytes, 16,392 of them the object, so 682 nodes
    // in the first cycle and 681 after each collection, which copies the object and the node.
    const off = run(oneBigSurvivor, { collector: "copying", heapBytes: HEAP, collectorOptions: { large: "off" } });
    expect(off.outcome).toBe("completed");
    const offCollections = collectionsFor(Math.floor((HEAP / 2 - BIG_BYTES) / NODE_BYTES), Math.floor((HEAP / 2 - BIG_BYTES - NODE_BYTES) / NODE_BYTES));
    expect(off.collections.total).toBe(offCollections);
    expect(off.work.bytesCopied).toBe(offCollections * (BIG_BYTES + NODE_BYTES));
    expect(off.memory.largeObjectsAllocated).toBe(0);
  });

  it("mark-compact never slides a large object, and its space's limit is the heap less the object's pages", () => {
    const r = run(oneBigSurvivor, { collector: "mark-compact", heapBytes: HEAP });
    expect(r.outcome).toBe("completed");
    // 65,536 - 20,480 = 45,056 bytes for nodes: 1,877 in the first cycle, 1,876 after each compaction.
    const room = HEAP - BIG_PAGES_BYTES;
    const collections = collectionsFor(Math.floor(room / NODE_BYTES), Math.floor((room - NODE_BYTES) / NODE_BYTES));
    expect(r.collections.total).toBe(collections);
    // Each compaction slides the node in tmp (the last allocated) down to the bottom; nothing else moves.
    expect(r.work.objectsCopied).toBe(collections);
    expect(r.work.bytesCopied).toBe(collections * NODE_BYTES);
    expect(r.memory.peakFootprint).toBeLessThanOrEqual(HEAP);
  });

  it("frees dead large objects and reuses their pages under every collector that has the space", () => {
    // 200 objects of 20,008 bytes (5 pages, 20,480 bytes, each; 4 MB in all) through one global, in a 128 KiB heap.
    // Nothing else is allocated, so the space fills to as many objects as fit beside what is always committed (a
    // generational nursery) before a collection frees all but the one in the global.
    const churn: WorkloadDoc = {
      name: "large-churn",
      globals: ["tmp:ref"],
      main: { body: [{ repeat: 200, do: [{ alloc: { slots: 0, bytes: 20_000 }, to: "tmp" }] }] },
    };
    for (const { collector, options, label } of [{ collector: "none", options: {}, label: "none" }, ...CONFIGURATIONS]) {
      const r = run(churn, { collector, collectorOptions: options, heapBytes: collector === "none" ? 8 << 20 : 2 * HEAP });
      expect(r.outcome, label).toBe("completed");
      if (!usesLos(collector)) {
        expect(r.memory.largeObjectsAllocated ?? 0, label).toBe(0);
        continue;
      }
      expect(r.memory.largeObjectsAllocated, label).toBe(200);
      const run5 = 5 * PAGE;
      if (collector === "none") {
        // Never freed: 200 runs of 5 pages.
        expect(r.memory.losPeakCommittedBytes).toBe(200 * run5);
        continue;
      }
      if (collector === "rc") {
        // Each store into tmp frees the object it replaces, which was still there when the new one was allocated.
        expect(r.memory.losPeakCommittedBytes, label).toBe(2 * run5);
        expect(r.memory.finalLiveObjects, label).toBe(1);
        continue;
      }
      const fit = Math.floor((2 * HEAP - (r.memory.nurserySize ?? 0)) / run5);
      expect(r.memory.losPeakCommittedBytes, label).toBe(fit * run5);
      expect(r.memory.finalLiveObjects, label).toBe(1);
    }
  });

  it("free-list spaces give free pages back when a large object needs them, and take them back after", () => {
    // A list of 2,729 cells of 24 bytes, then one node kept in tmp, fill 65,520 bytes of a 65,536-byte heap with no
    // collection: the space has touched 16 pages (it starts 8 bytes into a page, so 65,520 bytes end in page 15).
    // The list is dropped, and a large object needs 20,480 bytes of pages: only reclaiming the list (a collection;
    // under rc, the cascade and then coalescing the freed cells) makes room, and the free run it leaves lies below
    // the live node, so the space must give back 5 whole pages from inside that run (trimming its top would free
    // nothing). Once the large object is dead and collected, a list of 2,600 cells (62,400 bytes, all live at once)
    // must fit: more than the 45,056 bytes the space had while the object held its pages, so the 5 pages given back
    // must be committed again, a first touch each: 16 + 5 (the large object) + 5 pages touched in all.
    const FILL = Math.floor(HEAP / NODE_BYTES);
    const lateLarge: WorkloadDoc = {
      name: "late-large",
      types: { Node: { bytes: 16 }, Cell: { refs: ["next"], bytes: 8 } },
      globals: ["big:ref", "tmp:ref", "head:ref"],
      main: {
        locals: ["cell:ref"],
        body: [
          { assign: "head", value: null },
          {
            repeat: FILL - 1,
            do: [
              { alloc: "Cell", to: "cell", init: { next: "head" } },
              { assign: "head", value: "cell" },
            ],
          },
          { assign: "cell", value: null },
          { alloc: "Node", to: "tmp" },
          { assign: "head", value: null },
          { alloc: { slots: 0, bytes: BIG_PAYLOAD }, to: "big" },
          { assert: "!isnull(big)" },
          { assign: "big", value: null },
          { collect: true },
          {
            repeat: 2600,
            do: [
              { alloc: "Cell", to: "cell", init: { next: "head" } },
              { assign: "head", value: "cell" },
            ],
          },
        ],
      },
    };
    for (const { collector, options, label } of CONFIGURATIONS.filter((c) => c.collector === "mark-sweep" || c.collector === "rc")) {
      const r = run(lateLarge, { collector, collectorOptions: options, heapBytes: HEAP });
      expect(r.outcome, label).toBe("completed");
      expect(r.memory.largeObjectsAllocated, label).toBe(1);
      expect(r.memory.losPeakCommittedBytes, label).toBe(BIG_PAGES_BYTES);
      expect(r.memory.peakFootprint, label).toBeLessThanOrEqual(HEAP);
      expect(r.work.pagesTouched, label).toBe(16 + 5 + 5);
    }
    // The check can fail: a free-list space that never gives pages back runs out of memory at the large object.
    class HoardingMarkSweep extends MarkSweepCollector {
      constructor(context: CollectorContext) {
        super(context);
        this.space.releaseFreePages = () => {};
      }
    }
    const hoarding = defineCollector({ ...markSweep, name: "hoarding", create: (context) => new HoardingMarkSweep(context) });
    const r = runWorkload({ doc: lateLarge, file: "<late-large>" }, { collector: hoarding, heapBytes: HEAP, verify: true });
    expect(r.outcome).toBe("out-of-memory");
  });

  it("a major collection frees dead large objects before it promotes, so a mark-sweep mature space has their pages", () => {
    // 20,000 live list nodes (24 bytes each: 480,000 bytes) and then 200 large objects of 64 KiB that die at once,
    // in a 4 MiB heap: live data never exceeds 480,000 + 65,544 bytes. A major collection that promoted the young
    // list before sweeping the dead large objects would find the mature space's budget still held by their pages.
    const doc: WorkloadDoc = {
      name: "dead-large-then-promote",
      types: { Node: { refs: ["next"], bytes: 8 } },
      globals: ["head:ref", "big:ref"],
      main: {
        locals: ["cell:ref"],
        body: [
          { assign: "head", value: null },
          { repeat: 20_000, do: [{ alloc: "Node", to: "cell", init: { next: "head" } }, { assign: "head", value: "cell" }] },
          { repeat: 200, do: [{ alloc: { slots: 0, bytes: 64 * 1024 }, to: "big" }] },
        ],
      },
    };
    for (const mature of ["mark-sweep", "mark-compact"]) {
      const r = run(doc, { collector: "generational", collectorOptions: { mature }, heapBytes: 4 << 20 });
      expect(r.outcome, mature).toBe("completed");
      expect(r.memory.finalLiveObjects, mature).toBe(20_000 + 1);
    }
  });

  it("keeps the young objects a large object points at alive through minor collections, under every barrier", () => {
    // A large array of 1,100 references (8 + 8,800 bytes) fills its slots with new nodes, round and round, while
    // garbage nodes fill the nursery: every minor collection must find the young nodes from the array.
    const SLOTS = 1100;
    const table: WorkloadDoc = {
      name: "large-table",
      types: { Cell: { refs: ["next"], bytes: 8 } },
      globals: ["table:ref"],
      main: {
        locals: ["i:int", "tmp:ref"],
        body: [
          { alloc: { slots: SLOTS, bytes: 0 }, to: "table" },
          {
            for: "i",
            from: 0,
            through: 60_000,
            do: [
              { alloc: "Cell", to: `table[i % ${SLOTS}]` },
              { alloc: "Cell", to: "tmp" },
              { store: "tmp.next", value: "tmp" },
            ],
          },
          { load: `table[${SLOTS - 1}]`, to: "tmp" },
          { assert: "!isnull(tmp)" },
        ],
      },
    };
    const reference = run(table, { collector: "none", heapBytes: 4 << 20 });
    expect(reference.outcome).toBe("completed");
    for (const { collector, options, label } of CONFIGURATIONS.filter((c) => c.collector === "generational")) {
      const r = run(table, { collector, collectorOptions: options, heapBytes: 1 << 20 });
      expect(r.outcome, label).toBe("completed");
      expect(r.collections.minor, label).toBeGreaterThan(5);
      expect(r.memory.largeObjectsAllocated, label).toBe(usesLos(collector) ? 1 : 0);
      expect(r.memory.finalGraphHash, label).toBe(reference.memory.finalGraphHash);
      expect(r.memory.finalLiveObjects, label).toBe(1 + SLOTS);
    }
    // The check can fail: a barrier blind to large objects leaves their young references dangling after a minor.
    class LargeBlindGenerational extends GenerationalCollector {
      override writeRef(obj: number, slot: number, value: number): void {
        if (obj < this.heap.start) this.mem[(obj >> 2) + 2 + 2 * slot] = value;
        else super.writeRef(obj, slot, value);
      }
    }
    const blind = defineCollector({ ...generational, name: "large-blind", create: (context, options) => new LargeBlindGenerational(context, options) });
    const r = runWorkload({ doc: table, file: "<large-table>" }, { collector: blind, collectorOptions: { mature: "mark-compact" }, heapBytes: 1 << 20, verify: true });
    expect(r.outcome).toBe("error");
    expect(r.error?.kind).toBe("verification");
  });
});
