/**
 * The live-size probe's incremental traces on graphs built by hand: each
 * test draws a heap of 24-byte objects (two reference slots, no payload),
 * changes it as a mutator would (reporting its stores), and checks the live
 * bytes against the drawing and whether the trace could stay incremental.
 * The rule under test (src/metrics/peak-live.ts): the trace may skip what
 * the last one marked only if it meets every object that lost a reference
 * since, and every root target of the last trace.
 */
import { describe, expect, it } from "vitest";
import { Heap, Roots } from "../src/heap/heap.js";
import { SimClock } from "../src/metrics/clock.js";
import { DEFAULT_COSTS } from "../src/metrics/cost-model.js";
import { IncrementalLiveTracer, PeakLiveProbe } from "../src/metrics/peak-live.js";
import { Recorder } from "../src/metrics/recorder.js";
import { compileWorkload } from "../src/workload/compile.js";
import { loadWorkload } from "../src/workload/load.js";

const OBJECT_BYTES = 24;

function handHeap(objects: number, collectorMoves = true) {
  const heap = new Heap(1 << 16, 4096);
  const mem = heap.mem;
  const at = (i: number) => heap.start + OBJECT_BYTES * i;
  for (let i = 0; i < objects; i++) {
    mem[at(i) >> 2] = 2;
    mem[(at(i) >> 2) + 1] = 0;
  }
  const roots = new Roots(8, 2);
  let sp = 0;
  roots.stackTop = () => sp;
  const tracer = new IncrementalLiveTracer(heap, roots, collectorMoves);
  tracer.reportsStores();
  return {
    tracer,
    at,
    mem,
    /** Object i's slot `slot` := object j (null: none), reported as the mutator reports a store. */
    store(i: number, slot: number, j: number | null) {
      const index = (at(i) >> 2) + 2 + 2 * slot;
      const value = j === null ? 0 : at(j);
      tracer.store(at(i), mem[index], value);
      mem[index] = value;
    },
    global(k: number, j: number | null) {
      roots.globals[k] = j === null ? 0 : at(j);
    },
    /** The shadow stack holds exactly these objects, bottom first. */
    frames(...objects: number[]) {
      objects.forEach((j, k) => (roots.stack[k] = at(j)));
      sp = objects.length;
    },
  };
}

describe("the live-size probe's incremental trace", () => {
  it("adds only what a bottom-up climb built since the last trace", () => {
    const h = handHeap(8);
    // Two leaves on the stack, then a parent takes them and replaces them there (MakeTree's return).
    h.frames(0, 1);
    expect(h.tracer.measure()).toBe(2 * OBJECT_BYTES);
    h.store(2, 0, 0);
    h.store(2, 1, 1);
    h.frames(2);
    expect(h.tracer.measure()).toBe(3 * OBJECT_BYTES);
    expect(h.tracer.incrementalTraces).toBe(1);
    expect(h.tracer.fullTraces).toBe(1);
  });

  it("traces in full when an object that lost a reference is not met, and counts what died", () => {
    const h = handHeap(8);
    // global -> 0 -> 1 -> 2; then 0 drops 1, and with it 2.
    h.store(0, 0, 1);
    h.store(1, 0, 2);
    h.global(0, 0);
    expect(h.tracer.measure()).toBe(3 * OBJECT_BYTES);
    h.store(0, 0, null);
    expect(h.tracer.measure()).toBe(1 * OBJECT_BYTES);
    expect(h.tracer.incrementalTraces).toBe(0);
    expect(h.tracer.fullTraces).toBe(2);
  });

  it("traces in full, and counts everything still live, when a dropped root target is live only through marked objects", () => {
    const h = handHeap(8);
    // global -> 0 -> 1, and the stack holds 1 too; popping the frame leaves 1 live through 0, which the trace does not scan again.
    h.store(0, 0, 1);
    h.global(0, 0);
    h.frames(1);
    expect(h.tracer.measure()).toBe(2 * OBJECT_BYTES);
    h.frames();
    expect(h.tracer.measure()).toBe(2 * OBJECT_BYTES);
    expect(h.tracer.fullTraces).toBe(2);
  });

  it("finds new objects stored into a marked object", () => {
    const h = handHeap(8);
    // global -> 0; then 0 -> 1 (new) -> 2 (new): 1 is reached only through 0's slot.
    h.global(0, 0);
    expect(h.tracer.measure()).toBe(1 * OBJECT_BYTES);
    h.store(0, 0, 1);
    h.store(1, 0, 2);
    expect(h.tracer.measure()).toBe(3 * OBJECT_BYTES);
    expect(h.tracer.incrementalTraces).toBe(1);
  });

  it("does not let a dead cycle prove itself live through a new object stored into it", () => {
    const h = handHeap(8);
    // global -> 0 <-> 1; 1 is given a new object 2, then the global lets go: 0, 1 and 2 are all dead.
    // Scanning 1's slots before 0 is proved live would meet 0 from 1 and "prove" it.
    h.store(0, 0, 1);
    h.store(1, 0, 0);
    h.global(0, 0);
    expect(h.tracer.measure()).toBe(2 * OBJECT_BYTES);
    h.store(1, 1, 2);
    h.global(0, null);
    expect(h.tracer.measure()).toBe(0);
    expect(h.tracer.incrementalTraces).toBe(0);
  });

  it("traces in full after a pause of a collector that moves objects, and stays incremental after one that does not", () => {
    for (const moves of [true, false]) {
      const h = handHeap(8, moves);
      h.frames(0);
      expect(h.tracer.measure()).toBe(OBJECT_BYTES);
      h.tracer.collectorPaused();
      h.frames(0, 1);
      expect(h.tracer.measure()).toBe(2 * OBJECT_BYTES);
      expect(h.tracer.incrementalTraces).toBe(moves ? 0 : 1);
    }
  });

  it("traces in full once an object is allocated where the last trace found a live one", () => {
    // A collector that reclaims outside a pause: 0 dies, is freed, and its address is handed out again,
    // to an object of two slots and 8 payload bytes (32 bytes), which the stack then holds.
    const h = handHeap(8, false);
    // Precision 1: after the first allocation's trace, the next is due only past twice the peak.
    const probe = new PeakLiveProbe(h.tracer, 1);
    const recorder = new Recorder(new SimClock(DEFAULT_COSTS), undefined, undefined, probe);
    h.frames(0);
    recorder.allocated(OBJECT_BYTES, h.at(5));
    expect(probe.probes).toBe(1);
    h.frames();
    h.mem[(h.at(0) >> 2) + 1] = 8;
    recorder.allocated(32, h.at(0));
    h.frames(0);
    expect(probe.probes).toBe(1);
    expect(h.tracer.measure()).toBe(32);
    expect(h.tracer.fullTraces).toBe(2);
  });

  it("proves an object that lost a reference live when a new object refers to it, and traces in full when none does", () => {
    const h = handHeap(8);
    // globals -> 0 and 1; 0 -> 2 and 1 -> 2; 0 drops 2, which stays live through 1 but is not met by the trace: full.
    h.store(0, 0, 2);
    h.store(1, 0, 2);
    h.global(0, 0);
    h.global(1, 1);
    expect(h.tracer.measure()).toBe(3 * OBJECT_BYTES);
    h.store(0, 0, null);
    expect(h.tracer.measure()).toBe(3 * OBJECT_BYTES);
    // A new object pointing at 2 from the stack would have met it: then the trace stays incremental.
    h.store(0, 0, 2);
    h.store(0, 0, null);
    h.store(3, 0, 2);
    h.frames(3);
    expect(h.tracer.measure()).toBe(4 * OBJECT_BYTES);
    expect(h.tracer.incrementalTraces).toBe(1);
  });
});

describe("the store log with the probe off", () => {
  it("leaves no trace in the compiled code", () => {
    const doc = loadWorkload("workloads/gcbench.json").doc;
    const link = { storeBarrier: false, maxOps: 1e9, maxDepth: 100 };
    expect(compileWorkload(doc, link).source).not.toMatch(/\blst\(|\bLS\b/);
    expect(compileWorkload(doc, { ...link, liveStores: true }).source).toMatch(/\blst\(/);
  });
});
