import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IncrementalUpdateBarrier, SnapshotBarrier } from "../src/collectors/barriers/marking-barriers.js";
import { RUNWAY_MARGIN, assistRatio, consMarkRatio, smoothConsMark, sweepPace, triggerBytes } from "../src/collectors/pacing/pacer.js";
import { AllocationPaced, CollectorThread, TimeSlices } from "../src/collectors/pacing/schedule.js";
import { Marker, SCAN_CHUNK_SLOTS, markBitmapFor } from "../src/collectors/trace/marker.js";
import { Heap, Roots } from "../src/heap/heap.js";
import { objectBytes, writeFreeChunk } from "../src/heap/object-model.js";
import { SimClock } from "../src/metrics/clock.js";
import { WorkCounters } from "../src/metrics/collection-log.js";
import { DEFAULT_COSTS } from "../src/metrics/cost-model.js";
import { Recorder, type Collected, type MarkingView } from "../src/metrics/recorder.js";
import { HeapVerifier } from "../src/verify/verifier.js";

/**
 * The parts of incremental and concurrent marking, each on its own: the
 * pacer's and the schedules' arithmetic (figures from their formulas), the
 * budgeted marker against the stop-the-world one, the barriers, the
 * recorder's concurrent bucket and the verifier's tri-colour checks on
 * hand-built heaps.
 */

/** A heap holding the given objects in address order: each is its slots' targets (object indices, -1 for null). */
function handHeap(objects: number[][], heapBytes = 1 << 20) {
  const heap = new Heap(heapBytes);
  const mem = heap.mem;
  const addrs: number[] = [];
  let a = heap.start;
  for (const slots of objects) {
    mem[a >> 2] = slots.length;
    mem[(a >> 2) + 1] = 0;
    addrs.push(a);
    a += objectBytes(slots.length, 0);
  }
  objects.forEach((slots, i) => slots.forEach((t, s) => (mem[(addrs[i] >> 2) + 2 + 2 * s] = t < 0 ? 0 : addrs[t])));
  writeFreeChunk(mem, a, heap.end - a);
  return { heap, addrs };
}

describe("the pacer", () => {
  it("triggers at the free space less the runway, within 5% and 95% of the free space", () => {
    // H = 1000, L = 200 marked (free 800), of which S = 120 reachable at the end: runway = r x S x RUNWAY_MARGIN (2).
    const after = { heapBytes: 1000, liveBytes: 200, scanBytes: 120, fixedShare: null };
    expect(triggerBytes({ ...after, consMarkRatio: 0.5 })).toBe(800 - 0.5 * 120 * 2);
    expect(RUNWAY_MARGIN).toBe(2);
    expect(triggerBytes({ ...after, consMarkRatio: 10 })).toBe(40);
    expect(triggerBytes({ ...after, consMarkRatio: 0 })).toBe(760);
    // Before any cycle: half the free space; a fixed share: that share.
    expect(triggerBytes({ heapBytes: 1000, liveBytes: 0, scanBytes: 0, consMarkRatio: null, fixedShare: null })).toBe(500);
    expect(triggerBytes({ ...after, consMarkRatio: 3, fixedShare: 0.25 })).toBe(200);
  });

  it("smooths the cons/mark ratio over two cycles, paces the sweep and sets the assist ratio", () => {
    expect(consMarkRatio(300, 100)).toBe(3);
    expect(consMarkRatio(300, 0)).toBe(0);
    expect(smoothConsMark(null, 3)).toBe(3);
    expect(smoothConsMark(3, 1)).toBe(2);
    // 64 KiB in 32 KiB steps: 2 steps within 3/4 of 1000 bytes.
    expect(sweepPace(1000, 65536, 32768)).toBe(375);
    expect(sweepPace(0, 65536, 32768)).toBe(1);
    // 700 bytes to scan over 800 free less 100 reserved.
    expect(assistRatio(700, 800)).toBe(1);
  });
});

describe("the schedules", () => {
  it("time slices: a quantum at most once per period, the overshoot taken from the next", () => {
    const s = new TimeSlices(2_000_000, 500_000);
    s.begin(0);
    expect(s.budget(1_499_999)).toBe(0);
    expect(s.budget(1_500_000)).toBe(500_000);
    s.ran(510_000, 500_000, 2_030_000);
    expect(s.budget(2_030_000 + 1_499_999)).toBe(0);
    expect(s.budget(2_030_000 + 1_500_000)).toBe(490_000);
  });

  it("a collector thread does elapsed time x its cpu share of work, in slices of at least 1 µs", () => {
    const t = new CollectorThread(0.25);
    t.begin(1_000);
    expect(t.budget(1_000 + 3_999)).toBe(0);
    expect(t.budget(1_000 + 8_000)).toBe(2_000);
    t.ran(2_500, 2_000, 9_000);
    expect(t.budget(9_000 + 4_000)).toBe(0); // 1,000 less a debt of 500
    expect(t.budget(9_000 + 10_000)).toBe(2_000);
    // A pause moves the thread's clock to its end: the time before it is not owed.
    t.paused(50_000);
    expect(t.budget(50_000 + 8_000)).toBe(2_000 - 500);
  });

  it("allocation pacing: k bytes scanned per byte allocated, every increment-bytes", () => {
    const s = new AllocationPaced(100, null);
    s.begin(0, 1_000, 2);
    expect(s.budget(0, 1_099)).toBe(0);
    expect(s.budget(0, 1_100)).toBe(200);
    s.ran(250, 200, 0, 1_100);
    expect(s.budget(0, 1_200)).toBe(150);
    const fixed = new AllocationPaced(100, 0.5);
    fixed.begin(0, 0, 2);
    expect(fixed.budget(0, 400)).toBe(200);
  });
});

describe("the budgeted marker", () => {
  const graphs = fc
    .integer({ min: 1, max: 40 })
    .chain((n) =>
      fc.record({
        slots: fc.array(fc.array(fc.integer({ min: -1, max: n - 1 }), { maxLength: 5 }), { minLength: n, maxLength: n }),
        roots: fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }),
        big: fc.boolean(),
        budgets: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 50 }),
      }),
    );

  it("marks the same objects and counts the same work as drain(), for any sequence of budgets", () => {
    fc.assert(
      fc.property(graphs, ({ slots, roots, big, budgets }) => {
        // Optionally one object larger than a scan chunk, pointing at every object in turn.
        const objects = big ? [...slots, Array.from({ length: SCAN_CHUNK_SLOTS * 2 + 7 }, (_, i) => i % slots.length)] : slots;
        const rootList = big ? [...roots, objects.length - 1] : roots;
        const stw = handHeap(objects);
        const inc = handHeap(objects);
        const stwWork = new WorkCounters();
        const incWork = new WorkCounters();
        const stwMarker = new Marker(stw.heap.mem, stwWork, markBitmapFor(stw.heap.mem));
        const bits = markBitmapFor(inc.heap.mem);
        const incMarker = new Marker(inc.heap.mem, incWork, bits);
        const rootsOf = (addrs: number[]) => {
          const r = new Roots(8, 0);
          rootList.forEach((i, k) => (r.stack[k] = addrs[i]));
          r.stackTop = () => rootList.length;
          return r;
        };
        const bytes = stwMarker.markFromRoots(rootsOf(stw.addrs));
        incMarker.markRoots(rootsOf(inc.addrs));
        let i = 0;
        while (incMarker.greyEntries > 0) incMarker.drainBudget(budgets[i++ % budgets.length], 20, 1, 0);
        expect(objects.map((_, k) => incMarker.isMarked(inc.addrs[k]))).toEqual(objects.map((_, k) => stwMarker.isMarked(stw.addrs[k])));
        expect(incWork).toEqual(stwWork);
        expect(incMarker.scannedBytes).toBe(bytes);
        expect(incMarker.scannedObjects).toBe(stwWork.objectsMarked);
      }),
      { numRuns: 150, seed: 16 },
    );
  });

  it("scans a large object a chunk at a time: the smallest budget scans one chunk, and the object stays grey", () => {
    const { heap, addrs } = handHeap([Array.from({ length: 3 * SCAN_CHUNK_SLOTS }, () => -1)]);
    const work = new WorkCounters();
    const marker = new Marker(heap.mem, work, markBitmapFor(heap.mem));
    marker.shade(addrs[0]);
    const spent = marker.drainBudget(1, 20, 1, 0);
    expect(spent).toBe(20 + SCAN_CHUNK_SLOTS);
    expect(work.slotsScanned).toBe(SCAN_CHUNK_SLOTS);
    const greys: number[] = [];
    marker.forEachGrey((g) => greys.push(g));
    expect(greys).toEqual([addrs[0]]);
    marker.drainBudget(Infinity, 20, 1, 0);
    expect(work).toMatchObject({ objectsMarked: 1, slotsScanned: 3 * SCAN_CHUNK_SLOTS });
    expect(marker.greyEntries).toBe(0);
  });
});

describe("the marking barriers", () => {
  it("SATB greys the reference a store overwrites; IU greys the one it stores; each grey is one barrier shade", () => {
    // Object 0 holds object 1; object 2 is about to be stored over it.
    for (const [Barrier, greyed] of [
      [SnapshotBarrier, 1],
      [IncrementalUpdateBarrier, 2],
    ] as const) {
      const { heap, addrs } = handHeap([[1], [], []]);
      const work = new WorkCounters();
      const marker = new Marker(heap.mem, work, markBitmapFor(heap.mem));
      const barrier = new Barrier(heap.mem, marker, work);
      barrier.beforeStore(addrs[0], 0, addrs[2]);
      expect(addrs.map((a) => marker.isMarked(a))).toEqual([0, 1, 2].map((i) => i === greyed));
      expect(work.barrierShades).toBe(1);
      // Already grey: no second shade.
      barrier.beforeStore(addrs[0], 0, addrs[2]);
      expect(work.barrierShades).toBe(1);
    }
  });
});

describe("the recorder's time model", () => {
  it("work done between beginConcurrent and endConcurrent is collector-thread time, not mutator time nor pause time", () => {
    const recorder = new Recorder(new SimClock(DEFAULT_COSTS));
    recorder.work.barrierExecutions += 7;
    const before = recorder.mutatorNs();
    expect(before).toBe(7 * DEFAULT_COSTS.barrierExecuted);
    recorder.beginConcurrent();
    recorder.work.objectsMarked += 10;
    recorder.work.slotsScanned += 30;
    recorder.endConcurrent();
    expect(recorder.concurrentNs).toBe(10 * DEFAULT_COSTS.objectMarked + 30 * DEFAULT_COSTS.slotScanned);
    expect(recorder.mutatorNs()).toBe(before);
    expect(recorder.gcNs).toBe(0);
  });

  it("a stop pause costs the safepoint alone; a full safepoint adds the runtime's roots", () => {
    const recorder = new Recorder(new SimClock(DEFAULT_COSTS));
    const collected: Collected = { footprint: () => 0, fragmentation: () => 0, parseableRegions: () => [] };
    recorder.pause(collected, "increment", "pacing", () => false, "stop");
    recorder.pause(collected, "initial-mark", "test", () => false, true);
    expect(recorder.log.column("pauseNs")).toEqual(new Float64Array([DEFAULT_COSTS.safepoint, DEFAULT_COSTS.safepoint + DEFAULT_COSTS.runtimeRoots]));
    expect(recorder.work).toMatchObject({ mutatorStops: 1, safepoints: 1 });
  });
});

describe("the verifier's tri-colour checks", () => {
  /** A hand-built heap, its roots (globals: object indices), and a marking whose marked and grey objects are given by index. */
  function setup(objects: number[][], globals: number[]) {
    const { heap, addrs } = handHeap(objects, 4096);
    const roots = new Roots(4, globals.length);
    globals.forEach((g, i) => (roots.globals[i] = g < 0 ? 0 : addrs[g]));
    const marked = new Set<number>();
    let greys: number[] = [];
    const view = (invariant: "strong" | "weak"): MarkingView => ({
      invariant,
      isMarked: (a) => marked.has(a),
      forEachGrey: (f) => greys.forEach(f),
    });
    let current: MarkingView | null = null;
    const collected: Collected = {
      footprint: () => 0,
      fragmentation: () => 0,
      parseableRegions: () => [[heap.start, heap.end]],
      marking: () => current,
    };
    const recorder = new Recorder(new SimClock(DEFAULT_COSTS));
    const verifier = new HeapVerifier(heap, roots, true);
    return {
      addrs,
      roots,
      verifier,
      recorder,
      collected,
      colour(invariant: "strong" | "weak", black: number[], grey: number[]) {
        marked.clear();
        for (const i of [...black, ...grey]) marked.add(addrs[i]);
        greys = grey.map((i) => addrs[i]);
        current = view(invariant);
      },
    };
  }

  it("a black object referring to a white one breaks the strong invariant, and the weak one unless a grey object reaches it through white ones", () => {
    // 0 (black) -> 1 (white); 2 (grey) -> 3 (white) -> 1.
    const t = setup([[1], [], [3], [1]], [0, 2]);
    t.colour("strong", [0], [2]);
    expect(() => t.verifier.markingStep(t.collected, t.recorder, 0, 1)).toThrow(/black object \d+ refers \(slot 0\) to white object \d+: the strong tri-colour invariant/);
    t.colour("weak", [0], [2]);
    expect(() => t.verifier.markingStep(t.collected, t.recorder, 0, 1)).not.toThrow();
    // Without the grey protector, the weak invariant is broken too.
    t.colour("weak", [0, 2], []);
    expect(() => t.verifier.markingStep(t.collected, t.recorder, 0, 1)).toThrow(/weak tri-colour invariant/);
  });

  it("under the weak invariant a root may not hold an unprotected white object; under the strong one roots are exempt (the remark rescans them)", () => {
    const t = setup([[], []], [1, 0]);
    t.colour("weak", [0], []);
    expect(() => t.verifier.markingStep(t.collected, t.recorder, 0, 1)).toThrow(/global 0 refers to white object/);
    t.colour("strong", [0], []);
    expect(() => t.verifier.markingStep(t.collected, t.recorder, 0, 1)).not.toThrow();
  });

  it("at the end of marking, a snapshot object left unmarked is caught under SATB, and a reachable unmarked object under both", () => {
    // Global 0 -> 0 -> 1 at the start; then the global is cleared and only object 2 (marked) stays reachable.
    const t = setup([[1], [], []], [0]);
    t.colour("weak", [], [0]);
    t.verifier.cycleStarted(t.collected, t.recorder, 0);
    t.roots.globals[0] = t.addrs[2];
    t.colour("weak", [0, 2], []);
    expect(() => t.verifier.cycleMarked(t.collected, t.recorder, 0)).toThrow(/without marking an object reachable when it began/);
    t.colour("strong", [0, 2], []);
    expect(() => t.verifier.cycleMarked(t.collected, t.recorder, 0)).not.toThrow();
    t.colour("strong", [0], []);
    expect(() => t.verifier.cycleMarked(t.collected, t.recorder, 0)).toThrow(/ended with a reachable object unmarked/);
  });

  it("samples marking steps 1, 2, 4, 8... unless asked to check every one", () => {
    const { heap } = handHeap([[]], 4096);
    const collected: Collected = { footprint: () => 0, fragmentation: () => 0, parseableRegions: () => [[heap.start, heap.end]], marking: () => ({ invariant: "strong", isMarked: () => false, forEachGrey: () => {} }) };
    const sampled = new HeapVerifier(heap, new Roots(1, 0));
    const recorder = new Recorder(new SimClock(DEFAULT_COSTS));
    for (let step = 1; step <= 20; step++) sampled.markingStep(collected, recorder, 0, step);
    expect(sampled.markingChecks).toBe(5); // 1, 2, 4, 8, 16
  });
});
